// A reference tape in plain C for `make bench` (not part of the library).
//
// It records and sweeps the benchmark function f(x) = Σ sin(xᵢ)·xᵢ₊₁ + log(1 + xᵢ²) with the same
// design as Adjoint's tape — a struct of arrays (op byte, two int32 arguments, value), cos kept at
// record time through one sincos, one shared entry for the constant 1, a switch per entry in the
// sweep — but with none of the library's checks (stale variables, instrumentation, domain and
// kink diagnostics, tape limits). Its gradient/plain ratio, measured in the same run as ours, is
// what this design costs on the machine: the floor our own figure is compared against.
#ifndef CTAPEFLOOR_H
#define CTAPEFLOOR_H

/// f(x) in plain C, the floor's denominator.
double adjoint_floor_plain(const double *x, long n);

/// The gradient of f by recording and sweeping the C tape; writes n values to g. With `fused`
/// nonzero, `1 + u` is not recorded: log keeps its partial 1/(1 + u) and points at u directly
/// (7 entries per term instead of 8), the variant a tape would need to reach fewer entries.
/// Returns 0, or -1 when memory runs out.
int adjoint_floor_gradient(const double *x, long n, double *g, int fused);

/// Only the recording half of `adjoint_floor_gradient` (fused = 0): the tape is written, not swept.
/// Timed next to the gradient, it splits the floor into recording and sweep as the library's
/// `reverse_record_over_plain` and `reverse_sweep_over_plain` split ours.
int adjoint_floor_record(const double *x, long n);
/// Sweeps the last recording of adjoint_floor_record or adjoint_floor_gradient alone, writing
/// the gradient into g; 0 on success, -1 when nothing of length n was recorded.
int adjoint_floor_sweep(const double *x, long n, double *g);

/// The gradient of f on a tape of another design: each 24-byte entry holds two argument indices
/// and their local partials, computed while recording, and the sweep is a multiply-add loop
/// without a switch (6 entries per term; the inputs are not written). It keeps no values or ops,
/// so it bounds what a redesign could reach rather than being one the library could adopt as is.
/// Returns 0, or -1 when memory runs out.
int adjoint_floor_jacobian_gradient(const double *x, long n, double *g);

#endif
