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

// Distinct numbers for tapes, so a variable that outlives its tape is recognised even when a new
// tape's header lands at the same address.
extern unsigned int adjoint_tape_generation;
static inline unsigned int adjoint_next_tape_generation(void) {
    return __atomic_add_fetch(&adjoint_tape_generation, 1u, __ATOMIC_RELAXED);
}
#endif
