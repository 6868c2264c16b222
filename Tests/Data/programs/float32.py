#!/usr/bin/env python3
"""A float32 model speaking jac's --program protocol, as a PyTorch or JAX model in float32 would.

Standard library only: every value is rounded to float32 (struct) after each operation.
f(x) = (sin(x0) * x1, exp(x1)) with its hand Jacobian [[cos(x0) * x1, sin(x0)], [0, exp(x1)]],
correct to float32 rounding; with --sign-error, d f1/d x1 is reported as -sin(x0).

    jac check --program "python3 float32.py" --inputs 2 --at 0.5,1.5 --precision float32
"""
import json
import math
import struct
import sys

SIGN_ERROR = "--sign-error" in sys.argv


def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


for line in sys.stdin:
    request = json.loads(line)
    x = [f32(v) for v in request["x"]]
    s, c, e = f32(math.sin(x[0])), f32(math.cos(x[0])), f32(math.exp(x[1]))
    reply = {"y": [f32(s * x[1]), e]}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [[f32(c * x[1]), -s if SIGN_ERROR else s], [0.0, e]]
    print(json.dumps(reply), flush=True)
