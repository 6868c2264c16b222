#!/usr/bin/env python3
"""f(x) = log(x0) + x1 with its gradient (1/x0, 1), speaking jac's --program protocol.
Standard library only.

Near x0 = 0 a difference's samples cross 0, outside log's domain.
    (default)  reply NaN there, which jac steps around
    --raise    let math.log raise there: the program exits with a traceback
    --double   claim 2/x0 for the first entry (wrong by a factor 2)
"""
import json
import math
import sys

RAISE = "--raise" in sys.argv
FACTOR = 2.0 if "--double" in sys.argv else 1.0

for line in sys.stdin:
    request = json.loads(line)
    x = request["x"]
    if x[0] > 0 or RAISE:
        y = [math.log(x[0]) + x[1]]
    else:
        y = [float("nan")]
    reply = {"y": y}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [[FACTOR / x[0], 1.0]]
    print(json.dumps(reply), flush=True)
