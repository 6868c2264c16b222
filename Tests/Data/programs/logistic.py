#!/usr/bin/env python3
"""Logistic-regression loss and its hand-written gradient, speaking jac's --program protocol.

Standard library only. Inputs: weights w = (w0, w1, w2) (w0 is the bias). One output:
    L(w) = mean_i [ log(1 + exp(z_i)) - t_i * z_i ],  z_i = w0 + w1 * a_i + w2 * b_i
with hand gradient dL/dw = mean_i (sigmoid(z_i) - t_i) * (1, a_i, b_i).

    jac check --program "python3 logistic.py" --inputs 3 --at 0.1,-0.5,0.3
    jac check --program "python3 logistic.py --sign-error" --inputs 3 --at 0.1,-0.5,0.3   # wrong at w2
"""
import json
import math
import sys

DATA = [  # (a, b, t)
    (0.5, 1.2, 1), (-1.0, 0.3, 0), (2.0, -0.7, 1), (0.1, 0.1, 0),
    (-0.4, 2.2, 1), (1.5, -1.5, 0), (-2.0, -0.5, 0), (0.8, 0.9, 1),
]
SIGN_ERROR = "--sign-error" in sys.argv


def softplus(z):
    # log(1 + e^z) without overflow for large |z|
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def loss_and_gradient(w):
    n = len(DATA)
    loss, grad = 0.0, [0.0, 0.0, 0.0]
    for a, b, t in DATA:
        z = w[0] + w[1] * a + w[2] * b
        loss += (softplus(z) - t * z) / n
        r = (sigmoid(z) - t) / n
        grad[0] += r
        grad[1] += r * a
        # The deliberate bug of the --sign-error variant: (t - sigmoid) instead of (sigmoid - t).
        grad[2] += (-r if SIGN_ERROR else r) * b
    return loss, grad


for line in sys.stdin:
    request = json.loads(line)
    loss, grad = loss_and_gradient(request["x"])
    reply = {"y": [loss]}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [grad]
    print(json.dumps(reply), flush=True)
