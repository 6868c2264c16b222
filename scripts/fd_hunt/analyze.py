#!/usr/bin/env python3
# Tallies run_jac.py's output: per mode, rows, estimates that do not hold (true error above the
# estimate), and those among them jac printed as reliable (the confident misses), with the
# evaluations per row; then lists the confident misses.
import sys, math
from collections import defaultdict
t = defaultdict(lambda: [0,0,0,0]); misses = defaultdict(list)
for l in open(sys.argv[1]):
    prec, cat, f, pt, j, m, v, e, u, w, d, ev = l.rstrip("\n").split("\t")
    v = float(v) if v != "None" else math.nan; e = float(e) if e != "None" else math.inf; d = float(d)
    held = abs(v - d) <= e
    s = t[m]; s[0] += 1; s[1] += (not held); s[2] += (not held and u == "False"); s[3] += int(ev)
    if not held and u == "False": misses[m].append((f, pt, j, v, e, d))
for m, s in t.items(): print(f"{m:11s} rows {s[0]} misses {s[1]} confident(jac reliable) {s[2]} evals/row {s[3]/s[0]:.1f}")
for m, L in misses.items():
    for x in L: print(" ", m, *x)
