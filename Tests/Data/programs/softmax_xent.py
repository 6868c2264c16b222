#!/usr/bin/env python3
"""Softmax cross-entropy of a linear classifier and its hand-written gradient, speaking jac's
--program protocol. Standard library only.

3 classes, 4 features, 5 labelled samples. The 12 weights are x, W[c][j] at index 4*c + j.
    L(W) = mean_s [ logsumexp_c z_sc - z_s,label ],  z_sc = sum_j W[c][j] a_sj
By hand: dL/dW[c][j] = mean_s (softmax(z_s)_c - [c == label_s]) a_sj.

    --no-onehot   the bug: the one-hot label is not subtracted (softmax(z_s)_c a_sj alone), so
                  entry (c, j) is off by mean_s [c == label_s] a_sj, nonzero for every (c, j) here
"""
import json
import math
import sys

DATA = [  # (features, label)
    ((1.0, 0.5, -0.3, 2.0), 0), ((-0.7, 1.2, 0.4, 0.1), 1), ((0.3, -1.1, 0.9, -0.5), 2),
    ((1.5, 0.2, 0.2, 0.7), 0), ((-0.2, 0.6, -1.4, 1.0), 2),
]
C, D = 3, 4
NO_ONEHOT = "--no-onehot" in sys.argv


def loss_and_gradient(x):
    W = [x[D * c:D * c + D] for c in range(C)]
    S = len(DATA)
    loss, grad = 0.0, [0.0] * (C * D)
    for a, label in DATA:
        z = [sum(W[c][j] * a[j] for j in range(D)) for c in range(C)]
        m = max(z)
        e = [math.exp(v - m) for v in z]
        total = sum(e)
        loss += (m + math.log(total) - z[label]) / S
        for c in range(C):
            p = e[c] / total
            g = p if NO_ONEHOT else p - (1.0 if c == label else 0.0)
            for j in range(D):
                grad[D * c + j] += g * a[j] / S
    return loss, grad


for line in sys.stdin:
    request = json.loads(line)
    loss, grad = loss_and_gradient(request["x"])
    reply = {"y": [loss]}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [grad]
    print(json.dumps(reply), flush=True)
