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
    return p;
}

void adjoint_tape_header_release(void *header) {
    // The caller has already written the dead generation (0), which lies past the link word.
    struct free_header *h = header;
    pthread_mutex_lock(&free_headers_lock);
    h->next = free_headers;
    free_headers = h;
    pthread_mutex_unlock(&free_headers_lock);
}
