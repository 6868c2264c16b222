#!/usr/bin/env python3
"""One ReLU unit with weight decay, its gradient by PyTorch's convention relu'(0) = 0, speaking
jac's --program protocol. Standard library only.

    f(w) = relu(z) + 0.5 |w|^2,  z = a . w + b,  a = (1, 2, -1), b = 1
By hand, where z != 0: grad = [z > 0] a + w. At w = (1, -1, 0), z = 1 - 2 + 0 + 1 = 0 exactly: f is
not differentiable there, its generalized gradient is {lam a + w : lam in [0, 1]}, and PyTorch's
relu'(0) = 0 gives lam = 0, grad = w = (1, -1, 0): a valid subgradient, never wrong.

    --bad-subgradient  relu'(0) taken as 2 (outside [0, 1]): grad = 2a + w = (3, 3, -2) at that point, not
                 a generalized gradient (along w0 f's one-sided slopes are w0 + 0 = 1 and w0 + 1 = 2)
"""
import json
import sys

A, B = (1.0, 2.0, -1.0), 1.0
BAD = "--bad-subgradient" in sys.argv

for line in sys.stdin:
    request = json.loads(line)
    w = request["x"]
    z = sum(a * v for a, v in zip(A, w)) + B
    y = max(z, 0.0) + 0.5 * sum(v * v for v in w)
    slope = 1.0 if z > 0 else (2.0 if BAD and z == 0 else 0.0)
    reply = {"y": [y]}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [[slope * a + v for a, v in zip(A, w)]]
    print(json.dumps(reply), flush=True)
