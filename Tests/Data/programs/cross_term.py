#!/usr/bin/env python3
"""Separate terms plus one cross term, whose hand gradient forgets half of the cross term's
derivative, speaking jac's --program protocol. Standard library only.

12 inputs, one output:
    f(x) = sum_i exp(x_i) / (i + 1)  +  x3 * (x5 + x7 + x9 + x11)
By hand: df/dx_i = exp(x_i) / (i + 1), plus x5 + x7 + x9 + x11 for i = 3 and plus x3 for
i = 5, 7, 9, 11.
The bug: the x3 term is left out of df/dx5, df/dx7, df/dx9 and df/dx11, so those four columns
are wrong by exactly x3 wherever x3 != 0 and right where x3 = 0; every other column is right
everywhere.

    --kink       add |x0| to f, with d/dx0 reported as sign(x0) (0 at x0 = 0, a subgradient):
                 at x0 = 0 f has a kink on every line moving x0, so a check of every column has
                 no gradient to hold the four wrong columns to, while a check of those columns
                 alone, x0 held, sees no kink and convicts them
    --log FILE   append each request to FILE, one JSON object {"x": [...], "want": ...} a line,
                 so a test can count what jac asked and where (the shrink's candidates, the
                 columns each check moved)
"""
import json
import math
import sys

args = sys.argv[1:]
LOG = args[args.index("--log") + 1] if "--log" in args else None
KINK = "--kink" in args
N = 12
CROSS = (5, 7, 9, 11)


def value_and_gradient(x):
    y = sum(math.exp(v) / (i + 1) for i, v in enumerate(x)) + x[3] * sum(x[j] for j in CROSS)
    grad = [math.exp(v) / (i + 1) for i, v in enumerate(x)]
    grad[3] += sum(x[j] for j in CROSS)
    # the bug: grad[j] += x[3] for j in CROSS is missing
    if KINK:
        y += abs(x[0])
        grad[0] += float((x[0] > 0) - (x[0] < 0))
    return y, grad


log = open(LOG, "a") if LOG else None
for line in sys.stdin:
    request = json.loads(line)
    x = request["x"]
    if log:
        log.write(json.dumps({"x": x, "want": request.get("want")}) + "\n")
        log.flush()
    y, grad = value_and_gradient(x)
    reply = {"y": [y]}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [grad]
    print(json.dumps(reply), flush=True)
