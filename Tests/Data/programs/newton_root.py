#!/usr/bin/env python3
"""The root x(a, b) of x^3 + a x - b = 0 by Newton from x = 1, stopped once |residual| <= TOL
(default 1e-8), with its gradient by the implicit function theorem at the computed root,
speaking jac's --program protocol. Standard library only.

    dx/da = -x / (3x^2 + a),  dx/db = 1 / (3x^2 + a)

Right for the exact root; the computed x is within TOL/(3x^2 + a) of it, so the claim and the
program's own slope differ by about that much relative (a few 1e-9 at (2.5, 3)): a user accepts
that with --rtol.

    --tol T     the stopping tolerance
    --forget    claims 0 for dx/da (the variable forgotten)
"""
import json
import sys

TOL = float(sys.argv[sys.argv.index("--tol") + 1]) if "--tol" in sys.argv else 1e-8
FORGET = "--forget" in sys.argv

for line in sys.stdin:
    request = json.loads(line)
    a, b = request["x"]
    x = 1.0
    for _ in range(100):
        r = x * x * x + a * x - b
        if abs(r) <= TOL:
            break
        x -= r / (3 * x * x + a)
    reply = {"y": [x]}
    if request.get("want") == "jacobian":
        d = 3 * x * x + a
        reply["jacobian"] = [[0.0 if FORGET else -x / d, 1 / d]]
    print(json.dumps(reply), flush=True)
