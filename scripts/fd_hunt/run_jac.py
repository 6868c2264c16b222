#!/usr/bin/env python3
# Runs jac's difference modes (central, richardson, adaptive) on every Double row of a hunt file
# (gen.py / genrand.py output: true derivatives from SymPy + mpmath) and writes one line per row
# and mode: precision, category, formula, point, input, mode, value, error estimate, jac's
# "unreliable" flag, warnings, true derivative, evaluations. Usage:
#   python3 run_jac.py .build/release/jac scripts/fd_hunt/hunt.tsv out.tsv && python3 analyze.py out.tsv
import json, subprocess, sys, math
from concurrent.futures import ThreadPoolExecutor
jac = sys.argv[1]; src = sys.argv[2]; out = sys.argv[3]
rows = [l.rstrip("\n").split("\t") for l in open(src) if l.startswith("Double")]
def run(r):
    prec, cat, f, names, pt, j, d = r
    at = ",".join(f"{n}={v}" for n, v in zip(names.split(","), pt.split(",")))
    res = []
    for m in ["central", "richardson", "adaptive"]:
        p = subprocess.run([jac, "jacobian", "--at", at, "--vars", names, "--mode", m, "--format", "json", "--", f], capture_output=True, text=True)
        try:
            js = json.loads(p.stdout)
            v = js["jacobian"][0][int(j)]; e = js["error_estimate"][0][int(j)]; u = js["unreliable"][0][int(j)]
            w = js["warnings"][0][int(j)]
            res.append((m, v, e, u, ",".join(w) or "-", js["evaluations"]["per_entry"][0][int(j)]))
        except Exception:
            res.append((m, float("nan"), float("inf"), True, "error", 0))
    return r, res
with ThreadPoolExecutor(2) as ex, open(out, "w") as o:
    for r, res in ex.map(run, rows):
        for m, v, e, u, w, ev in res:
            o.write("\t".join([r[0], r[1], r[2], r[4], r[5], m, repr(v), repr(e), str(u), w, r[6], str(ev)]) + "\n")
