// Free-function spellings of the registry ops, so generic code reads like maths: `sin(x) * y`.
// Concrete libm overloads (Glibc's `sin(Double)`) still win for plain Doubles; these serve generic
// `T: ADScalar` code. `abs`, `max` and `min` are left out on purpose: the standard library's generic
// versions would make calls on Double ambiguous. Use `T.abs(x)`, `T.max(x, y)`.

/// e^x. See ``Op/exp``.
@inlinable public func exp<T: ADScalar>(_ x: T) -> T { T.exp(x) }
/// e^x − 1, accurate near 0. See ``Op/expm1``.
@inlinable public func expm1<T: ADScalar>(_ x: T) -> T { T.expm1(x) }
/// Natural logarithm. See ``Op/log``.
@inlinable public func log<T: ADScalar>(_ x: T) -> T { T.log(x) }
/// log(1 + x), accurate near 0. See ``Op/log1p``.
@inlinable public func log1p<T: ADScalar>(_ x: T) -> T { T.log1p(x) }
/// √x. See ``Op/sqrt``.
@inlinable public func sqrt<T: ADScalar>(_ x: T) -> T { T.sqrt(x) }
@inlinable public func sin<T: ADScalar>(_ x: T) -> T { T.sin(x) }
@inlinable public func cos<T: ADScalar>(_ x: T) -> T { T.cos(x) }
@inlinable public func tan<T: ADScalar>(_ x: T) -> T { T.tan(x) }
@inlinable public func atan<T: ADScalar>(_ x: T) -> T { T.atan(x) }
@inlinable public func sinh<T: ADScalar>(_ x: T) -> T { T.sinh(x) }
@inlinable public func cosh<T: ADScalar>(_ x: T) -> T { T.cosh(x) }
@inlinable public func tanh<T: ADScalar>(_ x: T) -> T { T.tanh(x) }
@inlinable public func erf<T: ADScalar>(_ x: T) -> T { T.erf(x) }
/// The logistic function 1/(1 + e^−x). See ``Op/sigmoid``.
@inlinable public func sigmoid<T: ADScalar>(_ x: T) -> T { T.sigmoid(x) }
/// log(1 + e^x). See ``Op/softplus``.
@inlinable public func softplus<T: ADScalar>(_ x: T) -> T { T.softplus(x) }
/// max(x, 0) with relu′(0) = 0. See ``Op/relu``.
@inlinable public func relu<T: ADScalar>(_ x: T) -> T { T.relu(x) }
@inlinable public func leakyRelu<T: ADScalar>(_ x: T, slope: T) -> T { T.leakyRelu(x, slope: slope) }
@inlinable public func elu<T: ADScalar>(_ x: T, alpha: T) -> T { T.elu(x, alpha: alpha) }
@inlinable public func swish<T: ADScalar>(_ x: T) -> T { T.swish(x) }
@inlinable public func gelu<T: ADScalar>(_ x: T) -> T { T.gelu(x) }
@inlinable public func square<T: ADScalar>(_ x: T) -> T { T.square(x) }
@inlinable public func pow<T: ADScalar>(_ x: T, _ y: T) -> T { T.pow(x, y) }
@inlinable public func pow<T: ADScalar>(_ x: T, _ n: Int) -> T { T.powi(x, n) }
@inlinable public func hypot<T: ADScalar>(_ x: T, _ y: T) -> T { T.hypot(x, y) }
