import Adjoint
print("Adjoint demo")
