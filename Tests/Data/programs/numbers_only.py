# y = (x0*x1, sin x0) with its Jacobian, for `jac check --program`. Exits with status 4 on a
# request whose x holds anything but numbers (the protocol's requests are numbers only), and
# appends each request line to the file after --log.
import json, math, sys

log = open(sys.argv[sys.argv.index("--log") + 1], "a") if "--log" in sys.argv else None
for line in sys.stdin:
    if log:
        log.write(line)
        log.flush()
    r = json.loads(line)
    x = r["x"]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x):
        sys.exit(4)
    out = {"y": [x[0] * x[1], math.sin(x[0])]}
    if r.get("want") == "jacobian":
        out["jacobian"] = [[x[1], x[0]], [math.cos(x[0]), 0.0]]
    print(json.dumps(out), flush=True)
