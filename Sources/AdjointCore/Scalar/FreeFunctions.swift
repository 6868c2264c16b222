// Free-function spellings of the registry ops, so generic code reads like maths: `sin(x) * y`.
// Concrete libm overloads (Glibc's `sin(Double)`) still win for plain Doubles; these serve generic
// `T: ADScalar` code. `abs`, `max` and `min` are left out on purpose: the standard library's generic
// versions would make calls on Double ambiguous. Use `T.abs(x)`, `T.max(x, y)`.
// Always inlined: left to the optimizer, `sin`/`log` on `Reverse` stayed calls from user loops
// (their bodies include the tape push), and each call cost register saves around the push.

/// e^x. See ``Op/exp``.
@inlinable @inline(__always) public func exp<T: ADScalar>(_ x: T) -> T { T.exp(x) }
/// e^x − 1, accurate near 0. See ``Op/expm1``.
@inlinable @inline(__always) public func expm1<T: ADScalar>(_ x: T) -> T { T.expm1(x) }
/// Natural logarithm. See ``Op/log``.
@inlinable @inline(__always) public func log<T: ADScalar>(_ x: T) -> T { T.log(x) }
/// log(1 + x), accurate near 0. See ``Op/log1p``.
@inlinable @inline(__always) public func log1p<T: ADScalar>(_ x: T) -> T { T.log1p(x) }
/// √x. See ``Op/sqrt``.
@inlinable @inline(__always) public func sqrt<T: ADScalar>(_ x: T) -> T { T.sqrt(x) }
@inlinable @inline(__always) public func sin<T: ADScalar>(_ x: T) -> T { T.sin(x) }
@inlinable @inline(__always) public func cos<T: ADScalar>(_ x: T) -> T { T.cos(x) }
@inlinable @inline(__always) public func tan<T: ADScalar>(_ x: T) -> T { T.tan(x) }
@inlinable @inline(__always) public func atan<T: ADScalar>(_ x: T) -> T { T.atan(x) }
@inlinable @inline(__always) public func sinh<T: ADScalar>(_ x: T) -> T { T.sinh(x) }
@inlinable @inline(__always) public func cosh<T: ADScalar>(_ x: T) -> T { T.cosh(x) }
@inlinable @inline(__always) public func tanh<T: ADScalar>(_ x: T) -> T { T.tanh(x) }
@inlinable @inline(__always) public func erf<T: ADScalar>(_ x: T) -> T { T.erf(x) }
/// The logistic function 1/(1 + e^−x). See ``Op/sigmoid``.
@inlinable @inline(__always) public func sigmoid<T: ADScalar>(_ x: T) -> T { T.sigmoid(x) }
/// log(1 + e^x). See ``Op/softplus``.
@inlinable @inline(__always) public func softplus<T: ADScalar>(_ x: T) -> T { T.softplus(x) }
/// max(x, 0) with relu′(0) = 0. See ``Op/relu``.
@inlinable @inline(__always) public func relu<T: ADScalar>(_ x: T) -> T { T.relu(x) }
@inlinable @inline(__always) public func leakyRelu<T: ADScalar>(_ x: T, slope: T) -> T { T.leakyRelu(x, slope: slope) }
@inlinable @inline(__always) public func elu<T: ADScalar>(_ x: T, alpha: T) -> T { T.elu(x, alpha: alpha) }
@inlinable @inline(__always) public func swish<T: ADScalar>(_ x: T) -> T { T.swish(x) }
@inlinable @inline(__always) public func gelu<T: ADScalar>(_ x: T) -> T { T.gelu(x) }
@inlinable @inline(__always) public func square<T: ADScalar>(_ x: T) -> T { T.square(x) }
@inlinable @inline(__always) public func pow<T: ADScalar>(_ x: T, _ y: T) -> T { T.pow(x, y) }
@inlinable @inline(__always) public func pow<T: ADScalar>(_ x: T, _ n: Int) -> T { T.powi(x, n) }
@inlinable @inline(__always) public func hypot<T: ADScalar>(_ x: T, _ y: T) -> T { T.hypot(x, y) }
