#!/usr/bin/env python3
"""Side-by-side: our finite differences (through `jac`) against numdifftools (issue 16, item 4).

Not a test: a benchmark that prints accuracy and evaluation counts for both tools.

- The gradient of `make bench`'s f(x) = sum_{i<n-1} [sin(x_i) x_{i+1} + log(1 + x_i^2)] at n = 100,
  x_i = 0.5 + 0.001 i (the point CoreBench uses), against its hand-derived gradient evaluated in
  mpmath at 40 digits. Relative error is ||g - g*||_2 / ||g*||_2. numdifftools' calls to f are
  counted by a wrapper; ours are the `evaluations` jac reports (f(x) included in both).
- A few calibration-corpus functions of one variable, against the corpus' 30-digit derivatives.

Run:  make bench-fd-peers      (builds jac in release, makes a venv with numdifftools from PyPI)
or:   python3 scripts/fd_peers_bench.py --jac .build/release/jac
"""
import argparse
import json
import math
import subprocess
import sys

import numpy as np
import numdifftools as nd
from mpmath import mp, mpf

N = 100
POINT = [0.5 + 0.001 * i for i in range(N)]


def bench_f(x):
    s = 0.0
    for i in range(len(x) - 1):
        s = s + math.sin(x[i]) * x[i + 1] + math.log(1 + x[i] * x[i])
    return s


def bench_f_complex(x):
    s = 0
    for i in range(len(x) - 1):
        s = s + np.sin(x[i]) * x[i + 1] + np.log(1 + x[i] * x[i])
    return s


def exact_gradient(x):
    mp.dps = 40
    g = [mpf(0)] * len(x)
    for i in range(len(x) - 1):
        a, b = mpf(x[i]), mpf(x[i + 1])
        g[i] += mp.cos(a) * b + 2 * a / (1 + a * a)
        g[i + 1] += mp.sin(a)
    return g


def relative_error(g, exact):
    num = math.sqrt(sum(float((mpf(float(a)) - b) ** 2) for a, b in zip(g, exact)))
    den = math.sqrt(sum(float(b * b) for b in exact))
    return num / den


class Counted:
    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, x):
        self.calls += 1
        return self.f(x)


def jac(jac_path, formula, point, mode):
    out = subprocess.run([jac_path, "jacobian", formula, "--at", point, "--mode", mode, "--format", "json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"jac failed ({out.returncode}): {out.stderr}")
    o = json.loads(out.stdout)
    return o["jacobian"], o.get("evaluations", {}).get("total")


def emit(name, tool, method, rel_err, evaluations):
    print(json.dumps({"benchmark": name, "tool": tool, "method": method,
                      "relative_error": rel_err, "evaluations": evaluations}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jac", default=".build/release/jac")
    args = ap.parse_args()
    exact = exact_gradient(POINT)
    rows = []

    # numdifftools: default central gradient, and complex step.
    for method in ["central", "complex"]:
        f = Counted(bench_f_complex if method == "complex" else bench_f)
        g = nd.Gradient(f, method=method)(np.array(POINT))
        rows.append(("gradient n=100", "numdifftools", method, relative_error(g, exact), f.calls))

    # Ours, through jac, on the same f written as a formula.
    formula = " + ".join(f"sin(x{i})*x{i + 1} + log(1 + x{i}*x{i})" for i in range(N - 1))
    point = ",".join(f"x{i}={POINT[i]!r}" for i in range(N))
    for mode in ["central", "adaptive", "richardson", "complex-step"]:
        j, evals = jac(args.jac, formula, point, mode)
        rows.append(("gradient n=100", "adjoint", mode, relative_error(j[0], exact), evals))

    # A few corpus functions of one variable (true derivatives from the committed corpus).
    cases = [("sin(1000*x)", 1.0, "562.379076290702991078249226605"),
             ("sin(50*x)", 1.0, "48.2483014246056637034478529451"),
             ("2/sin(exp(-x))", -4.499, "-80.3930566017654200635774031381"),
             ("log(x)", 1e-3, "999.999999999999979183318288278"),
             ("exp(100*x)", 0.5, "518470552858707246408745.332293"),
             ("1/(x - 1)", 1.001, "-1000000.00000022026824808566745")]
    for formula1, x, truth in cases:
        t = float(truth)
        env = {"sin": np.sin, "exp": np.exp, "log": np.log}
        f = Counted(lambda v, s=formula1: eval(s.replace("^", "**"), env, {"x": v}))
        d = nd.Derivative(f)(x)
        rows.append((f"{formula1} at {x}", "numdifftools", "Derivative (default)", abs(float(d) - t) / abs(t), f.calls))
        for mode in ["richardson", "adaptive"]:
            j, evals = jac(args.jac, formula1, f"x={x!r}", mode)
            rows.append((f"{formula1} at {x}", "adjoint", mode, abs(j[0][0] - t) / abs(t), evals))

    print(f"{'case':28s} {'tool':13s} {'method':22s} {'relative error':>15s} {'evaluations':>12s}")
    for name, tool, method, err, evals in rows:
        print(f"{name:28s} {tool:13s} {method:22s} {err:15.2e} {evals if evals is not None else '-':>12}")
    for r in rows:
        emit(*r)


if __name__ == "__main__":
    sys.exit(main())
