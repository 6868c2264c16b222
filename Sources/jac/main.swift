print("jac 0.1.0")
