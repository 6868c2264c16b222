#!/usr/bin/env python3
"""A 2-layer tanh MLP's mean squared loss and its hand-written backpropagation, speaking jac's
--program protocol. Standard library only.

Network: 3 inputs -> 4 tanh hidden units -> 1 linear output, on a fixed data set of 6 samples.
The 21 weights are x, flattened in this order (numpy's row-major ravel of each array):
    x0..x11   W1[i][j]  (4 x 3, hidden unit i, feature j): index 3*i + j
    x12..x15  b1[i]
    x16..x19  W2[i]     (one output, hidden unit i)
    x20       b2
Loss  L = mean_s (W2 . tanh(W1 a_s + b1) + b2 - t_s)^2.
Backprop by hand: r_s = 2 (yhat_s - t_s) / S; dW2 = sum r_s h_s; db2 = sum r_s;
delta_s = r_s W2 * (1 - h_s^2); dW1[i][j] = sum delta_s[i] a_s[j]; db1 = sum delta_s.

    jac check --program "python3 mlp.py" --inputs 21 --samples 2 --domain "..."   (default: correct)
    --transposed   the bug: dW1 flattened column-major (as dW1.T.ravel() would), so entry 3*i + j
                   holds dW1[(3*i + j) % 4][(3*i + j) // 4]; entries 0 and 11 (W1[0][0], W1[3][2]) are
                   still right, the other ten of x0..x11 are wrong
    --print-names  print the 21 weights' names, one a line, and exit (for jac's --names @FILE)
"""
import json
import math
import sys

DATA = [  # (features a, target t)
    ((0.5, -1.0, 2.0), 1.0), ((-0.3, 0.8, 0.1), -0.5), ((1.2, 0.4, -0.7), 0.3),
    ((-1.5, -0.2, 0.6), -1.0), ((0.0, 1.1, -1.3), 0.8), ((0.9, -0.6, 0.2), 0.1),
]
H, D = 4, 3
TRANSPOSED = "--transposed" in sys.argv


def names():
    return ([f"W1[{i}][{j}]" for i in range(H) for j in range(D)] + [f"b1[{i}]" for i in range(H)]
            + [f"W2[{i}]" for i in range(H)] + ["b2"])


def unpack(x):
    W1 = [x[D * i:D * i + D] for i in range(H)]
    return W1, x[12:16], x[16:20], x[20]


def loss_and_gradient(x):
    W1, b1, W2, b2 = unpack(x)
    S = len(DATA)
    loss = 0.0
    dW1 = [[0.0] * D for _ in range(H)]
    db1, dW2, db2 = [0.0] * H, [0.0] * H, 0.0
    for a, t in DATA:
        h = [math.tanh(sum(W1[i][j] * a[j] for j in range(D)) + b1[i]) for i in range(H)]
        yhat = sum(W2[i] * h[i] for i in range(H)) + b2
        loss += (yhat - t) ** 2 / S
        r = 2 * (yhat - t) / S
        db2 += r
        for i in range(H):
            dW2[i] += r * h[i]
            delta = r * W2[i] * (1 - h[i] * h[i])
            db1[i] += delta
            for j in range(D):
                dW1[i][j] += delta * a[j]
    if TRANSPOSED:
        flat = [dW1[i][j] for j in range(D) for i in range(H)]
    else:
        flat = [dW1[i][j] for i in range(H) for j in range(D)]
    return loss, flat + db1 + dW2 + [db2]


if "--print-names" in sys.argv:
    print("\n".join(names()))
    sys.exit(0)

for line in sys.stdin:
    request = json.loads(line)
    loss, grad = loss_and_gradient(request["x"])
    reply = {"y": [loss]}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [grad]
    if "vjp" in request:
        reply["vjp"] = [request["vjp"][0] * g for g in grad]
    if "jvp" in request:
        reply["jvp"] = [sum(g * v for g, v in zip(grad, request["jvp"]))]
    print(json.dumps(reply), flush=True)
