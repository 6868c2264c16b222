#include "CAdjointVectorMath.h"
#include <stdint.h>
#include <string.h>

// Contraction is off and every fused multiply-add is written out (__builtin_fma): an fma is
// correctly rounded wherever it runs (one instruction in the AVX-512 and x86-64-v3 clones, a call
// to glibc's exact fma in the baseline one), so every clone gives the same bits. The baseline
// clone, run by sanitizer builds and by CPUs without both AVX2 and FMA, pays for that: a libm call
// per multiply-add and no vectorised loop (Double tanh 6.2 -> 46.9 ns per element, Float tanh
// 3.0 -> 54.9, called directly on a Zen 3). Why fused: the Float tanh's polynomials as separate
// multiplies and adds took 1.57 ns per element on a Zen 3, fused 1.16 (6% of a depth-8 f32
// training step was this kernel), and the "avx2" clone this replaced had no FMA at all (AVX2 does
// not imply it). Measured against tanhl
// at every positive Float below 30, the fused Float tanh is within 1.3303 ULP (as before) and
// 0.2535% of the results are not correctly rounded (0.2643% unfused).
#pragma clang fp contract(off)

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define ADJOINT_SANITIZED 1
#endif
#endif

// Under a sanitizer the baseline loop only: an ifunc's resolver runs while the loader binds the
// test binary, before ThreadSanitizer's runtime exists, and crashed in its __tsan_func_entry
// (`make sanitize`). The results are the same bits either way (see above).
#if defined(__x86_64__) && defined(__clang__) && !defined(ADJOINT_SANITIZED)
#define CLONES __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define CLONES
#endif

// See VectorKernels.swift for the derivation and error bound. Cody-Waite reduction
// x = k ln2 + r, |r| <= ln2/2, expm1(r) by its Taylor series to r^13, 2^k from the bits of the
// rounding shifter.
static const double ln2Hi = 6.93147180369123816490e-01;
static const double ln2Lo = 1.90821492927058770002e-10;
static const double invLn2 = 1.44269504088896338700e+00;
static const double shifter = 6755399441055744.0;
static const double fastLimit = 700.0;

// Every helper is forced inline: a helper left out of line (a gelu kernel's erfc, called from two
// places, tried 2026-12-04) is compiled for the baseline target outside the clones and calls
// libm's fma for every multiply-add (34% of a gelu training step in __fma_fma3).
#define INLINE static inline __attribute__((always_inline))

INLINE double clampFast(double v) {
    // NaN compares false and becomes 0: every lane stays finite and the loop branch-free.
    return v >= -fastLimit ? (v <= fastLimit ? v : fastLimit) : (v == v ? -fastLimit : 0.0);
}

// The reduction of x - tail, for a tail below r's last bits' weight in r (a product's rounding
// residual, for GELU's e^(-x^2/2)); reduce passes 0, and r - 0 is r.
INLINE void reduceLess(double x, double tail, double *scale, double *expm1r) {
    double t = __builtin_fma(x, invLn2, shifter);
    double k = t - shifter;
    double r = __builtin_fma(-k, ln2Lo, __builtin_fma(-k, ln2Hi, x)) - tail;
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits << 52) + 0x3FF0000000000000ull;
    memcpy(scale, &bits, sizeof bits);
    double p = 1.0 / 6227020800;
    p = __builtin_fma(p, r, 1.0 / 479001600);
    p = __builtin_fma(p, r, 1.0 / 39916800);
    p = __builtin_fma(p, r, 1.0 / 3628800);
    p = __builtin_fma(p, r, 1.0 / 362880);
    p = __builtin_fma(p, r, 1.0 / 40320);
    p = __builtin_fma(p, r, 1.0 / 5040);
    p = __builtin_fma(p, r, 1.0 / 720);
    p = __builtin_fma(p, r, 1.0 / 120);
    p = __builtin_fma(p, r, 1.0 / 24);
    p = __builtin_fma(p, r, 1.0 / 6);
    p = __builtin_fma(p, r, 0.5);
    *expm1r = __builtin_fma(r * r, p, r);
}

INLINE void reduce(double x, double *scale, double *expm1r) { reduceLess(x, 0, scale, expm1r); }

INLINE double tanh1(double x) {
    double v = clampFast(x);
    double a = v < 0 ? -v : v;
    double s, q;
    reduce(2 * (a > 20 ? 20 : a), &s, &q);
    double e = s * q + (s - 1);
    double t = e / (e + 2);
    // The sign bit, not `v < 0`: tanh(-0) is -0 in libm and in the registry, and -0 < 0 is false.
    return __builtin_copysign(t, v);
}

INLINE double sigmoid1(double x) {
    double v = clampFast(x);
    double a = v < 0 ? -v : v;
    double s, q;
    reduce(-a, &s, &q);
    double e = s + s * q;
    return (v < 0 ? e : 1.0) / (1 + e);
}

// e^x and e^x - 1 from the same reduction: 2^k(1 + q) and 2^k q + (2^k - 1). For k = 0 the
// second is q itself, so expm1 keeps its relative accuracy near 0, where exp(x) - 1 cancels;
// elsewhere 2^k - 1 is exact and the sum rounds once more. ELU (alpha(e^x - 1) and its partial
// alpha e^x) is the caller.
INLINE double exp1(double x) {
    double s, q;
    reduce(clampFast(x), &s, &q);
    return s + s * q;
}

INLINE double expm11(double x) {
    double s, q;
    reduce(clampFast(x), &s, &q);
    // Below 2^-54, e^x - 1 rounds to x itself; the reduction gave +0 for -0 (C's Annex F and
    // the registry keep -0) and lost a subnormal x.
    double a = x < 0 ? -x : x;
    return a < 0x1p-54 ? x : s * q + (s - 1);
}

// log(w) for w in [1, 2]: w = 2^k m with k in {0, 1} and m in [sqrt(1/2), sqrt(2)], and
// log m = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.1716, by its odd series to s^23 (the first
// omitted term, 2 s^25/25, is below 1e-19 of log m). m - 1 is exact (Sterbenz), ln 2 is split so
// k ln2Hi is exact.
INLINE double logOneToTwo(double w) {
    double k = w > 1.4142135623730951 ? 1.0 : 0.0;
    double m = k == 1.0 ? 0.5 * w : w;
    double f = m - 1;
    double sv = f / (2 + f), t = sv * sv;
    double p = 2.0 / 23;
    p = __builtin_fma(p, t, 2.0 / 21);
    p = __builtin_fma(p, t, 2.0 / 19);
    p = __builtin_fma(p, t, 2.0 / 17);
    p = __builtin_fma(p, t, 2.0 / 15);
    p = __builtin_fma(p, t, 2.0 / 13);
    p = __builtin_fma(p, t, 2.0 / 11);
    p = __builtin_fma(p, t, 2.0 / 9);
    p = __builtin_fma(p, t, 2.0 / 7);
    p = __builtin_fma(p, t, 2.0 / 5);
    p = __builtin_fma(p, t, 2.0 / 3);
    // 2s + s t p: the leading term kept apart so its rounding is the only one at full size.
    double logm = __builtin_fma(sv * t, p, 2 * sv);
    return __builtin_fma(k, ln2Hi, logm + k * ln2Lo);
}

// softplus x = max(x, 0) + log1p(e^-|x|), the registry's form. log1p(e) for e in (0, 1] as
// log(w) + (e - (w - 1))/w with w = 1 + e rounded: the correction restores what the rounding of
// w lost, so e^-30 still counts (softplus(30) = 30 + 9.4e-14).
INLINE double softplus1(double x) {
    double v = clampFast(x);
    double a = v < 0 ? -v : v;
    double sc, q;
    reduce(-a, &sc, &q);
    double e = sc + sc * q;
    double w = 1 + e;
    double l = logOneToTwo(w) + (e - (w - 1)) / w;
    return (v > 0 ? v : 0.0) + l;
}

// x sigma(x), computed whole in Double: for Float, sigma(-100) is a Float subnormal, and rounding
// it before the product cost 45 ULPs of the result.
INLINE double swish1(double x) { return x * sigmoid1(x); }

// sech^2 x = 4e/(1 + e)^2, e = e^-2|x|, with the denominator as fma(e, 2 + e, 1): one rounding
// (and 2 + e's, damped by e <= 1) instead of 1 + e rounded and then squared and rounded again,
// which doubled the first rounding's error. Max error against mpmath/80-bit coshl over 2e7 random
// points in [1, 350]: 4.19 ULP before (VectorKernelTests, testSech2WithinFourULPsWhereItErredMost),
// 2.42 after; the same operation count.
INLINE double sech21(double x) {
    double v = clampFast(x);
    double a = v < 0 ? -v : v;
    double s, q;
    reduce(-2 * (a > 350 ? 350 : a), &s, &q);
    double e = s + s * q;
    return 4 * e / __builtin_fma(e, 2 + e, 1);
}

// GELU x Phi(x), the registry's exact erf form (x/2) erfc(-x sqrt(1/2)), with erfc's argument
// rounded as the registry rounds it (the product by the rounded sqrt(1/2)): that rounding moves
// the registry's gelu(-36.95) 1645 ULPs from the true value (erfc's relative slope is 2t^2, so
// about x^2 ULPs), and the matrix path must give the scalar modes' numbers, not better ones.
// erfc(-t) = 2 - erfc(t), so one erfc on a = |x| sqrt(1/2) >= 0 serves both signs without
// cancelling (2 - erfc(a) >= 1):
//   a >= 1/2: erfc(a) = e^(-a^2) Y(t) / (1 + 2a), where Y = (1 + 2a) e^(a^2) erfc(a) runs smoothly
//   from 1 at a = 0 to 2/sqrt(pi) at infinity, in t = (a - 4)/(a + 4) (this variable and factor
//   after Shepherd and Laframboise, 1981, who expand (1 + 2x) e^(x^2) erfc(x) in (x - K)/(x + K)).
//   a < 1/2: erfc(a) = 1 - a Q(a^2), Q = erf(a)/a, in one fma. Y alone near a = 0 was 5.4 ULPs off:
//   the roundings of its variable (near -1 there, dY/dt = 1.7) reach Y undamped; erf(1/2) = 0.52,
//   so 1 - erf loses at most a bit.
//   e^(-a^2) with a^2 = p + pe exactly (fma residual) and pe folded into the reduced argument: the
//   registry's e^(-p)(1 - pe) with one rounding less (exp1(-p) alone was 1.57 ULPs off, this 1.1).
// Coefficients (scripts/gelu_erfc_fit.py): Chebyshev interpolation at 80 nodes with mpmath at 50
// digits, truncated, converted to monomials and rounded to Double; the error of the rounded
// polynomials, evaluated exactly:
// Y in 21 terms 5.9e-17 relative on a in [1/2, 26.5] (Double), Q in 9 terms 1.8e-17 on [0, 1/2];
// for Float (computed in Double and rounded once) Y alone in 12 terms, 8.4e-10 (0.014 Float ULP)
// on [0, 10.5].
// a is capped where the result stops depending on it: at 26.5 (x = 37.5) for Double, where
// erfc(a) < 1e-305; x below -37 takes the registry's scalar rule (the caller's range test),
// because e^(-a^2) leaves the exp reduction's range there. For Float at 10.5 (|x| = 14.85): beyond,
// 2 - erfc(a) rounds to 2 and |gelu| < 1e-46 rounds to -0 in Float, at any x down to -700.
// Measured (VectorKernelTests+Gelu.swift) against 80-bit erfcl/expl at the registry's argument:
// Double gelu within 3.5 ULPs (glibc's erfc-based rule: 3.5 too), Phi 2.8, phi 2.07; Float's
// gelu, Phi and phi within 0.51. Against the registry on glibc: gelu 4 ULPs in Double, 1 in
// Float; gelu' 4 in Double, 3 in Float, counted in ULPs of its terms' size (it has a root).
// Per element on the depth-8 MLP's preactivations: see Sources/AdjointBench/README.md.
static const double sqrtHalf = 0.7071067811865476;   // Swift's 0.5.squareRoot(), the registry's
static const double geluCapDouble = 26.5;
static const double geluCapFloat = 10.5;
static const double erfcTailDouble[21] = {
    1.2329951186255526, -0.13962111684056183, 0.015379652102613184,
    0.0680970542546035, -0.10103906603588718, 0.09373283500173472,
    -0.06633036582247513, 0.037167515478328125, -0.016197733929868476,
    0.005031970548654219, -0.0007577742064989322, -0.00019926002033818777,
    0.0001506257089804301, -2.438698954472334e-05, -1.123314236009091e-05,
    5.681099257417112e-06, 3.128231710258034e-07, -7.836794302957648e-07,
    5.5466010211132907e-08, 7.48874636746764e-08, -7.95173474464938e-09,
};
static const double erfcTailFloat[12] = {
    1.2329951187835537, -0.13962113348696725, 0.015379618179149046,
    0.06809793621340082, -0.10103739903255157, 0.09372067252202654,
    -0.0663588518294821, 0.03721896283612325, -0.016014216112737772,
    0.00506461725502337, -0.0011211108994359368, -0.0006378955908550053,
};
static const double erfHead[9] = {
    1.1283791670955126, -0.37612638903183476, 0.11283791670925457,
    -0.026866170632921085, 0.005223977373542183, -0.0008548297798086192,
    0.00012053337222877719, -1.4845900896375835e-05, 1.4726381680017032e-06,
};

INLINE double horner(const double *c, int n, double u) {
    double y = c[n - 1];
    for (int i = n - 2; i >= 0; i--) y = __builtin_fma(y, u, c[i]);
    return y;
}

// e^-(ab) = s(1 + q) for the exact product ab = p + pe, the residual pe folded into the reduced
// argument; s = 2^k, exact.
INLINE void expOfMinusProduct(double a, double b, double *s, double *q) {
    double p = a * b;
    reduceLess(clampFast(-p), __builtin_fma(a, b, -p), s, q);
}

INLINE double erfcArgument(double x, double cap) {
    double a = (x < 0 ? -x : x) * sqrtHalf;
    return a < cap ? a : cap;   // NaN becomes the cap: every lane stays finite
}

// erfc(a) for 0 <= a <= cap, given e^(-a^2) = s(1 + q); `head` says whether to use the a < 1/2
// piece. s((1 + q)Y/(1 + 2a)) with (1 + q)Y in one fma: erfc was 3.8 ULPs off as
// (s(1 + q)) Y / (1 + 2a), one rounding more.
INLINE double erfcOf(double a, double s, double q, const double *tail, int n, int head) {
    double y = horner(tail, n, (a - 4) / (a + 4));
    double far = s * (__builtin_fma(q, y, y) / __builtin_fma(2, a, 1));
    return head && a < 0.5 ? __builtin_fma(-a, horner(erfHead, 9, a * a), 1) : far;
}

INLINE double gelu1(double x, const double *tail, int n, int head, double cap) {
    double a = erfcArgument(x, cap), s, q;
    expOfMinusProduct(a, a, &s, &q);
    double e = erfcOf(a, s, q, tail, n, head);
    return x * 0.5 * (x < 0 ? e : 2 - e);
}

// The two terms of the registry's gelu' = Phi(x) + x phi(x) (Builtin.Gelu.partial adds them, with
// Phi = z/x below -1 instead): phi(x) = e^(-x^2/2)/sqrt(2 pi) from the product (x/2)x as the
// registry forms it, and Phi = erfc(-a)/2. e^(-a^2) comes from e^(-x^2/2) = s(1 + q) instead of a
// second reduction (a fifth of the kernel): a^2 and x^2/2 differ by the roundings of a only,
// d = (q2 - p) + (q2e - pe) with q2 - p exact (Sterbenz), |d| < 4e-13 below |x| = 37, so
// e^(-a^2) = s(1 + q)(1 - d) = s(1 + (q - d(1 + q))) to within d^2. Where a is capped d is large,
// but there Phi is 1 (x > 0) or not read (x < -1).
INLINE void geluTerms(double x, const double *tail, int n, int head, double cap, double *cdf, double *pdf) {
    double h = x * 0.5, p = h * x, s, q;
    expOfMinusProduct(h, x, &s, &q);
    *pdf = 0.3989422804014327 * __builtin_fma(s, q, s);
    double a = erfcArgument(x, cap);
    double q2 = a * a;
    double d = (q2 - p) + (__builtin_fma(a, a, -q2) - __builtin_fma(h, x, -p));
    double e = erfcOf(a, s, __builtin_fma(-d, 1 + q, q), tail, n, head);
    *cdf = x < 0 ? 0.5 * e : 1 - 0.5 * e;
}

INLINE double geluDouble(double x) { return gelu1(x, erfcTailDouble, 21, 1, geluCapDouble); }
INLINE double geluFloat(double x) { return gelu1(x, erfcTailFloat, 12, 0, geluCapFloat); }
INLINE void geluTermsDouble(double x, double *cdf, double *pdf) {
    geluTerms(x, erfcTailDouble, 21, 1, geluCapDouble, cdf, pdf);
}
INLINE void geluTermsFloat(double x, double *cdf, double *pdf) {
    geluTerms(x, erfcTailFloat, 12, 0, geluCapFloat, cdf, pdf);
}

// tanh in Float lanes (twice the lanes of Double, and shorter polynomials), within 1.33 ULP of
// the correctly rounded result: measured against 80-bit tanhl at every positive Float below 30
// (tanh is odd, and rounds to 1 in Float from 9.01 on); 0.25% of them are not correctly rounded.
// The Double route above, rounded once, was correctly rounded but 2.3 times slower.
//   |x| < 0.625: tanh x = x + x u P(u), u = x^2, P of degree 5 fitted (Chebyshev, mpmath) to
//   (tanh(x)/x - 1)/u on [0, 0.390625]; its relative error 6.2e-10 is 1% of a Float ULP, and
//   x + x(uP) has no cancellation since |uP| < 0.13.
//   otherwise tanh x = 1 - 2/(e + 2), e = expm1(2|x|) by Cody-Waite reduction (ln2Hi has eight
//   trailing zero bits, so k ln2Hi is exact for k < 256) and Taylor to r^9 (first omitted term
//   below 2e-10 at |r| <= ln2/2); 2/(e + 2) < 0.45 there, so the subtraction cannot cancel.
// |x| is capped at 10, beyond tanh's last Float below 1 (at 9.01); NaN is passed through, so
// unlike the other kernels this one is valid for every input, infinities and NaN included.
static const float ln2HiF = 0.693145752f;
static const float ln2LoF = 1.42860677e-06f;
static const float invLn2F = 1.44269504f;
static const float shifterF = 12582912.0f;   // 1.5 * 2^23

INLINE float tanhFloat(float x) {
    float v = x >= -10.0f ? (x <= 10.0f ? x : 10.0f) : (x == x ? -10.0f : 0.0f);
    float a = v < 0 ? -v : v;
    float u = a * a;
    float p = 0.00229274481618f;
    p = __builtin_fmaf(p, u, -0.00834394551584f);
    p = __builtin_fmaf(p, u, 0.021768918651f);
    p = __builtin_fmaf(p, u, -0.0539592595772f);
    p = __builtin_fmaf(p, u, 0.133333035569f);
    p = __builtin_fmaf(p, u, -0.333333331721f);
    float small = __builtin_fmaf(a, u * p, a);
    float y = 2 * a;
    float t = __builtin_fmaf(y, invLn2F, shifterF);
    float k = t - shifterF;
    float r = __builtin_fmaf(-k, ln2LoF, __builtin_fmaf(-k, ln2HiF, y));
    uint32_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits << 23) + 0x3F800000u;
    float s;
    memcpy(&s, &bits, sizeof s);
    float q = 1.0f / 362880;
    q = __builtin_fmaf(q, r, 1.0f / 40320);
    q = __builtin_fmaf(q, r, 1.0f / 5040);
    q = __builtin_fmaf(q, r, 1.0f / 720);
    q = __builtin_fmaf(q, r, 1.0f / 120);
    q = __builtin_fmaf(q, r, 1.0f / 24);
    q = __builtin_fmaf(q, r, 1.0f / 6);
    q = __builtin_fmaf(q, r, 0.5f);
    q = __builtin_fmaf(r * r, q, r);
    float e = __builtin_fmaf(s, q, s - 1);
    float large = 1 - 2 / (e + 2);
    float th = __builtin_copysignf(a < 0.625f ? small : large, v);
    return x != x ? x : th;
}

// Chunks through a local buffer: the loop then reads memory that cannot alias z, so the compiler
// vectorises it without a runtime overlap check (which x == z would fail). Vectors in flight
// (interleave) hide the polynomials' latency: two took the Double-lane Float tanh from 5.0 to 3.5
// ns per element on a Zen 3 with AVX2; the fused Float-lane tanh runs 1.17 ns with two and 1.06
// with four (four spilled registers before the multiply-adds were fused). The per-element
// arithmetic, hence every bit, is the same at any interleave.
#define CHUNK 64
#define INTERLEAVE_TEXT(n) #n
#define INTERLEAVE(n) INTERLEAVE_TEXT(clang loop interleave_count(n))
#define KERNEL(name, T, L, f) KERNEL_IC(name, T, L, f, 2)
#define KERNEL_IC(name, T, L, f, IC)                                         \
    CLONES void name(const T *x, T *z, long n) {                             \
        L in[CHUNK];                                                         \
        for (long base = 0; base < n; base += CHUNK) {                       \
            long m = n - base < CHUNK ? n - base : CHUNK;                    \
            for (long i = 0; i < m; i++) in[i] = (L)x[base + i];             \
            _Pragma(INTERLEAVE(IC))                                          \
            for (long i = 0; i < m; i++) z[base + i] = (T)f(in[i]);          \
        }                                                                    \
    }

KERNEL(adjoint_tanh_f64, double, double, tanh1)
KERNEL_IC(adjoint_tanh_f32, float, float, tanhFloat, 4)
KERNEL(adjoint_sigmoid_f64, double, double, sigmoid1)
KERNEL(adjoint_sigmoid_f32, float, double, sigmoid1)
KERNEL(adjoint_sech2_f64, double, double, sech21)
KERNEL(adjoint_sech2_f32, float, double, sech21)
// sigma(x) and sigma(-x) from one reduction, the same bits as two calls of sigmoid1: both share
// e = e^-|x| and 1 + e, and differ only in the numerator (e on the negative side, 1 on the other).
// Swish's partial reads both; two kernel calls were 11% of a depth-8 f32 swish training step.
INLINE void sigmoidPair(double x, double *s, double *sm) {
    double v = clampFast(x);
    double a = v < 0 ? -v : v;
    double sc, q;
    reduce(-a, &sc, &q);
    double e = sc + sc * q;
    *s = (v < 0 ? e : 1.0) / (1 + e);
    *sm = (v > 0 ? e : 1.0) / (1 + e);
}

// Two outputs per input, computed in Double and each rounded once to T.
#define PAIR_KERNEL(name, T, f)                                              \
    CLONES void name(const T *x, T *first, T *second, long n) {              \
        double in[CHUNK];                                                    \
        for (long base = 0; base < n; base += CHUNK) {                       \
            long m = n - base < CHUNK ? n - base : CHUNK;                    \
            for (long i = 0; i < m; i++) in[i] = (double)x[base + i];        \
            _Pragma(INTERLEAVE(2))                                           \
            for (long i = 0; i < m; i++) {                                   \
                double u, v;                                                 \
                f(in[i], &u, &v);                                            \
                first[base + i] = (T)u;                                      \
                second[base + i] = (T)v;                                     \
            }                                                                \
        }                                                                    \
    }

PAIR_KERNEL(adjoint_sigmoid_pair_f64, double, sigmoidPair)
PAIR_KERNEL(adjoint_sigmoid_pair_f32, float, sigmoidPair)
PAIR_KERNEL(adjoint_gelu_terms_f64, double, geluTermsDouble)
PAIR_KERNEL(adjoint_gelu_terms_f32, float, geluTermsFloat)
KERNEL(adjoint_gelu_f64, double, double, geluDouble)
KERNEL(adjoint_gelu_f32, float, double, geluFloat)
KERNEL(adjoint_softplus_f64, double, double, softplus1)
KERNEL(adjoint_softplus_f32, float, double, softplus1)
KERNEL(adjoint_swish_f64, double, double, swish1)
KERNEL(adjoint_swish_f32, float, double, swish1)
KERNEL(adjoint_exp_f64, double, double, exp1)
KERNEL(adjoint_exp_f32, float, double, exp1)
KERNEL(adjoint_expm1_f64, double, double, expm11)
KERNEL(adjoint_expm1_f32, float, double, expm11)

// Non-finite means all exponent bits set. Swift's loop over `isFinite` with a UInt8 OR stayed
// scalar and took 3.6% of an MLP gradient (it scans every parameter's cotangent once).
#define FIRST_NONFINITE(name, T, U, mask, block)                             \
    CLONES long name(const T *x, long n) {                                   \
        for (long base = 0; base < n; base += block) {                       \
            long end = base + block < n ? base + block : n;                  \
            U any = 0;                                                       \
            for (long i = base; i < end; i++) {                              \
                U b;                                                         \
                memcpy(&b, &x[i], sizeof b);                                 \
                any |= (b & mask) == mask;                                   \
            }                                                                \
            if (any) {                                                       \
                for (long i = base; i < end; i++) {                          \
                    U b;                                                     \
                    memcpy(&b, &x[i], sizeof b);                             \
                    if ((b & mask) == mask) return i;                        \
                }                                                            \
            }                                                                \
        }                                                                    \
        return -1;                                                           \
    }

FIRST_NONFINITE(adjoint_first_nonfinite_f64, double, uint64_t, 0x7FF0000000000000ull, 1024)
FIRST_NONFINITE(adjoint_first_nonfinite_f32, float, uint32_t, 0x7F800000u, 2048)

// A nonneg float's bits order as an unsigned integer as its value does, +inf below every NaN; a
// zero becomes the largest integer so that it never wins. Why: the product's underflow check
// (Matrix.gemm, with more than one BLAS thread) scans both operands of every product, and an
// elementwise Swift loop with a branch per element stayed scalar.
#define LEAST_NONZERO_MAGNITUDE(NAME, T, U, ABSMASK, INF)                     \
    CLONES T NAME(const T *x, long n) {                                       \
        U least = ~(U)0;                                                      \
        for (long i = 0; i < n; i++) {                                        \
            U b;                                                              \
            memcpy(&b, &x[i], sizeof b);                                      \
            b &= ABSMASK;                                                     \
            U key = b == 0 ? ~(U)0 : b;                                       \
            least = key < least ? key : least;                                \
        }                                                                     \
        if (least == ~(U)0) least = INF;                                      \
        T v;                                                                  \
        memcpy(&v, &least, sizeof v);                                         \
        return v;                                                             \
    }

LEAST_NONZERO_MAGNITUDE(adjoint_least_nonzero_magnitude_f64, double, uint64_t, 0x7FFFFFFFFFFFFFFFull, 0x7FF0000000000000ull)
LEAST_NONZERO_MAGNITUDE(adjoint_least_nonzero_magnitude_f32, float, uint32_t, 0x7FFFFFFFu, 0x7F800000u)

// The lanes whose bits say |x| >= 1 or NaN, found sixteen at a time: the comparison is vectorised
// in every clone and only the set bits of its mask are visited, so a block with no such lane costs
// one test. Why: the Swift loop this replaces wrote every lane and advanced by the test's result
// (branch-free, since a branch per lane was mispredicted), 3.7% of a depth-8 f32 training step.
// On the bits, because the test must agree with the registry's `!(x < 1 && x > -1)` for every
// value, NaN and infinities included (VectorKernelTests compares the two).
#define PICK_OUTSIDE_UNIT(NAME, T, U, ABSMASK, ONE)                                   \
    CLONES long NAME(const T *x, long n, T *picked, int32_t *index) {                 \
        long k = 0, i = 0;                                                             \
        for (; i + 16 <= n; i += 16) {                                                 \
            uint32_t bits = 0;                                                         \
            for (int j = 0; j < 16; j++) {                                             \
                U b;                                                                   \
                memcpy(&b, &x[i + j], sizeof b);                                       \
                bits |= (uint32_t)((b & ABSMASK) >= ONE) << j;                         \
            }                                                                          \
            while (bits) {                                                             \
                int j = __builtin_ctz(bits);                                           \
                picked[k] = x[i + j];                                                  \
                index[k] = (int32_t)(i + j);                                           \
                k++;                                                                   \
                bits &= bits - 1;                                                      \
            }                                                                          \
        }                                                                              \
        for (; i < n; i++) {                                                           \
            U b;                                                                       \
            memcpy(&b, &x[i], sizeof b);                                               \
            if ((b & ABSMASK) >= ONE) {                                                \
                picked[k] = x[i];                                                      \
                index[k] = (int32_t)i;                                                 \
                k++;                                                                   \
            }                                                                          \
        }                                                                              \
        return k;                                                                      \
    }

PICK_OUTSIDE_UNIT(adjoint_pick_outside_unit_f64, double, uint64_t, 0x7FFFFFFFFFFFFFFFull, 0x3FF0000000000000ull)
PICK_OUTSIDE_UNIT(adjoint_pick_outside_unit_f32, float, uint32_t, 0x7FFFFFFFu, 0x3F800000u)

// Column sums of a row-major rows x cols matrix in Double, each column summed over its rows in
// row order from +0: the order and precision of the Swift loop this replaces, so the same bits.
// Why: that loop (a bias's gradient, once per layer) loaded and stored its 256 Double sums for
// every row, two at a time in the baseline build, 1.1% of a depth-8 f32 training step; here
// sixteen columns' sums stay in registers down all the rows.
#define COLUMN_SUMS(NAME, T)                                                          \
    CLONES void NAME(const T *x, long rows, long cols, double *sums) {                \
        long c0 = 0;                                                                   \
        for (; c0 + 16 <= cols; c0 += 16) {                                            \
            double acc[16];                                                            \
            for (int j = 0; j < 16; j++) acc[j] = 0;                                   \
            for (long r = 0; r < rows; r++) {                                          \
                const T *xr = x + r * cols + c0;                                       \
                for (int j = 0; j < 16; j++) acc[j] += (double)xr[j];                  \
            }                                                                          \
            for (int j = 0; j < 16; j++) sums[c0 + j] = acc[j];                        \
        }                                                                              \
        for (long c = c0; c < cols; c++) sums[c] = 0;                                  \
        for (long r = 0; r < rows; r++)                                                \
            for (long c = c0; c < cols; c++) sums[c] += (double)x[r * cols + c];       \
    }

COLUMN_SUMS(adjoint_column_sums_f64, double)
COLUMN_SUMS(adjoint_column_sums_f32, float)
