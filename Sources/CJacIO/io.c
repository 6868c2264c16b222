#include "CJacIO.h"
#include <errno.h>
#include <stdio.h>

int jac_flush_stdout(void) {
    errno = 0;
    if (fflush(stdout) != 0 && errno != 0) return errno;
    return ferror(stdout) ? -1 : 0;
}
