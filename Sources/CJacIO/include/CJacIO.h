#ifndef JAC_IO_H
#define JAC_IO_H
// Standard output's state for `jac`, in C because Swift 6 will not touch the C global `stdout`.

/// Flushes standard output and returns 0 when everything written to it arrived, the errno of the
/// flush's failure, or -1 when the stream only remembers that an earlier write failed (glibc
/// drops a buffer it could not write, so a later flush alone reports success).
int jac_flush_stdout(void);
#endif
