# Coefficients of vector_math.c's erfc for the GELU kernels (see the comment there), and the error
# of each polynomial once its coefficients are rounded to Double, evaluated exactly.
#   python3 scripts/gelu_erfc_fit.py Ydouble 21   # Y on a in [1/2, 26.5], t = (a - 4)/(a + 4)
#   python3 scripts/gelu_erfc_fit.py Yfloat 12    # Y on a in [0, 10.5]
#   python3 scripts/gelu_erfc_fit.py Q 9          # erf(a)/a in w = a^2 on [0, 1/4]
# Y(t) = (1 + 2a) e^(a^2) erfc(a) (the factor and the variable after Shepherd and Laframboise,
# 1981). Method: Chebyshev interpolation at N nodes in mpmath at 50 digits, truncated to `terms`,
# converted to monomials in the kernel's variable, rounded to Double. Needs mpmath.
import sys
import mpmath as mp

mp.mp.dps = 50


def chebfit(f, lo, hi, terms, N=80):
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / N) for k in range(N)]
    vals = [f(mid + half * t) for t in nodes]
    c = []
    for j in range(terms):
        s = sum(vals[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / N) for k in range(N))
        c.append(2 * s / N)
    c[0] /= 2
    T = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    while len(T) < terms:
        p = [mp.mpf(0)] + [2 * v for v in T[-1]]
        for i, v in enumerate(T[-2]):
            p[i] -= v
        T.append(p)
    in_t = [mp.mpf(0)] * terms
    for j in range(terms):
        for i, v in enumerate(T[j]):
            in_t[i] += c[j] * v
    in_u = [mp.mpf(0)] * terms   # t = (u - mid)/half
    for i, b in enumerate(in_t):
        for k in range(i + 1):
            in_u[k] += b * mp.binomial(i, k) * (-mid) ** (i - k) / half ** i
    coef = [float(v) for v in in_u]
    worst = 0
    for k in range(2001):
        u = lo + (hi - lo) * k / 2000
        p = mp.mpf(0)
        for v in reversed(coef):
            p = p * u + mp.mpf(v)
        worst = max(worst, abs(p / f(u) - 1))
    return coef, worst


def Y(t):
    a = 4 * (1 + t) / (1 - t)
    return (1 + 2 * a) * mp.exp(a * a) * mp.erfc(a)


def Q(w):
    if w == 0:
        return 2 / mp.sqrt(mp.pi)
    a = mp.sqrt(w)
    return mp.erf(a) / a


def t(a):
    return (mp.mpf(a) - 4) / (mp.mpf(a) + 4)


which, terms = sys.argv[1], int(sys.argv[2])
if which == "Ydouble":
    coef, worst = chebfit(Y, t(0.5), t(26.5), terms)
elif which == "Yfloat":
    coef, worst = chebfit(Y, t(0), t(10.5), terms)
else:
    coef, worst = chebfit(Q, 0, 0.25, terms)
print(which, terms, "terms: max relative error", mp.nstr(worst, 3))
print(", ".join(repr(c) for c in coef))
