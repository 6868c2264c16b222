#!/usr/bin/env python3
"""log-sum-exp written stably, with its correct gradient softmax(x), speaking jac's --program
protocol (Jacobian, J.v and u^T J requests). Standard library only.

    lse(x) = m + log(sum_i exp(x_i - m)),  m = max_i x_i
The max is only a shift: lse is smooth everywhere, ties included, and d lse/dx_i = exp(x_i - lse).
Two outputs, so that J.v and u^T J differ: y = (lse(x), lse(2x)/2), whose second row is
softmax(2x).
"""
import json
import math
import sys


def lse(x):
    m = max(x)
    return m + math.log(sum(math.exp(v - m) for v in x))


def softmax(x):
    s = lse(x)
    return [math.exp(v - s) for v in x]


for line in sys.stdin:
    request = json.loads(line)
    x = request["x"]
    doubled = [2 * v for v in x]
    y = [lse(x), lse(doubled) / 2]
    jac = [softmax(x), softmax(doubled)]
    reply = {"y": y}
    if request.get("want") == "jacobian":
        reply["jacobian"] = jac
    if "jvp" in request:
        reply["jvp"] = [sum(r * v for r, v in zip(row, request["jvp"])) for row in jac]
    if "vjp" in request:
        u = request["vjp"]
        reply["vjp"] = [u[0] * jac[0][i] + u[1] * jac[1][i] for i in range(len(x))]
    print(json.dumps(reply), flush=True)
