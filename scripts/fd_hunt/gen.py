#!/usr/bin/env python3
# Hunt corpus: true partial derivatives by SymPy (symbolic) evaluated at the exact binary point by
# evalf at 40 and 60 digits (mpmath underneath); kept when both agree to 32 digits and value and
# derivative are finite and normal in the row's type. Literals in Float rows rounded to float32.
import sys, re
import numpy as np
import sympy
from mpmath import mp, mpf

FUNCS = {
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "atan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "erf": sympy.erf, "expm1": lambda u: sympy.exp(u) - 1, "log1p": lambda u: sympy.log(1 + u),
    "square": lambda u: u * u, "sigmoid": lambda u: 1 / (1 + sympy.exp(-u)),
    "softplus": lambda u: sympy.log(1 + sympy.exp(u)), "asinh": sympy.asinh, "erfc": sympy.erfc,
    "cbrt": lambda u: sympy.real_root(u, 3), "hypot": lambda a, b: sympy.sqrt(a*a + b*b),
}
LIT = re.compile(r"(?<![\w.^])(\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)")

def parse(formula, names, prec):
    def lit(m):
        v = float(m.group(0))
        if prec == "Float": v = float(np.float32(v))
        if not np.isfinite(v) or (v == 0 and float(m.group(0)) != 0): raise ValueError("literal out of range")
        n, d = v.as_integer_ratio()
        return f"Rational({n}, {d})"
    text = LIT.sub(lit, formula).replace("^", "**")
    syms = {n: sympy.Symbol(n, real=True) for n in names}
    return eval(text, {"__builtins__": {}}, dict(FUNCS, Rational=sympy.Rational, **syms)), syms

# The calibration corpus's own range test and shortest round-trip printing.
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), ".."))
from fd_calibration_corpus import fits, shortest as short

# (category, formula, variables, points, [entries j]) — points: tuples of floats
S = lambda f, pts, cat: (cat, f, ["x"], [(p,) for p in pts])
ITEMS = [
    S("exp(sin(50*x))", [0.3, 1, 2.7, 0.0314], "inner-large"),
    S("sin(x^2)", [100, 1000, 1e4, 3e4], "inner-large"),
    S("cos(x^3)", [20, 100], "inner-large"),
    S("sin(exp(x))", [5, 10, 20], "inner-large"),
    S("exp(10*x)", [70, -70], "inner-large"),
    S("exp(x^2)", [26, -26.5], "inner-large"),
    S("tan(x)", [1.5707963, -1.5707963, 1.57079632, 1.5707963267, 4.712388], "pole"),
    S("1/tan(x)", [1e-7, 3.14159265], "pole"),
    S("log(x)", [1e-8, 1e-15, 1e-200, 1e-307], "near-zero"),
    S("sqrt(x)", [1e-12, 1e-20, 1e-100, 1e-300], "near-zero"),
    S("log(log(x))", [1.0001, 1.0000001, 1e-300, 1e300], "near-zero"),
    S("sqrt(sin(x))", [3.14159, 1e-10], "near-zero"),
    S("x^x", [0.5, 2, 10, 1e-3, 100, 1e-10], "pow"),
    S("x^0.5", [1e-300, 1e300, 2], "pow"),
    S("x^(1/3)", [1e-300, 1e300, 27], "pow"),
    S("atan(1e8*x)", [1e-8, 0, 1e-9, 3e-8, 1e-6], "steep"),
    S("atan(1e15*(x - 1))", [1.000000000000001, 1.00000000000001], "steep"),
    S("tanh(1000*x)", [1e-3, 2e-3, 0.0005], "steep"),
    S("sigmoid(100*x)", [0.1, 0.05], "steep"),
    S("erf(x)", [5, 6, 8, -5.5, 3], "erf"),
    S("erf(100*x)", [0.05, 0.02], "erf"),
    S("1e8 + 1e-8*sin(x)", [1, 0.5, 3], "tiny-beside-large"),
    S("1 + 1e-12*x^2", [1, 1e3], "tiny-beside-large"),
    S("1e300 + x", [1, 1e284], "tiny-beside-large"),
    S("exp(x) + 1e-10*sin(x)", [20], "tiny-beside-large"),
    S("cos(x)", [1e-5, 1e-8, 1e-300], "tiny-beside-large"),
    S("exp(-x^2)", [1e-9, 1e-5], "tiny-beside-large"),
    S("cosh(x)", [1e-6, 1e-9], "tiny-beside-large"),
    S("sin(x) - x", [1e-3, 1e-2, 0.1], "cancel"),
    S("exp(x) - 1 - x", [1e-4, 1e-3], "cancel"),
    S("(1 - cos(x))/x^2", [1e-4, 1e-2, 0.3], "cancel"),
    S("log(1 + x) - x", [1e-5, 1e-3], "cancel"),
    S("cosh(x) - 1", [1e-6, 1e-3], "cancel"),
    S("sqrt(x^2 + 1) - x", [1e4, 1e8, 30], "cancel"),
    S("(x + 1e10) - 1e10", [1, 0.3], "cancel"),
    S("x^2 - 2*x + 1", [1.0000001, 1.001], "cancel"),
    S("(exp(x) - 1)/x", [1e-6, 1e-3], "cancel"),
    S("sin(x)/x", [1e-300, 1e300, 1e-6], "extreme"),
    S("exp(x)", [1e-300, 709], "extreme"),
    S("tanh(x)", [1e-300, 1e-150], "extreme"),
    S("sinh(x)", [1e-300, 700], "extreme"),
    S("log1p(x)", [1e-300, 1e300], "extreme"),
    S("sqrt(1 + x)", [1e-300], "extreme"),
    S("x*log(x)", [1e300, 1e-300], "extreme"),
    S("x^3 + x", [1e-300, 1e100], "extreme"),
    S("x^2", [1e-150, 1e150], "extreme"),
    S("atan(x)", [1e-300, 1e150], "extreme"),
    S("1/x", [1e-300, 1e150], "extreme"),
    S("exp(-x)", [700, -700], "extreme"),
    S("log(x)", [1.0, 0.9999999999999999, 1.0000000000000002, 2.0, 0.5, 1024.0, 2**-20, 2**-1022], "binade"),
    S("sqrt(x)", [4.0, 1.0, 0.25, 3.9999999999999996, 2**-1022, 2**1000], "binade"),
    S("x^3", [2.0, 1.0, 0.9999999999999999, 2**-300], "binade"),
    S("1/x", [1.0, 2.0, 0.9999999999999999, 2**-500], "binade"),
    S("exp(x)", [1.0, 0.5, 2**-30, 0.0], "binade"),
    S("sin(x)", [1.0, 2**-26, 3.0000000000000004, 0.0], "binade"),
    S("atan(x)", [0.0, 1.0], "binade"),
    S("1/(1 + 25*x^2)", [0.2, 1], "misc"),
    S("log(cosh(x))", [30, 1e-4, 400], "misc"),
    S("softplus(x)", [-700, 700, 40], "misc"),
    S("sigmoid(x)", [-700, 36, 40], "misc"),
    S("1 - erf(x)", [5, 3, 1], "cancel"),
    S("asinh(x)", [1e-300, 1e300, 1e10], "misc"),
    S("x^(1/3)", [1e-12, 8], "misc"),
    S("hypot(x, 1e-10)", [1e-9, 1e-11], "misc"),
    S("log(x^2 + 1e-300)", [1e-155, 1e-140], "misc"),
    S("exp(exp(x))", [6, 6.5, -30], "misc"),
    S("sin(1/x)", [1e-3, 3e-4], "misc"),
    S("x*sin(1/x)", [1e-2, 1e-3], "misc"),
    S("sin(100*x)^2", [0.0157, 1.2], "misc"),
    S("exp(sin(50*x))*cos(30*x)", [0.4], "misc"),
]
MULTI = [
    ("multi", "a*b*c*d*e + sin(a*b) + exp(c/d) - log(e)", list("abcde"), [(1.5, 2.0, 0.3, 0.7, 4.0), (0.01, 300.0, 2.0, 0.05, 1e-5)]),
    ("multi", "x1^2 + x2^2 + x3^2 + x4^2 + x5^2 + x6^2 + x7^2 + x8^2", [f"x{i}" for i in range(1, 9)],
        [(1e-3, 1e4, 1e4, 1e4, 1e4, 1e4, 1e4, 1e4), (1e-6, 1e8, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)]),
    ("multi", "x*y*z", ["x", "y", "z"], [(1e-200, 1e200, 3.0), (1e150, 1e-150, 1e-5)]),
    ("multi", "exp(x - y) + 1e-10*sin(z)", ["x", "y", "z"], [(30.0, 1.0, 0.5)]),
    ("multi", "atan(1e8*(x - y))", ["x", "y"], [(1.0, 1.0), (1.00000001, 1.0)]),
    ("multi", "log(x + y) - log(x)", ["x", "y"], [(1e10, 1e-3), (1.0, 1e-12)]),
    ("multi", "sin(x*y)*exp(z/w)", ["x", "y", "z", "w"], [(1e3, 1e3, 1.0, 1e-2), (0.5, 0.5, 50.0, 2.0)]),
    ("multi", "sqrt(x^2 + y^2 + z^2)", ["x", "y", "z"], [(1e-200, 3.0, 4.0), (1e200, 1e-100, 1.0), (0.0, 0.0, 1e-300)]),
    ("multi", "x/y + y/x", ["x", "y"], [(1e-8, 1.0), (1e150, 1e-150)]),
]

def main():
    rows = []
    for prec in ["Double", "Float"]:
        for cat, formula, names, pts in ITEMS + MULTI:
            for p in pts:
                if prec == "Float":
                    pb = tuple(float(np.float32(v)) for v in p)
                    if any(not np.isfinite(np.float32(v)) or (v != 0 and np.float32(v) == 0) for v in p): continue
                else:
                    pb = tuple(float(v) for v in p)
                try: expr, syms = parse(formula, names, prec)
                except ValueError: continue
                at = {syms[n]: sympy.Rational(*v.as_integer_ratio()) for n, v in zip(names, pb)}
                try:
                    val1 = sympy.N(expr.subs(at), 40); val2 = sympy.N(expr.subs(at), 60)
                except Exception as e:
                    print("drop", formula, pb, e, file=sys.stderr); continue
                mp.dps = 60
                if not val2.is_real: print("drop value", formula, pb, file=sys.stderr); continue
                if not fits(mpf(str(val2)), prec): print("drop value range", formula, pb, file=sys.stderr); continue
                for j, n in enumerate(names):
                    dexpr = sympy.diff(expr, syms[n])
                    d1 = sympy.N(dexpr.subs(at), 40); d2 = sympy.N(dexpr.subs(at), 60)
                    if not (d1.is_real and d2.is_real) or d2 == 0:
                        print("drop deriv", formula, pb, n, d2, file=sys.stderr); continue
                    d1m, d2m = mpf(str(d1)), mpf(str(d2))
                    if abs(d1m - d2m) > abs(d2m) * mpf(10) ** -32:
                        print("drop unstable", formula, pb, n, file=sys.stderr); continue
                    if not fits(d2m, prec): print("drop deriv range", formula, pb, n, file=sys.stderr); continue
                    rows.append((prec, cat, formula, ",".join(names), ",".join(short(v, prec) for v in pb), str(j), mp.nstr(d2m, 30)))
    for r in rows: print("\t".join(r))
    print(len(rows), "rows", file=sys.stderr)

main()
