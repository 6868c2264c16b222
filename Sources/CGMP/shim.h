// GMP's mpq_* names are macros Swift cannot see; callers use the __gmpq_* symbols they expand to.
#include <gmp.h>
