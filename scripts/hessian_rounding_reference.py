#!/usr/bin/env python3
"""Generates Tests/Data/hessian-rounding-sweep.tsv: Hessians of four formulas built on hypot and
pow at seeded random Double points, for HessianCorrectionTermTests' sweep (a rounding bound must
never be smaller than the error of the Hessian AD computes).

Each Hessian comes from sympy's symbolic second derivatives of the formula, evaluated by mpmath at
60 digits at the exact binary value of each point: an independent route, no code of this
repository is involved. Written with 20 significant digits (a Double reads back within half an ulp).

Formulas (x, y the two inputs):
  hypot        sqrt(x^2 + y^2)
  hypotSquared sqrt(x^2 + y^2)^2     (x^2 + y^2 by hand: [[2, 0], [0, 2]])
  sqrtHypot    (x^2 + y^2)^(1/4)
  pow          x^y, x > 0

Columns: formula, x, y (Double, repr), h00, h01, h11.

Usage:   /work/venv/bin/python scripts/hessian_rounding_reference.py > Tests/Data/hessian-rounding-sweep.tsv
(the output is deterministic: random.Random(54) draws the points.)
"""
import random
import sympy as sp
from mpmath import mp, mpf

mp.dps = 60
X, Y = sp.symbols("x y", real=True)
R = sp.sqrt(X**2 + Y**2)
FORMULAS = {
    "hypot": R,
    "hypotSquared": R**2,
    "sqrtHypot": sp.sqrt(R),
    "pow": X**Y,
}


def hessian(expr, x, y):
    out = []
    for a, b in ((X, X), (X, Y), (Y, Y)):
        d = sp.diff(expr, a, b)
        v = sp.N(d.subs({X: sp.Float(mpf(x), 60), Y: sp.Float(mpf(y), 60)}), 60)
        out.append(mp.nstr(mpf(str(v)), 20, min_fixed=1, max_fixed=0))
    return out


def points(rng, name):
    pts = []
    for _ in range(24):
        if name == "pow":
            x = 10 ** rng.uniform(-1, 1)
            y = rng.uniform(-3, 3)
        else:
            x = rng.choice([-1, 1]) * 10 ** rng.uniform(-3, 3)
            y = rng.choice([-1, 1]) * 10 ** rng.uniform(-3, 3)
        pts.append((x, y))
    # Points the brief names, and integer ones where the rounding is tiny.
    if name == "pow":
        pts += [(2.0, 3.0), (2.0, 0.5), (0.7, 2.5), (3.0, -1.5)]
    else:
        pts += [(3.0, 4.0), (1.0, 1.0), (1e3, 1e-3), (-5.0, 12.0)]
    return pts


def main():
    rng = random.Random(54)
    print("# formula\tx\ty\th00\th01\th11 (sympy + mpmath at 60 digits; scripts/hessian_rounding_reference.py)")
    for name, expr in FORMULAS.items():
        for x, y in points(rng, name):
            print("\t".join([name, repr(x), repr(y)] + hessian(expr, x, y)))


main()
