#include "CAdjointBLASEntry.h"
// Runs before main and after OpenBLAS's own constructor (an executable's constructors run after
// those of the shared libraries it needs), when no BLAS call has been made and no thread of ours
// exists: the only safe moment to re-select OpenBLAS's core. Linked into jac, AdjointDemo and
// AdjointBench only; a program that uses the library gets a note instead (BLAS.coreNote).
static adjoint_blas_selection selection = adjoint_blas_unsupported;
__attribute__((constructor)) static void adjoint_entry_select_blas_core(void) {
    selection = adjoint_blas_select_preferred_core();
}
adjoint_blas_selection adjoint_entry_blas_selection(void) { return selection; }
