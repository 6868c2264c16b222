#include "CAdjointSupport.h"
long adjoint_observation_flags = 0;
unsigned int adjoint_tape_generation = 0;
