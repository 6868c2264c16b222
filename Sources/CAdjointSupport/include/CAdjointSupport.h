#ifndef ADJOINT_SUPPORT_H
#define ADJOINT_SUPPORT_H
// The observation switch read on every recorded op. It lives in C because a Swift global is
// reached through a lazy-initialisation addressor (a call per access from another module), which
// cost more than the op itself; a C global read by a static inline function compiles to one load.
extern long adjoint_observation_flags;

static inline long adjoint_flags_load(void) {
    return __atomic_load_n(&adjoint_observation_flags, __ATOMIC_RELAXED);
}
static inline void adjoint_flags_add(long delta) {
    __atomic_fetch_add(&adjoint_observation_flags, delta, __ATOMIC_RELAXED);
}

// sin and cos of one argument in one libm call (glibc's sincos shares the range reduction and
// returns the same bits as sin and cos apart; RegistryTests checks that): the dual's sin and the
// tape's recorded sin need both, and a second call cost ~15% of a gradient.
static inline void adjoint_sincos(double x, double *s, double *c) { __builtin_sincos(x, s, c); }
static inline void adjoint_sincosf(float x, float *s, float *c) { __builtin_sincosf(x, s, c); }

// Distinct numbers for tapes, so a variable that outlives its tape is recognised even when a new
// tape's header lands at the same address.
extern unsigned int adjoint_tape_generation;
// 0 marks a dead tape's header (see below), so it is never issued, not even after wrapping.
static inline unsigned int adjoint_next_tape_generation(void) {
    unsigned int g;
    do { g = __atomic_add_fetch(&adjoint_tape_generation, 1u, __ATOMIC_RELAXED); } while (g == 0);
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
#endif
