#!/usr/bin/env python3
"""Compare the size of `jac diff`'s simplified derivatives with sympy's diff + simplify.

Not a test: it needs sympy (PyPI) and a built `jac`. Usage:

    python3 -m venv /tmp/symvenv && /tmp/symvenv/bin/pip install sympy
    swift build --product jac
    /tmp/symvenv/bin/python scripts/sympy_compare.py .build/debug/jac

Both sides are counted by the same counter, sympy.count_ops, on the expanded expression trees:
ours is parsed with evaluate=False so sympy does not rewrite it first. Shared subexpressions are
counted once per use on both sides (jac's shared form, t1 = ..., is smaller still).
"""
import json
import subprocess
import sys

import sympy
from sympy.parsing.sympy_parser import parse_expr

TEXTBOOK = [
    "log(x1) + x1*x2 - sin(x2)",
    "2/sin(exp(-x))",
    "f(r, t) = r*cos(t); r*sin(t)",
    "x^2*y + exp(y)",
    "sin(x)*cos(x)",
    "tanh(w*x + b)",
    "exp(x)/(1 + exp(x))",
    "x^3/(1 + y^2) - x*y/3",
    "sqrt(x^2 + y^2)",
    "log(1 + exp(x*y))",
]


def to_sympy(text, names, evaluate):
    local = {n: sympy.Symbol(n) for n in names}
    local.update({"log": sympy.log, "exp": sympy.exp, "sin": sympy.sin, "cos": sympy.cos,
                  "tanh": sympy.tanh, "sqrt": sympy.sqrt})
    return parse_expr(text.replace("^", "**"), local_dict=local, evaluate=evaluate)


def main():
    jac = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/jac"
    rows = []
    for formula in TEXTBOOK:
        out = json.loads(subprocess.run([jac, "diff", formula, "--format", "json"], check=True,
                                        capture_output=True, text=True).stdout)
        names = out["variables"]
        body = formula.split("=", 1)[1] if formula.startswith("f(") else formula
        outputs = [to_sympy(part, names, True) for part in body.split(";")]
        ours = sympy_ops = 0
        for i, row in enumerate(out["jacobian"]):
            for j, entry in enumerate(row):
                mine = to_sympy(entry, names, False)
                theirs = sympy.simplify(sympy.diff(outputs[i], sympy.Symbol(names[j])))
                # The two must be the same function: a wrong comparison would be worthless.
                # (numerically at fixed points: simplify cannot always show 1/cosh^2 = 1 - tanh^2).
                diff = to_sympy(entry, names, True) - theirs
                for point in ([0.3, 0.7, 1.1, 0.5], [1.7, 0.2, 0.9, 1.3]):
                    value = complex(diff.subs(dict(zip(map(sympy.Symbol, names), point))).evalf())
                    assert abs(value) < 1e-9, (formula, entry, theirs)
                ours += sympy.count_ops(mine)
                sympy_ops += sympy.count_ops(theirs)
        rows.append((formula, ours, sympy_ops))
    width = max(len(r[0]) for r in rows)
    print(f"{'formula':<{width}}  jac diff  sympy diff+simplify  (count_ops, whole Jacobian)")
    for formula, ours, theirs in rows:
        mark = "" if ours <= theirs else "  <- larger"
        print(f"{formula:<{width}}  {ours:>8}  {theirs:>19}{mark}")
    print(f"sympy {sympy.__version__}; jac no larger on {sum(o <= t for _, o, t in rows)} of {len(rows)}")


if __name__ == "__main__":
    main()
