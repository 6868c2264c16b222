#!/usr/bin/env python3
"""Generates Tests/Data/fd-audit.tsv: the hard cases of the error-bound audit of the difference
methods and the graded check (FDErrorBoundAuditTests).

The calibration corpus (scripts/fd_calibration_corpus.py) measures how often estimates hold on
ordinary functions; this one collects the inputs where an error bound is most likely to be wrong:
extreme scales (1e-300, 1e300), huge higher derivatives (exp(50x), a pole a few steps away,
sin(1e4x)), oscillation (sin(1/x) near 0), kinks a few steps from x, catastrophic cancellation
written naively (1 - cos x, log(1 + x), an expanded (x - 1)^7 near its root), domain edges a
step away (sqrt, log near 0), sums of many terms, in Double and in Float.

Each row: precision, category, formula (jac's formula language of one variable x), the point (the
shortest decimal that reads back as the intended binary value in the row's type), the true
derivative and the true value of f, both at exactly that binary point, to 30 significant digits.
They come from SymPy's symbolic derivative evaluated by its adaptive-precision evalf (mpmath
underneath) at 40 and at 60 digits; a row is kept only when both agree to 32 digits and the
derivative and value are finite, nonzero and normal in the row's type. No code of this repository
is involved. In Float rows the formula's decimal literals are first rounded to Float, as
`Formula` does in Float (`Float(Double(literal))`), so the reference is the derivative of the
function the Float evaluation approximates.

Usage:   python3 scripts/fd_audit_corpus.py > Tests/Data/fd-audit.tsv
(SymPy 1.14 and mpmath 1.3.0, numpy 2.x; the output is deterministic.)
"""
import sys

import numpy as np
import sympy
from mpmath import mp, mpf

# The formula parser and exact conversion are the calibration corpus's, with the kinked
# functions this corpus adds.
from fd_calibration_corpus import FUNCTIONS, derivative, parse, shortest, write_tsv  # noqa: E402

FUNCTIONS.update({"abs": sympy.Abs, "asinh": sympy.asinh, "relu": lambda u: sympy.Max(0, u), "max": sympy.Max})


def many(term, count):
    """A sum of `count` terms, written out: the formula language has no sum with a bound variable."""
    return " + ".join(term.format(k=k) for k in range(1, count + 1))


EXPANDED_7 = "x^7 - 7*x^6 + 21*x^5 - 35*x^4 + 35*x^3 - 21*x^2 + 7*x - 1"   # (x - 1)^7
EXPANDED_10 = ("x^10 - 20*x^9 + 180*x^8 - 960*x^7 + 3360*x^6 - 8064*x^5 + 13440*x^4 - 15360*x^3"
               " + 11520*x^2 - 5120*x + 1024")                                # (x - 2)^10

# (category, formula, points, precisions). Points are Python floats; Float rows use float32(point).
BOTH = ("Double", "Float")
D = ("Double",)
CASES = [
    # Extreme scales.
    ("scale", "sin(x)", [1e-300, 1e300, 1e-30], D),
    ("scale", "x^2", [1e-300, 1e-150, 1e150], D),
    ("scale", "x^3", [1e-100, 1e100], D),
    ("scale", "log(x)", [1e-300, 1e300, 1e-30, 1e30], BOTH),
    ("scale", "sqrt(x)", [1e-300, 1e300, 1e-30, 1e30], BOTH),
    ("scale", "exp(x)", [700, -700, 1e-300, 80], BOTH),
    ("scale", "x*log(x)", [1e300, 1e-300], D),
    ("scale", "1e-300*x^2", [3, 1e5], D),
    ("scale", "1e300*sin(x)", [0.5], D),
    ("scale", "exp(-x)", [700], D),
    ("scale", "atan(x)", [1e150, 1e15], D),
    ("scale", "x/(1 + x^2)", [1e100], D),
    # Huge higher derivatives.
    ("steep", "exp(50*x)", [0.3, 1, -2, 10], BOTH),
    ("steep", "exp(-50*x)", [0.7], BOTH),
    ("steep", "1/(x - 0.5)", [0.500001, 0.500000001, 0.5001, 0.49999], BOTH),
    ("steep", "1/(x - 1.00001)", [1], BOTH),
    ("steep", "1/(x - 1.0000001)", [1], D),
    ("steep", "log(x - 1.00001)", [1.00002], D),
    ("steep", "sin(1e4*x)", [0.3, 1.7, 100], BOTH),
    ("steep", "cos(1e6*x)", [0.2], D),
    ("steep", "x^50", [1.1, 0.9], BOTH),
    ("steep", "exp(x^2)", [10, 25], D),
    ("steep", "tan(x)", [1.5707963, 1.57079632679], D),
    ("steep", "atan(1e8*(x - 0.5))", [0.5, 0.50000001], D),
    ("steep", "tanh(1e5*(x - 1))", [1.00001, 1], D),
    # Oscillating.
    ("oscillating", "sin(1/x)", [1e-3, 1e-4, 3e-3, 0.01], BOTH),
    ("oscillating", "x^2*sin(1/x)", [1e-3, 2e-4], D),
    ("oscillating", "cos(1/x^2)", [0.1, 0.03], D),
    ("oscillating", "sin(x)*sin(1e3*x) + cos(997*x)", [0.41], BOTH),
    ("oscillating", "sin(exp(x))", [5, 10], D),
    # Kinks a few steps away (the default central step at x = 1 is about 1e-5 in Double, 1e-2 in Float).
    ("kink", "abs(x - 1.00001)", [1], D),
    ("kink", "abs(x - 1.000001)", [1], D),
    ("kink", "abs(x - 0.99999)", [1], D),
    ("kink", "abs(x - 1e-8)", [0, 1e-7], D),
    ("kink", "abs(x - 1.01)", [1], ("Float",)),
    ("kink", "abs(x - 0.999)", [1], ("Float",)),
    ("kink", "x + 0.5*abs(x - 2.00003)", [2], D),
    ("kink", "relu(x - 0.3000001) + x^2", [0.3], D),
    ("kink", "max(x, 1.0000001)", [1], D),
    ("kink", "abs(sin(x))", [3.14159], D),
    ("kink", "sqrt(x^2 + 1e-20)", [1e-9, 1e-10, 3e-11], D),
    ("kink", "sqrt(x^2 + 1e-8)", [1e-3, 1e-4], ("Float",)),
    # Catastrophic cancellation, written naively.
    ("cancellation", "1 - cos(x)", [1e-4, 1e-6, 1e-8], D),
    ("cancellation", "1 - cos(x)", [1e-2, 1e-3], ("Float",)),
    ("cancellation", "log(1 + x)", [1e-10, 1e-12, 1e-15], D),
    ("cancellation", "log(1 + x)", [1e-5], ("Float",)),
    ("cancellation", "(exp(x) - 1)/x", [1e-6, 1e-9], D),
    ("cancellation", "(1 - cos(x))/x^2", [1e-3, 1e-5], D),
    ("cancellation", "x - sin(x)", [1e-3, 1e-5], BOTH),
    ("cancellation", "sqrt(1 + x) - 1", [1e-10], D),
    ("cancellation", "(x + 1)^2 - 2*x - 1", [1e-5, 3e-7], D),
    ("cancellation", "exp(x) - 1 - x", [1e-4], D),
    ("cancellation", EXPANDED_7, [1.001, 1.01, 1.1], D),
    ("cancellation", EXPANDED_10, [2.05, 2.3], D),
    ("cancellation", "(x + 1e8) - 1e8 + x^2", [0.5], D),
    # Non-finite regions within a step.
    ("domain", "sqrt(x)", [1e-12, 1e-20], BOTH),
    ("domain", "log(x)", [1e-12, 1e-20], BOTH),
    ("domain", "sqrt(x - 1)", [1.0000000001, 1.000001], D),
    ("domain", "1/sqrt(x)", [1e-10], BOTH),
    ("domain", "x*log(x)", [1e-10], D),
    ("domain", "log(sin(x))", [1e-6, 3.141592], D),
    ("domain", "sqrt(1 - x^2)", [0.9999999, -0.99999999], D),
    ("domain", "log(log(x))", [1.000001], D),
    # Sums of many terms: rounding that looks like noise.
    ("noisy", many("sin({k}*x)/{k}", 40), [0.7, 2.1], BOTH),
    ("noisy", many("cos({k}*x)", 50), [1.3], BOTH),
    ("noisy", many("exp(-{k}*x)", 30), [0.01], D),
    ("noisy", many("(x + {k})^2", 25) + " - " + many("{k}^2", 25), [1e-6], D),
    ("noisy", many("log(x + {k})", 30), [0.5], ("Float",)),
]


def fits(v, precision):
    info = np.finfo(np.float32 if precision == "Float" else np.float64)
    a = abs(v)
    return a != 0 and float(info.tiny) <= a <= float(info.max)


def main():
    rows = []
    for category, formula, points, precisions in CASES:
        for p in points:
            for precision in precisions:
                if precision == "Float" and not (abs(p) < 3e38 and (p == 0 or abs(p) > 1.2e-38)):
                    continue
                xb = float(np.float32(p)) if precision == "Float" else float(p)
                if precision == "Float" and (not np.isfinite(np.float32(p)) or (p != 0 and np.float32(p) == 0)):
                    continue
                expr = parse(formula, precision)
                _, d1 = derivative(expr, xb, 40)
                v2, d2 = derivative(expr, xb, 60)
                if not (d1.is_real and d2.is_real and v2.is_real):
                    print(f"dropped (not real): {formula} at {xb}", file=sys.stderr)
                    continue
                mp.dps = 60
                d1m, d2m, v2m = mpf(str(d1)), mpf(str(d2)), mpf(str(v2))
                if abs(d1m - d2m) > abs(d2m) * mpf(10) ** -32:
                    print(f"dropped (unstable): {formula} at {xb}", file=sys.stderr)
                    continue
                if not fits(d2m, precision):
                    print(f"dropped (derivative out of range): {formula} at {xb}", file=sys.stderr)
                    continue
                if v2m != 0 and not fits(v2m, precision):
                    print(f"dropped (value out of range): {formula} at {xb}", file=sys.stderr)
                    continue
                rows.append((precision, category, formula, shortest(xb, precision), mp.nstr(d2m, 30), mp.nstr(v2m, 30)))
    write_tsv("# Error-bound audit corpus, generated by scripts/fd_audit_corpus.py: true derivative and value by SymPy/mpmath to 30 digits.",
              "precision\tcategory\tformula\tx\tderivative\tvalue", rows)


if __name__ == "__main__":
    main()
