#!/usr/bin/env python3
"""Two outputs of two inputs with one slipped entry of the hand Jacobian, speaking jac's
--program protocol. Standard library only.

    y[0] = x0 * x1,   y[1] = x0 + 2 * x1
By hand the Jacobian is [[x1, x0], [1, 2]]; the reply gives -2 for d y[1] / d x1 (a sign slip),
so only the entry of the second output and the second input is wrong.
"""
import json
import sys

for line in sys.stdin:
    request = json.loads(line)
    x = request["x"]
    reply = {"y": [x[0] * x[1], x[0] + 2 * x[1]]}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [[x[1], x[0]], [1.0, -2.0]]
    print(json.dumps(reply), flush=True)
