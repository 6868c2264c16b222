#!/usr/bin/env python3
"""A loss on a huge scale beside a small penalty, with its hand gradient, speaking jac's --program
protocol. Standard library only. Inputs w = (w0, w1); one output:
    L(w) = 1e12 * sin(w0) + w1^2        dL/dw = (1e12 * cos(w0), 2 * w1)
At (0.3, 0.7): L ~ 3e11, whose ulp is 6e-5; dL/dw = (9.55e11, 1.4). Along w1, L moves by 0.19 at a
step of 1/8, thousands of its ulps, so a wrong dL/dw1 is visible to differences along w1, but not
beside the 1e12 term in one J.v.

    --half-penalty     dL/dw1 reported as w1 (the 2 of w1^2 forgotten): 0.7 at (0.3, 0.7)
    --forgot-penalty   dL/dw1 reported as 0 (the penalty left out of the gradient)
"""
import json
import math
import sys

HALF = "--half-penalty" in sys.argv
FORGOT = "--forgot-penalty" in sys.argv

for line in sys.stdin:
    request = json.loads(line)
    w = request["x"]
    reply = {"y": [1e12 * math.sin(w[0]) + w[1] * w[1]]}
    g1 = 0.0 if FORGOT else (w[1] if HALF else 2 * w[1])
    grad = [1e12 * math.cos(w[0]), g1]
    if request.get("want") == "jacobian":
        reply["jacobian"] = [grad]
    if "jvp" in request:
        v = request["jvp"]
        reply["jvp"] = [grad[0] * v[0] + grad[1] * v[1]]
    if "vjp" in request:
        u = request["vjp"]
        reply["vjp"] = [u[0] * grad[0], u[0] * grad[1]]
    print(json.dumps(reply), flush=True)
