#include "CAdjointBLAS.h"
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

adjoint_cpu_features adjoint_cpu_features_read(void) {
    adjoint_cpu_features f;
    memset(&f, 0, sizeof f);
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    f.sse3 = c & (1u << 0);
    f.ssse3 = c & (1u << 9);
    f.fma = c & (1u << 12);
    f.sse4_1 = c & (1u << 19);
    f.sse4_2 = c & (1u << 20);
    bool osxsave = c & (1u << 27);
    f.avx = c & (1u << 28);
    if (osxsave) {
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        // XCR0 bits 1-2: SSE and YMM state; bits 5-7: opmask, ZMM0-15 upper halves, ZMM16-31.
        f.os_ymm = (lo & 0x6u) == 0x6u;
        f.os_zmm = f.os_ymm && (lo & 0xe0u) == 0xe0u;
    }
    if (__get_cpuid(0x80000001u, &a, &b, &c, &d)) f.fma4 = f.os_ymm && (c & (1u << 16));
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        f.avx2 = b & (1u << 5);
        f.avx512f = b & (1u << 16);
        f.avx512dq = b & (1u << 17);
        f.avx512cd = b & (1u << 28);
        f.avx512bw = b & (1u << 30);
        f.avx512vl = b & (1u << 31);
    }
#endif
    return f;
}

const char *adjoint_blas_preferred_core(adjoint_cpu_features f) {
    // OpenBLAS's SkylakeX kernels use AVX-512 F, DQ, BW, VL (and CD through the compiler flags
    // they were built with); Haswell's use AVX2 with FMA3; Sandybridge's AVX.
    if (f.os_zmm && f.avx512f && f.avx512dq && f.avx512cd && f.avx512bw && f.avx512vl && f.avx2 && f.fma)
        return "SkylakeX";
    if (f.os_ymm && f.avx && f.avx2 && f.fma) return "Haswell";
    if (f.os_ymm && f.avx) return "Sandybridge";
    return NULL;
}

int adjoint_blas_core_level(const char *name) {
    if (!name) return 0;
    static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
    static const char *const avx2[] = {"Haswell", "Zen", "Excavator"};
    static const char *const avx[] = {"Sandybridge", "Bulldozer", "Piledriver", "Steamroller"};
    for (unsigned i = 0; i < sizeof avx512 / sizeof *avx512; i++) if (!strcasecmp(name, avx512[i])) return 3;
    for (unsigned i = 0; i < sizeof avx2 / sizeof *avx2; i++) if (!strcasecmp(name, avx2[i])) return 2;
    for (unsigned i = 0; i < sizeof avx / sizeof *avx; i++) if (!strcasecmp(name, avx[i])) return 1;
    return 0;
}

bool adjoint_blas_core_runs_on(const char *name, adjoint_cpu_features f) {
    if (!name) return false;
    // The level alone let an Intel AVX2 CPU "run" Excavator (level 2) and an AVX one Bulldozer
    // (level 1), whose kernels are FMA4 code: an illegal instruction at the first product.
    static const char *const fma4[] = {"Bulldozer", "Piledriver", "Steamroller", "Excavator"};
    for (unsigned i = 0; i < sizeof fma4 / sizeof *fma4; i++)
        if (!strcasecmp(name, fma4[i]) && !f.fma4) return false;
    return adjoint_blas_core_level(name) <= adjoint_blas_core_level(adjoint_blas_preferred_core(f));
}

const char *adjoint_blas_current_core(void) {
    char *(*corename)(void) = (char *(*)(void))dlsym(RTLD_DEFAULT, "openblas_get_corename");
    return corename ? corename() : NULL;
}

static const char *core_before_switch = NULL;
const char *adjoint_blas_core_before_switch(void) { return core_before_switch; }

// OpenBLAS's own selection, re-run: `quit` clears its kernel table pointer, `init` reads
// OPENBLAS_CORETYPE (or detects) and fills the block sizes for the chosen core. Both are exported
// by DYNAMIC_ARCH builds only. The variable is set just for the call and restored afterwards, so
// the environment a user gave (and child processes inherit) is unchanged.
static bool reselect(const char *name) {
    void (*quit)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
    void (*init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
    if (!quit || !init) return false;
    const char *given = getenv("OPENBLAS_CORETYPE");
    char *saved = given ? strdup(given) : NULL;
    if (name) setenv("OPENBLAS_CORETYPE", name, 1);
    quit();
    init();
    if (saved) { setenv("OPENBLAS_CORETYPE", saved, 1); free(saved); }
    else if (name) unsetenv("OPENBLAS_CORETYPE");
    const char *now = adjoint_blas_current_core();
    return now && (!name || !strcasecmp(now, name));
}

static bool restore(const char *previous) {
    // An unknown name makes OpenBLAS fall back to its own guess; put the previous core back.
    return reselect(previous);
}

bool adjoint_blas_force_core(const char *name) {
    const char *before = adjoint_blas_current_core();
    if (!before || !name) return false;
    if (!adjoint_blas_core_runs_on(name, adjoint_cpu_features_read())) return false;
    if (reselect(name)) return true;
    restore(before);
    return false;
}

adjoint_blas_selection adjoint_blas_select_preferred_core(void) {
    const char *env = getenv("OPENBLAS_CORETYPE");
    if (env && *env) return adjoint_blas_kept_environment;
    const char *current = adjoint_blas_current_core();
    const char *preferred = adjoint_blas_preferred_core(adjoint_cpu_features_read());
    if (!current || !preferred) return adjoint_blas_unsupported;
    if (adjoint_blas_core_level(current) >= adjoint_blas_core_level(preferred)) return adjoint_blas_kept_best;
    if (reselect(preferred)) {
        core_before_switch = current;   // a string literal inside OpenBLAS: stays valid
        return adjoint_blas_switched;
    }
    restore(current);
    return adjoint_blas_unsupported;
}

// OpenBLAS's Haswell/Zen sgemm kernel prefetches ahead of the panels it reads (prefetcht0/t1/t2
// through pointers to the next panels), into pages of its work buffer that nothing ever reads or
// writes. A prefetch into an unmapped page is dropped after a page walk and maps nothing, so every
// call pays the walks again: a 64x256x256 sgemm ran at 10 GFLOP/s instead of 36 on a Zen 1 VM
// until something else, such as one dgemm with larger panels, happened to write those pages.
// mincore after that sgemm: 0-256 KB and 400-412 KB of the buffer mapped; mapping 384-448 KB
// alone made it fast. Mapping the first bytes of each buffer once removes the walks; reads map the
// kernel's shared zero page, so no memory is used.
static _Thread_local bool work_buffers_mapped = false;

// Maps [p, p + bytes) readable, or as much of it as is mapped, and returns the bytes mapped.
static size_t map_readable(char *p, size_t bytes) {
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return 0;
    char *start = (char *)((uintptr_t)p & ~(uintptr_t)(page - 1));
    size_t length = (bytes + (size_t)(p - start) + (size_t)page - 1) & ~(size_t)(page - 1);
    // A buffer smaller than asked (another BLAS build) makes either call fail with ENOMEM rather
    // than fault; halve until the range lies inside the mapping.
    while (length >= (size_t)page) {
#ifdef MADV_POPULATE_READ
        if (madvise(start, length, MADV_POPULATE_READ) == 0) return length;
#else
        errno = EINVAL;
#endif
        if (errno == EINVAL) {
            // Kernels before Linux 5.14: read one byte per page, after mincore said all are mapped.
            unsigned char probe[1024];
            size_t pages = length / (size_t)page;
            if (pages > sizeof probe) { length = sizeof probe * (size_t)page; continue; }
            if (mincore(start, length, probe) == 0) {
                volatile char sink = 0;
                for (size_t i = 0; i < pages; i++) sink += ((volatile char *)start)[i * (size_t)page];
                (void)sink;
                return length;
            }
        }
        if (errno != ENOMEM && errno != EINVAL) return 0;
        length = (length / 2) & ~(size_t)(page - 1);
    }
    return 0;
}

size_t adjoint_blas_map_work_buffers(size_t bytes, int buffers) {
    void *(*alloc)(int) = (void *(*)(int))dlsym(RTLD_DEFAULT, "blas_memory_alloc");
    void (*release)(void *) = (void (*)(void *))dlsym(RTLD_DEFAULT, "blas_memory_free");
    if (!alloc || !release || buffers < 1) return 0;
    // OpenBLAS's pool has a fixed number of buffers (it terminates the process when threads ask
    // for more than it has), so a mapping holds few, and one mapping at a time.
    if (buffers > 4) buffers = 4;
    static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&one_at_a_time);
    void *held[4];
    size_t mapped = 0;
    int taken = 0;
    // Held together, so each is a different buffer of the pool: the one this thread's next
    // product takes, and the next one, which a product running beside it would take.
    for (; taken < buffers; taken++) {
        held[taken] = alloc(0);
        if (!held[taken]) break;
        mapped += map_readable((char *)held[taken], bytes);
    }
    for (int i = 0; i < taken; i++) release(held[i]);
    pthread_mutex_unlock(&one_at_a_time);
    return mapped;
}

void adjoint_blas_map_work_buffers_once(void) {
    if (work_buffers_mapped) return;
    work_buffers_mapped = true;
    adjoint_blas_map_work_buffers(ADJOINT_BLAS_MAPPED_BYTES, 2);
}

static size_t resident_bytes(const void *p, size_t bytes) {
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0 || !p) return 0;
    char *start = (char *)((uintptr_t)p & ~(uintptr_t)(page - 1));
    size_t pages = (bytes + (size_t)((const char *)p - start) + (size_t)page - 1) / (size_t)page;
    size_t resident = 0;
    unsigned char v[256];
    for (size_t done = 0; done < pages;) {
        size_t chunk = pages - done < sizeof v ? pages - done : sizeof v;
        if (mincore(start + done * (size_t)page, chunk * (size_t)page, v) != 0) break;
        for (size_t i = 0; i < chunk; i++) resident += v[i] & 1;
        done += chunk;
    }
    return resident * (size_t)page;
}

size_t adjoint_blas_work_buffer_resident_bytes(size_t bytes) {
    void *(*alloc)(int) = (void *(*)(int))dlsym(RTLD_DEFAULT, "blas_memory_alloc");
    void (*release)(void *) = (void (*)(void *))dlsym(RTLD_DEFAULT, "blas_memory_free");
    if (!alloc || !release) return 0;
    void *p = alloc(0);
    if (!p) return 0;
    size_t resident = resident_bytes(p, bytes);
    release(p);
    return resident;
}
