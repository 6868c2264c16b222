#ifndef ADJOINT_BLAS_ENTRY_H
#define ADJOINT_BLAS_ENTRY_H
#include "CAdjointBLAS.h"
/// What the entry point's constructor did (see entry.c). Linking this target into an executable
/// is what makes it switch; the library alone never does.
adjoint_blas_selection adjoint_entry_blas_selection(void);
#endif
