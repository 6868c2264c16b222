# Random compositions: same reference pipeline as gen.py (SymPy symbolic derivative, evalf at 40
# and 60 digits agreeing to 32). Seeded, so reproducible.
import random, sys
exec(open(__import__("os").path.join(__import__("os").path.dirname(__file__), "gen.py")).read().replace("\nmain()\n", "\n"))
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 11)
UN = ["exp", "log", "sin", "cos", "tan", "atan", "sqrt", "tanh", "sinh", "erf", "log1p", "expm1", "sigmoid", "softplus", "asinh"]
SC = ["1", "3", "10", "100", "1000", "0.01", "1e5", "1e-4"]
def leaf():
    r = rng.random()
    if r < 0.5: return "x"
    if r < 0.8: return f"{rng.choice(SC)}*x"
    return f"(x + {rng.choice(SC)})"
def expr(d):
    if d == 0: return leaf()
    r = rng.random()
    if r < 0.55: return f"{rng.choice(UN)}({expr(d-1)})"
    if r < 0.7: return f"{expr(d-1)}^{rng.choice([2, 3, -1, -2])}"
    op = rng.choice(["+", "-", "*", "/"])
    return f"({expr(d-1)} {op} {expr(d-1)})"
out = []
seen = set()
while len(out) < int(sys.argv[2] if len(sys.argv) > 2 else 600):
    f = expr(rng.choice([1, 2, 2, 3]))
    p = rng.choice([1, -1]) * 10 ** rng.uniform(-6, 3) if rng.random() < 0.9 else rng.choice([1.0, 0.5, 2.0, 0.25, 3.0])
    for prec in ["Double", "Float"]:
        pb = float(np.float32(p)) if prec == "Float" else float(p)
        try:
            e, syms = parse(f, ["x"], prec)
            at = {syms["x"]: sympy.Rational(*pb.as_integer_ratio())}
            v = sympy.N(e.subs(at), 60)
            if not v.is_real or not fits(mpf(str(v)), prec): continue
            de = sympy.diff(e, syms["x"])
            d1 = sympy.N(de.subs(at), 40); d2 = sympy.N(de.subs(at), 60)
            if not (d1.is_real and d2.is_real) or d2 == 0: continue
            mp.dps = 60
            a, b = mpf(str(d1)), mpf(str(d2))
            if abs(a - b) > abs(b) * mpf(10) ** -32 or not fits(b, prec): continue
        except Exception as ex:
            continue
        out.append("\t".join([prec, "random", f, "x", short(pb, prec), "0", mp.nstr(b, 30)]))
    print(len(out), file=sys.stderr) if len(out) % 100 == 0 else None
print("\n".join(out))
