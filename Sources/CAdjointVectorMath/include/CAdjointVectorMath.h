#ifndef ADJOINT_VECTOR_MATH_H
#define ADJOINT_VECTOR_MATH_H
#include <stdint.h>
// Elementwise tanh, sigmoid, exp, expm1 and GELU over arrays, for the matrix path's vectorised kernels
// (Sources/AdjointLinalg/VectorKernels.swift has the algorithm's derivation; VectorKernelTests
// measures the error against libm).
//
// Why C: the loops are compiled three times (AVX-512, AVX2, baseline SSE2) and the loader picks
// the widest the CPU runs (GCC/Clang `target_clones`, resolved once through an ifunc). Swift
// code is compiled for the baseline x86-64 only, where eight Double lanes take four SSE2
// instructions per operation. Floating-point contraction is off, so every clone performs the same
// roundings and gives bit-identical results on every CPU.
//
// Contract: z[i] is computed from x[i] alone, for |x[i]| <= 700; other elements (NaN, +-inf,
// larger magnitudes) get an unspecified finite value and the caller recomputes them.
// x and z may be the same array (not otherwise overlapping).

/// tanh over n Doubles.
void adjoint_tanh_f64(const double *x, double *z, long n);
/// tanh over n Floats in Float lanes, within 1.33 ULP of the correctly rounded value; unlike the
/// others, valid for every input (+-inf give +-1, NaN is passed through).
void adjoint_tanh_f32(const float *x, float *z, long n);
/// The logistic sigmoid over n Doubles.
void adjoint_sigmoid_f64(const double *x, double *z, long n);
/// The logistic sigmoid over n Floats, computed in Double and rounded once.
void adjoint_sigmoid_f32(const float *x, float *z, long n);
/// sech^2 x = 1/cosh^2 x = 4e/(1 + e)^2 with e = exp(-2|x|), over n Doubles; valid for |x| <= 350
/// (beyond, e leaves the normal range and the caller uses the scalar rule).
void adjoint_sech2_f64(const double *x, double *z, long n);
/// sech^2 over n Floats, computed in Double and rounded once.
void adjoint_sech2_f32(const float *x, float *z, long n);
/// s[i] = sigmoid(x[i]) and sm[i] = sigmoid(-x[i]) over n Doubles, the bits of two sigmoid calls.
void adjoint_sigmoid_pair_f64(const double *x, double *s, double *sm, long n);
/// The same over n Floats, each computed in Double and rounded once.
void adjoint_sigmoid_pair_f32(const float *x, float *s, float *sm, long n);
/// softplus x = max(x, 0) + log1p(e^-|x|) over n Doubles.
void adjoint_softplus_f64(const double *x, double *z, long n);
/// softplus over n Floats, computed in Double and rounded once.
void adjoint_softplus_f32(const float *x, float *z, long n);
/// x sigmoid(x) (swish) over n Doubles.
void adjoint_swish_f64(const double *x, double *z, long n);
/// x sigmoid(x) over n Floats, computed in Double and rounded once.
void adjoint_swish_f32(const float *x, float *z, long n);
/// e^x over n Doubles (the same reduction and series as tanh and the sigmoid).
void adjoint_exp_f64(const double *x, double *z, long n);
/// e^x over n Floats, computed in Double and rounded once.
void adjoint_exp_f32(const float *x, float *z, long n);
/// e^x - 1 over n Doubles, without the cancellation of e^x - 1 near 0.
void adjoint_expm1_f64(const double *x, double *z, long n);
/// e^x - 1 over n Floats, computed in Double and rounded once.
void adjoint_expm1_f32(const float *x, float *z, long n);
/// GELU x Phi(x) = (x/2) erfc(-x sqrt(1/2)) over n Doubles, valid for -37 <= x <= 700 (below,
/// e^(-x^2/2) leaves the exp reduction's range and the caller uses the scalar rule).
void adjoint_gelu_f64(const double *x, double *z, long n);
/// GELU over n Floats, computed in Double (a shorter erfc polynomial) and rounded once.
void adjoint_gelu_f32(const float *x, float *z, long n);
/// The terms of GELU's derivative Phi(x) + x phi(x): cdf[i] = Phi(x[i]) = erfc(-x sqrt(1/2))/2 and
/// pdf[i] = phi(x[i]) = e^(-x^2/2)/sqrt(2 pi), over n Doubles with -37 <= x <= 700.
void adjoint_gelu_terms_f64(const double *x, double *cdf, double *pdf, long n);
/// The same over n Floats, each computed in Double and rounded once.
void adjoint_gelu_terms_f32(const float *x, float *cdf, float *pdf, long n);
/// Index of the first NaN or +-inf among n Doubles, or -1. A branch-free OR per block of 1024
/// (vectorised in every clone); only a block that has one is searched element by element.
long adjoint_first_nonfinite_f64(const double *x, long n);
/// The same over n Floats.
long adjoint_first_nonfinite_f32(const float *x, long n);
/// The smallest nonzero |x[i]| among n Doubles: +inf when all are zero, NaN only when every
/// nonzero one is NaN. Compared on the bits, as unsigned integers (vectorised in every clone).
double adjoint_least_nonzero_magnitude_f64(const double *x, long n);
/// The same over n Floats.
float adjoint_least_nonzero_magnitude_f32(const float *x, long n);
/// Copies the x[i] with |x[i]| >= 1 or NaN (where tanh's partial reads sech^2) to picked[0..<k]
/// and their positions to index[0..<k], in order, and returns k. picked and index hold n each; n
/// must fit in int32_t.
long adjoint_pick_outside_unit_f64(const double *x, long n, double *picked, int32_t *index);
/// The same over n Floats.
long adjoint_pick_outside_unit_f32(const float *x, long n, float *picked, int32_t *index);
/// sums[c] = the sum over r of x[r*cols + c], in Double, in row order from +0 (a bias's gradient).
void adjoint_column_sums_f64(const double *x, long rows, long cols, double *sums);
/// The same over Floats, summed in Double.
void adjoint_column_sums_f32(const float *x, long rows, long cols, double *sums);
#endif
