from json import loads, dumps
from math import exp, log1p
from sys import argv, stdin
DATA = [(0.5, 1.2, 1), (-1.0, 0.3, 0), (2.0, -0.7, 1), (0.1, 0.1, 0),
        (-0.4, 2.2, 1), (1.5, -1.5, 0), (-2.0, -0.5, 0), (0.8, 0.9, 1)]
SIGN_ERROR = "--sign-error" in argv
def softplus(z): return max(z, 0.0) + log1p(exp(-abs(z)))
def sigmoid(z): return 1.0 / (1.0 + exp(-z)) if z >= 0 else exp(z) / (1.0 + exp(z))
for line in stdin:
    request = loads(line)
    w = request["x"]
    loss, grad = 0.0, [0.0, 0.0, 0.0]
    for a, b, t in DATA:
        z = w[0] + w[1] * a + w[2] * b
        loss += (softplus(z) - t * z) / len(DATA)
        r = (sigmoid(z) - t) / len(DATA)
        grad[0] += r
        grad[1] += r * a
        grad[2] += (-r if SIGN_ERROR else r) * b
    reply = {"y": [loss]}
    if request.get("want") == "jacobian": reply["jacobian"] = [grad]
    print(dumps(reply), flush=True)