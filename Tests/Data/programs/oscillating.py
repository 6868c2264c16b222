#!/usr/bin/env python3
"""f(x) = x0*x1^2 + sin(x2)*x0 + x1*x2 and its hand-written gradient, speaking jac's --program
protocol: a small oscillating term beside a huge linear one, as at badly scaled points of a
simulation. Standard library only. Gradient by hand:
    (x1^2 + sin x2, 2*x0*x1 + x2, cos(x2)*x0 + x1)

    jac check --program "python3 oscillating.py" --inputs 3 --samples 10 --domain "x0=[-1000,1000],x1=[-1e6,1e6],x2=[-1e7,1e7]"
    jac check --program "python3 oscillating.py --sign-error" ...   # d/dx2 with its sign flipped
"""
import json
import math
import sys

SIGN_ERROR = "--sign-error" in sys.argv

for line in sys.stdin:
    request = json.loads(line)
    x0, x1, x2 = request["x"]
    reply = {"y": [x0 * x1 * x1 + math.sin(x2) * x0 + x1 * x2]}
    if request.get("want") == "jacobian":
        g = [x1 * x1 + math.sin(x2), 2 * x0 * x1 + x2, math.cos(x2) * x0 + x1]
        if SIGN_ERROR:
            g[2] = -g[2]
        reply["jacobian"] = [g]
    print(json.dumps(reply), flush=True)
