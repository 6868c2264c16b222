#include "CAdjointSupport.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// A free list of tape headers. Taken once per recorded function, so a mutex (uncontended: ~20 ns)
// is cheap next to the recording; the list never shrinks, its length is the peak number of tapes
// alive at once.
struct free_header { struct free_header *next; };
static struct free_header *free_headers = NULL;
static pthread_mutex_t free_headers_lock = PTHREAD_MUTEX_INITIALIZER;

// Every header ever made (they are never freed), for re-marking the live ones when the
// observation flags change, and where their generation word lies (set by the first tape).
static void **all_headers = NULL;
static size_t header_count = 0, header_capacity = 0;
static unsigned long generation_offset = 0;
static int generation_offset_known = 0;
static pthread_mutex_t marks_lock = PTHREAD_MUTEX_INITIALIZER;

void *adjoint_tape_header_acquire(void) {
    pthread_mutex_lock(&free_headers_lock);
    struct free_header *h = free_headers;
    if (h) free_headers = h->next;
    pthread_mutex_unlock(&free_headers_lock);
    if (h) return h;
    void *p = NULL;
    // Out of memory for 256 bytes: nothing sensible is left to do (Swift's allocator traps too).
    if (posix_memalign(&p, 16, ADJOINT_TAPE_HEADER_BYTES) != 0) abort();
    memset(p, 0, ADJOINT_TAPE_HEADER_BYTES);
    pthread_mutex_lock(&marks_lock);
    if (header_count == header_capacity) {
        size_t grown = header_capacity ? 2 * header_capacity : 64;
        void **list = realloc(all_headers, grown * sizeof *list);
        if (!list) abort();
        all_headers = list;
        header_capacity = grown;
    }
    all_headers[header_count++] = p;
    pthread_mutex_unlock(&marks_lock);
    return p;
}

static unsigned int *generation_word(void *header, unsigned long offset) {
    return (unsigned int *)((char *)header + offset);
}

void adjoint_tape_header_start(void *header, unsigned long offset, unsigned int generation) {
    pthread_mutex_lock(&marks_lock);
    generation_offset = offset;
    generation_offset_known = 1;
    unsigned int word = generation | (adjoint_flags_load() != 0 ? ADJOINT_OBSERVED_BIT : 0);
    __atomic_store_n(generation_word(header, offset), word, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&marks_lock);
}

void adjoint_tape_header_kill(void *header, unsigned long offset) {
    pthread_mutex_lock(&marks_lock);
    __atomic_store_n(generation_word(header, offset), 0u, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&marks_lock);
}

void adjoint_flags_add(long delta) {
    pthread_mutex_lock(&marks_lock);
    __atomic_fetch_add(&adjoint_observation_flags, delta, __ATOMIC_RELAXED);
    unsigned int mark = adjoint_flags_load() != 0 ? ADJOINT_OBSERVED_BIT : 0;
    if (generation_offset_known) {
        for (size_t k = 0; k < header_count; k++) {
            unsigned int *w = generation_word(all_headers[k], generation_offset);
            unsigned int g = __atomic_load_n(w, __ATOMIC_RELAXED);
            // A dead header (0) stays dead: no variable's generation has the bit either way.
            if (g != 0) __atomic_store_n(w, (g & ~ADJOINT_OBSERVED_BIT) | mark, __ATOMIC_RELAXED);
        }
    }
    pthread_mutex_unlock(&marks_lock);
}

void adjoint_tape_header_release(void *header) {
    // The caller has already written the dead generation (0), which lies past the link word.
    struct free_header *h = header;
    pthread_mutex_lock(&free_headers_lock);
    h->next = free_headers;
    free_headers = h;
    pthread_mutex_unlock(&free_headers_lock);
}
