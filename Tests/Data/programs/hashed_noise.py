#!/usr/bin/env python3
"""f(x) = sin(x0)*x1 plus noise of up to 1e-6, with the exact gradient (cos(x0)*x1, sin(x0)),
speaking jac's --program protocol. Standard library only.

The noise is a hash of x's bits, so a rerun asks the same questions and gets the same answers:
a Monte Carlo estimate or a tolerance-stopped solver behaves alike (the same x, the same
error), without the run-to-run variation that would make a test flaky.
"""
import hashlib
import json
import math
import struct
import sys


def noise(x):
    digest = hashlib.sha256(struct.pack("%dd" % len(x), *x)).digest()
    return (int.from_bytes(digest[:8], "little") / 2**64 - 0.5) * 2e-6


for line in sys.stdin:
    request = json.loads(line)
    x = request["x"]
    reply = {"y": [math.sin(x[0]) * x[1] + noise(x)]}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [[math.cos(x[0]) * x[1], math.sin(x[0])]]
    print(json.dumps(reply), flush=True)
