#!/usr/bin/env python3
"""Generates Tests/Data/fd-calibration.tsv: the calibration corpus of finite-difference error
estimates (issue 16).

Each row is one function-point pair: a formula in jac's formula language of one variable x, a point
(the shortest decimal that reads back as the intended Double or Float), the scalar type the tests
evaluate it in, a category, and the true derivative at exactly that binary point, to 30 significant
digits, computed by SymPy and mpmath -- independent tools: no code of this repository is involved.

The derivative is differentiated symbolically by SymPy and evaluated at the exact binary point by
SymPy's adaptive-precision evalf (mpmath underneath) at 40 and at 60 digits; a row is kept only when
both agree to 32 significant digits and the derivative and the function value are finite and normal
in the row's scalar type. In Float rows the formula's decimal literals are first rounded to Float,
as the Swift side does (`Float(Double(literal))`), so the reference is the derivative of the
function the Float evaluation approximates.

Usage:   python3 -m venv /tmp/fdv && /tmp/fdv/bin/pip install sympy mpmath numpy
         /tmp/fdv/bin/python scripts/fd_calibration_corpus.py > Tests/Data/fd-calibration.tsv
(SymPy 1.14, mpmath 1.3.0 and numpy 2.x produced the committed file; the output is deterministic.)
"""
import sys
import numpy as np
from mpmath import mp, mpf

import re
import sympy

X = sympy.Symbol("x", real=True)

# The formula language's functions, in SymPy. `x^n` is written `x**n` for Python.
FUNCTIONS = {
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "atan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "erf": sympy.erf, "expm1": lambda u: sympy.exp(u) - 1, "log1p": lambda u: sympy.log(1 + u),
    "square": lambda u: u * u, "sigmoid": lambda u: 1 / (1 + sympy.exp(-u)),
    "softplus": lambda u: sympy.log(1 + sympy.exp(u)),
}
LITERAL = re.compile(r"(?<![\w.^])(\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)")


def exact(v):
    """A Python float (or float32 widened to float) as the exact rational it is."""
    return sympy.Rational(*float(v).as_integer_ratio())


def parse(formula, precision):
    def literal(m):
        v = float(m.group(0))
        if precision == "Float":
            v = float(np.float32(v))
        return f"Rational({float(v).as_integer_ratio()[0]}, {float(v).as_integer_ratio()[1]})"
    text = LITERAL.sub(literal, formula).replace("^", "**")
    return eval(text, {"__builtins__": {}}, dict(FUNCTIONS, x=X, Rational=sympy.Rational))


# (category, formula, points). Points are written as Python floats; Float rows use float32(point).
TAME = [
    ("exp(x)", [-3, 0.5, 1, 2.5]), ("log(x)", [0.3, 1.7, 25]), ("sqrt(x)", [0.2, 2, 90]),
    ("sin(x)", [0.1, 1, 2.2, -4]), ("cos(x)", [0.3, 1.5, 3]), ("tan(x)", [0.2, 1, -1.2]),
    ("atan(x)", [0.4, -2, 7]), ("sinh(x)", [0.5, -1.5, 3]), ("cosh(x)", [0.7, 2]),
    ("tanh(x)", [0.2, -0.9, 1.8]), ("erf(x)", [0.1, 0.8, -1.6]), ("expm1(x)", [0.01, 1.3]),
    ("log1p(x)", [0.05, 4]), ("sigmoid(x)", [-2, 0.3, 3]), ("softplus(x)", [-1, 0.5, 4]),
    ("x^3 - 2*x", [0.6, -1.7]), ("x^-2", [0.8, 3]), ("1/(1 + x^2)", [0.5, -2]),
    ("exp(-x^2)", [0.3, 1.1, -1.9]), ("x*exp(x)", [-0.5, 1.2]), ("sin(x)*cos(2*x)", [0.4, 2.9]),
    ("log(1 + x^2)", [0.7, -3]), ("sqrt(1 + x^2)", [0.9, -4]), ("atan(x^2)", [0.6, 1.4]),
    ("tanh(3*x) + x", [0.1, 0.5]), ("exp(sin(x))", [1, 2]), ("log(x)*sqrt(x)", [0.4, 3]),
    ("(x - 1)/(x + 2)", [0.3, 5]), ("x^5 - 3*x^4 + x", [0.5, 1.5]), ("erf(x)*exp(x/2)", [0.3, -1]),
]
OSCILLATING = [
    ("sin(10*x)", [0.3, 1]), ("sin(50*x)", [1, 0.77]), ("sin(200*x)", [1, 0.123]),
    ("sin(1000*x)", [1, 0.5, 2.3]), ("cos(1e4*x)", [1, 0.31]), ("sin(1e5*x)", [0.3, 1.1]),
    ("exp(x)*cos(300*x)", [0.2, 1.7]), ("sin(x^2)", [30, 12.5]), ("sin(1/x)", [0.05, 0.2]),
    ("2/sin(exp(-x))", [-4.499, -3.2, -2]), ("sin(300*x) + x*cos(700*x) + x^3", [0.37, 0.9]),
    ("exp(x)*sin(200*x) + 0.001*cos(5000*x)", [0.81, 0.25]), ("sin(40*x)*sin(41*x)", [0.6, 2]),
    ("cos(x)^3*sin(120*x)", [1.3, 0.45]), ("tanh(50*sin(20*x))", [0.8, 0.1]),
]
BADLY_SCALED = [
    ("exp(100*x)", [0.5, -2, 3]), ("exp(-1000*x^2)", [0.02, 0.05]), ("1e8*sin(x)", [0.7, 2]),
    ("1e-8*sin(x)", [0.7, 2]), ("exp(x)", [300, 650, -300]), ("sin(1e-6*x)", [5, 1e6]),
    ("log(1e10*x)", [2e-3, 0.5]), ("1e20*x^2 + x", [1e-3, 3]), ("1e-20*exp(x)", [4, 40]),
    ("x^10", [1.5, 0.3]), ("exp(x^2)", [5, -8]), ("1000*tanh(x/1000)", [10, 2500]),
    ("atan(1e4*(x - 0.5))", [0.5001, 0.499, 0.6]), ("log(cosh(100*x))", [0.01, 0.3]),
    ("sqrt(x^2 + 1e-12)", [1e-6, 3e-7]),
]
NEARLY_SINGULAR = [
    ("1/(x - 1)", [1.001, 0.999, 1.01]), ("log(x)", [1e-3, 1e-6]), ("sqrt(x)", [1e-6, 1e-4]),
    ("tan(x)", [1.57, 1.5707, -1.57]), ("1/sin(x)", [0.01, 3.14]), ("x^-3", [0.01, -0.02]),
    ("log(1 - x)", [0.999, 0.99999]), ("sqrt(1 - x^2)", [0.999, -0.9999]),
    ("1/(x^2 - 2)", [1.4142, 1.415]), ("log(sin(x))", [1e-4, 3.1415]),
    ("exp(1/x)", [0.02, -0.05]), ("atan(1/x)", [1e-3, -1e-4]),
]
TINY_HUGE = [
    ("sin(x)", [1e-10, 1e-300, 1e10, 1e300]), ("exp(x)", [1e-10, -1e-200]), ("log(x)", [1e-10, 1e10, 1e-300, 1e300]),
    ("sqrt(x)", [1e-10, 1e10, 1e-300, 1e300]), ("x^3", [1e-5, 1e5, 1e-100, 1e100]), ("1/x", [1e-8, 1e8, 1e-150, 1e150]),
    ("atan(x)", [1e-10, 1e10]), ("x*sin(x)", [1e-7, 1e7]), ("log1p(x)", [1e-12, 1e12]),
    ("tanh(x)", [1e-9, 15]), ("expm1(x)", [1e-15, -1e-8]), ("x^2 + 1", [1e-9, 1e9]),
    ("sin(x)/x", [1e-3, 1e3]), ("exp(-x)*x", [1e-6, 30]), ("log(x)^2", [1e-50, 1e50]),
]
GROUPS = [("tame", TAME), ("oscillating", OSCILLATING), ("badly-scaled", BADLY_SCALED),
          ("nearly-singular", NEARLY_SINGULAR), ("tiny-huge", TINY_HUGE)]
# Float rows: every tame, oscillating and nearly singular pair whose point and values fit Float.
FLOAT_GROUPS = {"tame", "oscillating", "nearly-singular", "badly-scaled"}


def derivative(expr, x, digits):
    at = {X: exact(x)}
    return sympy.N(expr.subs(at), digits), sympy.N(sympy.diff(expr, X).subs(at), digits)


def fits(v, precision):
    info = np.finfo(np.float32 if precision == "Float" else np.float64)
    a = abs(float(v)) if abs(v) < mpf(10) ** 400 else float("inf")
    return a == 0 or (float(info.tiny) <= a <= float(info.max))


def shortest(x, precision):
    # The shortest decimal that reads back as this exact binary value in its type.
    return str(np.float32(x)) if precision == "Float" else repr(float(x))


def write_tsv(comment, header, rows):
    """The corpus on standard output: a comment line, the column names, a row per line."""
    print(comment)
    print(header)
    for r in rows:
        print("\t".join(r))
    print(f"{len(rows)} rows", file=sys.stderr)


def main():
    rows = []
    for category, items in GROUPS:
        for formula, points in items:
            for p in points:
                for precision in ["Double", "Float"]:
                    if precision == "Float" and category not in FLOAT_GROUPS:
                        continue
                    xb = float(np.float32(p)) if precision == "Float" else float(p)
                    if precision == "Float" and (not np.isfinite(np.float32(p)) or (p != 0 and np.float32(p) == 0)):
                        continue
                    expr = parse(formula, precision)
                    v1, d1 = derivative(expr, xb, 40)
                    v2, d2 = derivative(expr, xb, 60)
                    if not (d2.is_real and v2.is_real and d1.is_real) or d2 == 0:
                        print(f"dropped (not real or zero): {formula} at {xb}", file=sys.stderr)
                        continue
                    mp.dps = 60
                    d1m, d2m, v2m = mpf(str(d1)), mpf(str(d2)), mpf(str(v2))
                    if abs(d1m - d2m) > abs(d2m) * mpf(10) ** -32:
                        print(f"dropped (unstable): {formula} at {xb}", file=sys.stderr)
                        continue
                    if not (fits(v2m, precision) and fits(d2m, precision)):
                        continue
                    rows.append((precision, category, formula, shortest(xb, precision), mp.nstr(d2m, 30)))
    write_tsv("# Finite-difference calibration corpus, generated by scripts/fd_calibration_corpus.py: true derivatives"
              " by SymPy/mpmath to 30 digits.", "precision\tcategory\tformula\tx\tderivative", rows)


if __name__ == "__main__":
    main()
