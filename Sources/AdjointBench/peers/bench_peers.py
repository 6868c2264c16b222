#!/usr/bin/env python3
"""`make bench-peers`: Adjoint against JAX, PyTorch and numdifftools on the same workloads.

Runs `AdjointBench peers` (the Adjoint side, Sources/AdjointBench/PeerWorkloads.swift) and then the
same workloads in JAX (jit), PyTorch (eager) and numdifftools, in this one process tree, and prints
one JSON line per workload and peer:

  {"benchmark": "<workload>_adjoint_over_<peer>", "value": ratio, "unit": "ratio",
   "adjoint_seconds": ..., "peer_seconds": ...}

ratio = Adjoint's time / the peer's (below 1: Adjoint is faster). Times are medians after warm-up
(JAX's warm-up includes compilation, which is not timed).

Single-threaded on both sides: the Makefile starts this script under `taskset -c <one cpu>`, and
the Adjoint subprocess inherits that affinity; OpenBLAS (both sides), OpenMP and MKL get one
thread from the variables set below before numpy/jax/torch are imported; XLA's CPU client gets
`--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1`; PyTorch gets
`torch.set_num_threads(1)` and one inter-op thread.

The workloads (identical definitions in PeerWorkloads.swift):
- scalar f(x) = sum_i sin(x_i) x_{i+1} + log(1 + x_i^2), x_i = 0.5 + 0.001 (i mod 1000), gradient at
  n = 1e5 (and at n = 100, where numdifftools also runs);
- Jacobians of y_i = sin(x[i mod n]) x[(i+1) mod n] + log(1 + x[7i mod n]^2), (m, n) = (1000, 1),
  (1, 1000), (100, 100): forward mode when m >= n, reverse otherwise, on every side;
- MLP gradient: batch 64, width 256, depth tanh layers with a linear last one, MSE, f32 and f64,
  depths 1, 2, 4, 8, 16, 32.
"""
import json
import os
import subprocess
import statistics
import sys
import time

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402

DEPTHS = (1, 2, 4, 8, 16, 32)
SHAPES = ((1000, 1), (1, 1000), (100, 100))


def point(n):
    return 0.5 + 0.001 * (np.arange(n) % 1000)


def median_seconds(fn, runs):
    fn()
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def mlp_data(dtype, depth, rng):
    limit = np.sqrt(6.0 / 512)
    params = [(rng.uniform(-limit, limit, (256, 256)).astype(dtype), rng.uniform(-0.1, 0.1, (1, 256)).astype(dtype))
              for _ in range(depth)]
    x = rng.uniform(-1, 1, (64, 256)).astype(dtype)
    y = rng.uniform(-1, 1, (64, 256)).astype(dtype)
    return params, x, y


def index_arrays(m, n):
    i = np.arange(m)
    return i % n, (i + 1) % n, (7 * i) % n


def jax_workloads():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    out = {}

    def f(x):
        return jnp.sum(jnp.sin(x[:-1]) * x[1:] + jnp.log(1 + x[:-1] * x[:-1]))

    grad_f = jax.jit(jax.grad(f))
    plain_f = jax.jit(f)
    for n, runs in ((100_000, 15), (100, 101)):
        x = jnp.asarray(point(n))
        out[f"scalar_f_gradient_n{n}"] = median_seconds(lambda: grad_f(x).block_until_ready(), runs)
        if n == 100_000:
            out["scalar_f_plain_n100000"] = median_seconds(lambda: plain_f(x).block_until_ready(), runs)

    for m, n in SHAPES:
        a, b, c = (jnp.asarray(v) for v in index_arrays(m, n))

        def g(x, a=a, b=b, c=c):
            return jnp.sin(x[a]) * x[b] + jnp.log(1 + x[c] * x[c])

        jac = jax.jit(jax.jacfwd(g) if m >= n else jax.jacrev(g))
        x = jnp.asarray(point(n))
        out[f"jacobian_{m}x{n}"] = median_seconds(lambda: jac(x).block_until_ready(), 21)

    def loss(params, x, y):
        h = x
        for k, (w, b) in enumerate(params):
            h = h @ w + b
            if k < len(params) - 1:
                h = jnp.tanh(h)
        return jnp.mean((h - y) ** 2)

    value_and_grad = jax.jit(jax.value_and_grad(loss))
    rng = np.random.default_rng(5)
    for depth in DEPTHS:
        for name, dtype in (("f32", np.float32), ("f64", np.float64)):
            params, x, y = mlp_data(dtype, depth, rng)
            params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in params]
            x, y = jnp.asarray(x), jnp.asarray(y)
            out[f"mlp_gradient_{name}_depth{depth}"] = median_seconds(
                lambda: jax.block_until_ready(value_and_grad(params, x, y)), 9 if depth >= 16 else 21)
    return out


def torch_workloads():
    import torch
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    out = {}

    def f(x):
        return torch.sum(torch.sin(x[:-1]) * x[1:] + torch.log(1 + x[:-1] * x[:-1]))

    for n, runs in ((100_000, 15), (100, 101)):
        x = torch.tensor(point(n), dtype=torch.float64, requires_grad=True)

        def gradient():
            x.grad = None
            f(x).backward()
            return x.grad

        out[f"scalar_f_gradient_n{n}"] = median_seconds(gradient, runs)
        if n == 100_000:
            with torch.no_grad():
                out["scalar_f_plain_n100000"] = median_seconds(lambda: f(x), runs)

    for m, n in SHAPES:
        a, b, c = (torch.tensor(v) for v in index_arrays(m, n))

        def g(x, a=a, b=b, c=c):
            return torch.sin(x[a]) * x[b] + torch.log(1 + x[c] * x[c])

        jac = torch.func.jacfwd(g) if m >= n else torch.func.jacrev(g)
        x = torch.tensor(point(n), dtype=torch.float64)
        out[f"jacobian_{m}x{n}"] = median_seconds(lambda: jac(x), 21)

    rng = np.random.default_rng(5)
    for depth in DEPTHS:
        for name, dtype in (("f32", np.float32), ("f64", np.float64)):
            params, x, y = mlp_data(dtype, depth, rng)
            params = [(torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)) for w, b in params]
            x, y = torch.tensor(x), torch.tensor(y)

            def step(params=params, x=x, y=y):
                for w, b in params:
                    w.grad = None
                    b.grad = None
                h = x
                for k, (w, b) in enumerate(params):
                    h = h @ w + b
                    if k < len(params) - 1:
                        h = torch.tanh(h)
                loss = torch.mean((h - y) ** 2)
                loss.backward()
                return loss

            out[f"mlp_gradient_{name}_depth{depth}"] = median_seconds(step, 9 if depth >= 16 else 21)
    return out


def numdifftools_workloads():
    import numdifftools as nd
    calls = [0]

    def f(x):
        calls[0] += 1
        return np.sum(np.sin(x[:-1]) * x[1:] + np.log(1 + x[:-1] * x[:-1]))

    x = point(100)
    gradient = nd.Gradient(f)
    seconds = median_seconds(lambda: gradient(x), 5)
    # Accuracy next to the time: the hand-written adjoint is the reference.
    exact = np.zeros(100)
    exact[:-1] += np.cos(x[:-1]) * x[1:] + 2 * x[:-1] / (1 + x[:-1] ** 2)
    exact[1:] += np.sin(x[:-1])
    calls[0] = 0
    g = gradient(x)
    error = float(np.max(np.abs(g - exact)) / np.max(np.abs(exact)))
    return {"scalar_f_gradient_n100": seconds}, {"evaluations_of_f": calls[0], "max_relative_error": error}


def run_adjoint(binary):
    result = subprocess.run([binary, "peers"], capture_output=True, text=True, check=True)
    times = {}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            times[row["workload"]] = row["seconds"]
    return times


def emit(workload, peer, adjoint_seconds, peer_seconds, **extra):
    row = {"benchmark": f"{workload}_adjoint_over_{peer}", "value": round(adjoint_seconds / peer_seconds, 4),
           "unit": "ratio", "adjoint_seconds": adjoint_seconds, "peer_seconds": peer_seconds}
    row.update(extra)
    print(json.dumps(row), flush=True)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/AdjointBench"
    print(json.dumps({"benchmark": "peers_setup", "cpu_affinity": sorted(os.sched_getaffinity(0)),
                      "load_average_at_start": os.getloadavg()}), flush=True)
    # The Adjoint side runs before and after the peers and each workload takes the mean of the two
    # medians, so load that changes during the run (other builds on a shared machine) hits both
    # sides alike instead of only one.
    before = run_adjoint(binary)
    peers = {}
    try:
        peers["jax"] = jax_workloads()
    except ImportError as e:
        print(json.dumps({"benchmark": "peer_jax", "skipped": str(e)}))
    try:
        peers["torch"] = torch_workloads()
    except ImportError as e:
        print(json.dumps({"benchmark": "peer_torch", "skipped": str(e)}))
    nd_extra = {}
    try:
        peers["numdifftools"], nd_extra = numdifftools_workloads()
    except ImportError as e:
        print(json.dumps({"benchmark": "peer_numdifftools", "skipped": str(e)}))
    after = run_adjoint(binary)
    adjoint = {k: (before[k] + after[k]) / 2 for k in before if k in after}
    for peer, times in peers.items():
        for workload, seconds in times.items():
            if workload in adjoint:
                extra = nd_extra if peer == "numdifftools" else {}
                emit(workload, peer, adjoint[workload], seconds, **extra)
    for peer in ("jax", "torch"):
        if peer in peers and "scalar_f_plain_n100000" in peers[peer]:
            t = peers[peer]
            print(json.dumps({"benchmark": f"scalar_f_gradient_over_plain_n100000_{peer}",
                              "value": round(t["scalar_f_gradient_n100000"] / t["scalar_f_plain_n100000"], 3),
                              "unit": "ratio"}))
    print(json.dumps({"benchmark": "scalar_f_gradient_over_plain_n100000_adjoint",
                      "value": round(adjoint["scalar_f_gradient_n100000"] / adjoint["scalar_f_plain_n100000"], 3),
                      "unit": "ratio"}))
    print(json.dumps({"benchmark": "peers_done", "load_average_at_end": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
