#!/usr/bin/env python3
"""A program that breaks jac's --program protocol in the way named by argv[1], for the tests.

f(x) = (x0 * x1, x0 + x1) with a correct Jacobian, except:
  exit       exits with status 7 after the first reply
  hang       never replies to the second request
  garbage    prints a line that is not JSON
  nan        returns NaN for y at the point
  wronglen   returns three outputs where the first reply had two
  nojac      never sends a Jacobian
  wrongjac   a wrong entry: d f1/d x1 reported as x0 + 1 (true: x0)
  wrongvjp   u^T J with the u1 term of the first component dropped
  kink       f0 = |x0| * x1 instead, with d f0/d x0 reported as 0.5 * x1 at x0 = 0 (a subgradient)
  wrongkink  the same with 5 * x1 at x0 = 0 (outside the one-sided derivatives -x1 and x1)
  flat       f0 = x0 instead, with d f0/d x1 reported as 0.5 (f0 ignores x1: equal samples)
  relieved   f0 = |x0| + exp(x1) instead, with d f0/d x1 reported as 2 exp(x1) (wrong everywhere)
             and d f0/d x0 as sign(x0); at x0 = 0 f0 has a kink on every line moving x0: a
             check of every column finds it and leaves x1's entry undecided (a generalized
             gradient's entry need not be the slope along x1), while a check of column x1 alone
             sees no kink and convicts it
  tiny       prints y0 as the literal 1e-400, which Double cannot hold (it is not 0)
  buffered   writes its replies through a block-buffered stream it never flushes (as C's stdio and
             Python without flush=True or -u do on a pipe): no reply ever reaches jac
Requests carrying "jvp": v or "vjp": u are answered with J v = (x1 v0 + x0 v1, v0 + v1) or
u^T J = (u0 x1 + u1, u0 x0 + u1).
"""
import io
import json
import math
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
# Opened on the descriptor itself, so PYTHONUNBUFFERED in the environment cannot unbuffer it.
out = io.open(1, "w", buffering=8192, closefd=False) if mode == "buffered" else None
count = 0
for line in sys.stdin:
    count += 1
    request = json.loads(line)
    x = request["x"]
    y = [x[0] * x[1], x[0] + x[1]]
    jac = [[x[1], x[0]], [1.0, 1.0]]
    if mode == "exit" and count == 2:
        print("about to fail", file=sys.stderr, flush=True)
        sys.exit(7)
    if mode == "hang" and count == 2:
        time.sleep(3600)
    if mode == "garbage":
        print("Loading model weights...", flush=True)
        continue
    if mode == "nan":
        y[0] = float("nan")
    if mode == "wronglen" and count >= 2:
        y.append(0.0)
    if mode == "wrongjac":
        jac[0][1] = x[0] + 1
    if mode == "flat":
        y[0] = x[0]
        jac[0] = [1.0, 0.5]
    if mode == "relieved":
        y[0] = abs(x[0]) + math.exp(x[1])
        jac[0] = [float((x[0] > 0) - (x[0] < 0)), 2 * math.exp(x[1])]
    if mode in ("kink", "wrongkink"):
        y[0] = abs(x[0]) * x[1]
        slope = (x[0] > 0) - (x[0] < 0) if x[0] != 0 else (0.5 if mode == "kink" else 5.0)
        jac[0] = [slope * x[1], abs(x[0])]
    reply = {"y": y}
    if mode != "nojac":
        reply["jacobian"] = jac
    if "jvp" in request:
        v = request["jvp"]
        reply["jvp"] = [x[1] * v[0] + x[0] * v[1], v[0] + v[1]]
    if "vjp" in request:
        u = request["vjp"]
        reply["vjp"] = [u[0] * x[1] + (0.0 if mode == "wrongvjp" else u[1]), u[0] * x[0] + u[1]]
    line = json.dumps(reply)
    if mode == "tiny":
        line = line.replace(json.dumps(y[0]), "1e-400", 1)
    if out is not None:
        out.write(line + "\n")
    else:
        print(line, flush=True)
