#ifndef ADJOINT_SUPPORT_H
#define ADJOINT_SUPPORT_H
#include <fenv.h>
// The observation switch read on every recorded op. It lives in C because a Swift global is
// reached through a lazy-initialisation addressor (a call per access from another module), which
// cost more than the op itself; a C global read by a static inline function compiles to one load.
extern long adjoint_observation_flags;

static inline long adjoint_flags_load(void) {
    return __atomic_load_n(&adjoint_observation_flags, __ATOMIC_RELAXED);
}
// Every live tape header carries the observation switch too, as the top bit of the generation word
// its variables' ops compare anyway (ADJOINT_OBSERVED_BIT, below): so a recorded op on an
// unobserved tape tests one word where it tested the generation and this flag (4 instructions an
// op, 7% of recording `make bench`'s f). Changing the flags re-marks every live header.
void adjoint_flags_add(long delta);

// sin and cos of one argument in one libm call (glibc's sincos shares the range reduction and
// returns the same bits as sin and cos apart; RegistryTests checks that): the dual's sin and the
// tape's recorded sin need both, and a second call cost ~15% of a gradient.
static inline void adjoint_sincos(double x, double *s, double *c) { __builtin_sincos(x, s, c); }
static inline void adjoint_sincosf(float x, float *s, float *c) { __builtin_sincosf(x, s, c); }

// The floating-point underflow flag, for the second-order products: a term below the least
// normal number vanishes there with no other trace (x·log x at 1e200: log's tangent −1/x² is
// 10⁻⁴⁰⁰), and the flag tells a product to look again with scaled seeds. The flag is per thread;
// Swift's Glibc overlay imports FE_UNDERFLOW ambiguously, so these live in C.
static inline int adjoint_underflow_raised(void) { return fetestexcept(FE_UNDERFLOW) != 0; }
static inline void adjoint_underflow_clear(void) { feclearexcept(FE_UNDERFLOW); }
static inline void adjoint_underflow_raise(void) { feraiseexcept(FE_UNDERFLOW); }
// Whether this thread is inside a matrix pass that reads the flag (MatrixTape.gradients,
// MatrixForward.jvp): only there does a product with more than one BLAS thread look for the
// underflows of the worker threads (Matrix.gemm). Per thread, and a depth, since passes nest.
// In flags.c: Swift cannot read a C thread-local variable.
void adjoint_blas_watch_begin(void);
void adjoint_blas_watch_end(void);
int adjoint_blas_watched(void);

// Distinct numbers for tapes, so a variable that outlives its tape is recognised even when a new
// tape's header lands at the same address.
extern unsigned int adjoint_tape_generation;
// 0 marks a dead tape's header (see below), so it is never issued, not even after wrapping; nor is
// a number with ADJOINT_OBSERVED_BIT set, which a live header's word may carry beside its number.
#define ADJOINT_OBSERVED_BIT 0x80000000u
static inline unsigned int adjoint_next_tape_generation(void) {
    unsigned int g;
    do {
        g = __atomic_add_fetch(&adjoint_tape_generation, 1u, __ATOMIC_RELAXED) & ~ADJOINT_OBSERVED_BIT;
    } while (g == 0);
    return g;
}

// Tape headers are never returned to malloc: a variable that escaped its gradient call keeps a
// pointer to its tape's header and reads the generation there to find out that the tape is gone.
// Freed memory would make that read undefined (ASan: heap-use-after-free); a recycled header
// holds either a dead generation (0) or a new tape's, and both differ from the variable's.
// Every header block is ADJOINT_TAPE_HEADER_BYTES long and 16-byte aligned, whatever the tape's
// scalar type (the header holds only pointers and counters).
#define ADJOINT_TAPE_HEADER_BYTES 256
void *adjoint_tape_header_acquire(void);
void adjoint_tape_header_release(void *header);
// The generation word of a header: `offset` bytes into it (the same for every header). Written
// only here, under the lock that re-marks the live headers, so a tape that starts or dies while
// another thread changes the observation flags cannot be left marked wrongly or be revived.
void adjoint_tape_header_start(void *header, unsigned long offset, unsigned int generation);
void adjoint_tape_header_kill(void *header, unsigned long offset);
#endif
