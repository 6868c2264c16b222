#include "CAdjointSupport.h"
long adjoint_observation_flags = 0;
unsigned int adjoint_tape_generation = 0;

static _Thread_local long blas_watch_depth = 0;
void adjoint_blas_watch_begin(void) { blas_watch_depth++; }
void adjoint_blas_watch_end(void) { blas_watch_depth--; }
int adjoint_blas_watched(void) { return blas_watch_depth > 0; }
