#ifndef ADJOINT_BLAS_H
#define ADJOINT_BLAS_H
// Choosing OpenBLAS's kernel family ("core") from the CPU's features.
//
// Why: Debian 12's OpenBLAS 0.3.21 (DYNAMIC_ARCH) does not know recent CPUs and falls back to
// older kernels (Prescott or Haswell) on CPUs with AVX-512, which costs 2-3x on every gemm.
// OpenBLAS reads OPENBLAS_CORETYPE once, in its own library constructor, i.e. before main and
// before any constructor of the program. The toolkit's entry points therefore re-run OpenBLAS's
// dynamic core selection once, before main, with the core chosen here (see CAdjointBLASEntry);
// the library itself never switches, it only notes what to set.
//
// Everything reaches OpenBLAS through dlsym, so nothing here fails to load with a BLAS that is
// not OpenBLAS, or an OpenBLAS built without DYNAMIC_ARCH: the switch then reports "unsupported".
#include <stdbool.h>
#include <stddef.h>

/// The CPU features that decide which OpenBLAS x86-64 kernels can run. `os_ymm` / `os_zmm`:
/// the operating system saves the AVX (YMM) / AVX-512 (ZMM, opmask) register state (XCR0), without
/// which the instructions fault even when CPUID lists them.
typedef struct {
    bool sse3, ssse3, sse4_1, sse4_2, avx, avx2, fma, avx512f, avx512dq, avx512cd, avx512bw, avx512vl;
    /// AMD's four-operand FMA (CPUID 0x80000001 ECX bit 16): OpenBLAS's Bulldozer, Piledriver,
    /// Steamroller and Excavator kernels use it (`vfmaddpd` in daxpy_bulldozer.S and others). No
    /// Intel CPU has it, and AMD dropped it from Zen on.
    bool fma4;
    bool os_ymm, os_zmm;
} adjoint_cpu_features;

/// This CPU's features (all false on a CPU that is not x86-64).
adjoint_cpu_features adjoint_cpu_features_read(void);

/// The best OpenBLAS core whose instructions `f` supports, or NULL when nothing better than
/// OpenBLAS's generic SSE kernels is possible. Pure: depends on `f` only.
///   AVX-512 F+DQ+CD+BW+VL with ZMM state -> "SkylakeX"; AVX2+FMA with YMM state -> "Haswell";
///   AVX with YMM state -> "Sandybridge".
const char *adjoint_blas_preferred_core(adjoint_cpu_features f);

/// The instruction level a core name needs: 3 AVX-512, 2 AVX2+FMA, 1 AVX, 0 SSE-only or unknown.
/// Case-insensitive; covers every x86-64 core name OpenBLAS 0.3.x reports.
int adjoint_blas_core_level(const char *name);

/// Whether the CPU with features `f` can run OpenBLAS core `name`: its level is at most that of
/// the preferred core, and an AMD FMA4 core (Bulldozer, Piledriver, Steamroller, Excavator) also
/// needs `f.fma4`. Pure: depends on its arguments only.
bool adjoint_blas_core_runs_on(const char *name, adjoint_cpu_features f);

/// The core OpenBLAS uses now (openblas_get_corename), or NULL when the BLAS is not OpenBLAS.
const char *adjoint_blas_current_core(void);

/// What adjoint_blas_select_preferred_core did.
typedef enum {
    adjoint_blas_kept_environment = 0,  // OPENBLAS_CORETYPE was set: left alone
    adjoint_blas_kept_best = 1,         // OpenBLAS already runs a core as good as the CPU allows
    adjoint_blas_switched = 2,          // re-selected the preferred core
    adjoint_blas_unsupported = 3,       // not OpenBLAS, no DYNAMIC_ARCH, not x86-64, or name refused
} adjoint_blas_selection;

/// The entry points' switch: when OPENBLAS_CORETYPE is unset and OpenBLAS runs a core below
/// what the CPU supports, re-runs OpenBLAS's dynamic core selection with the preferred core.
/// Call only before any BLAS call and before other threads start (a constructor, or main's top).
adjoint_blas_selection adjoint_blas_select_preferred_core(void);

/// Core OpenBLAS ran before the last switch (NULL if none happened).
const char *adjoint_blas_core_before_switch(void);

/// Re-selects the core `name` (for the benchmark that compares cores). Refuses (returns false)
/// a core the CPU cannot run (adjoint_blas_core_runs_on), and restores the previous core if OpenBLAS does not know the name.
/// Same restrictions as adjoint_blas_select_preferred_core: no BLAS call may be running.
bool adjoint_blas_force_core(const char *name);
/// Bytes at the start of each OpenBLAS work buffer that adjoint_blas_map_work_buffers_once maps.
#define ADJOINT_BLAS_MAPPED_BYTES ((size_t)4 << 20)

/// Maps the first `bytes` of `buffers` (at most 4) of OpenBLAS's work buffers readable (the zero page: no
/// memory is used) and returns the bytes mapped; 0 when the BLAS is not OpenBLAS. Why: OpenBLAS's
/// sgemm kernel prefetches into pages of its buffer that nothing writes, and a prefetch into an
/// unmapped page costs a page walk every time (a batch-64 sgemm ran at a third of its speed).
size_t adjoint_blas_map_work_buffers(size_t bytes, int buffers);

/// adjoint_blas_map_work_buffers(ADJOINT_BLAS_MAPPED_BYTES, 2), once per thread (OpenBLAS builds
/// with per-thread buffers exist): the matrix product calls it before each gemm.
void adjoint_blas_map_work_buffers_once(void);

/// How many of the first `bytes` of the work buffer a gemm on this thread would take are mapped
/// (mincore), for tests; 0 when the BLAS is not OpenBLAS.
size_t adjoint_blas_work_buffer_resident_bytes(size_t bytes);

#endif
