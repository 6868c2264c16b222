// Free-function spellings of the registry ops, so generic code reads like maths: `sin(x) * y`.
// Concrete libm overloads (Glibc's `sin(Double)`) still win for plain Doubles; these serve generic
// `T: ADScalar` code. Always inlined: left to the optimizer, `sin`/`log` on `Reverse` stayed calls
// from user loops (their bodies include the tape push), and each call cost register saves.

/// e^x. See ``Builtin/Exp``.
@inlinable @inline(__always) public func exp<T: ADScalar>(_ x: T) -> T { T.exp(x) }
/// e^x − 1, accurate near 0. See ``Builtin/Expm1``.
@inlinable @inline(__always) public func expm1<T: ADScalar>(_ x: T) -> T { T.expm1(x) }
/// Natural logarithm. See ``Builtin/Log``.
@inlinable @inline(__always) public func log<T: ADScalar>(_ x: T) -> T { T.log(x) }
/// log(1 + x), accurate near 0. See ``Builtin/Log1p``.
@inlinable @inline(__always) public func log1p<T: ADScalar>(_ x: T) -> T { T.log1p(x) }
/// √x. See ``Builtin/Sqrt``.
@inlinable @inline(__always) public func sqrt<T: ADScalar>(_ x: T) -> T { T.sqrt(x) }
@inlinable @inline(__always) public func sin<T: ADScalar>(_ x: T) -> T { T.sin(x) }
@inlinable @inline(__always) public func cos<T: ADScalar>(_ x: T) -> T { T.cos(x) }
@inlinable @inline(__always) public func tan<T: ADScalar>(_ x: T) -> T { T.tan(x) }
@inlinable @inline(__always) public func atan<T: ADScalar>(_ x: T) -> T { T.atan(x) }
@inlinable @inline(__always) public func sinh<T: ADScalar>(_ x: T) -> T { T.sinh(x) }
@inlinable @inline(__always) public func cosh<T: ADScalar>(_ x: T) -> T { T.cosh(x) }
@inlinable @inline(__always) public func tanh<T: ADScalar>(_ x: T) -> T { T.tanh(x) }
/// Inverse hyperbolic sine. See ``Builtin/Asinh``.
@inlinable @inline(__always) public func asinh<T: ADScalar>(_ x: T) -> T { T.asinh(x) }
@inlinable @inline(__always) public func erf<T: ADScalar>(_ x: T) -> T { T.erf(x) }
/// The logistic function 1/(1 + e^−x). See ``Builtin/Sigmoid``.
@inlinable @inline(__always) public func sigmoid<T: ADScalar>(_ x: T) -> T { T.sigmoid(x) }
/// log(1 + e^x). See ``Builtin/Softplus``.
@inlinable @inline(__always) public func softplus<T: ADScalar>(_ x: T) -> T { T.softplus(x) }
/// max(x, 0) with relu′(0) = 0. See ``Builtin/Relu``.
@inlinable @inline(__always) public func relu<T: ADScalar>(_ x: T) -> T { T.relu(x) }
@inlinable @inline(__always) public func leakyRelu<T: ADScalar>(_ x: T, slope: T) -> T { T.leakyRelu(x, slope: slope) }
@inlinable @inline(__always) public func elu<T: ADScalar>(_ x: T, alpha: T) -> T { T.elu(x, alpha: alpha) }
@inlinable @inline(__always) public func swish<T: ADScalar>(_ x: T) -> T { T.swish(x) }
@inlinable @inline(__always) public func gelu<T: ADScalar>(_ x: T) -> T { T.gelu(x) }
@inlinable @inline(__always) public func square<T: ADScalar>(_ x: T) -> T { T.square(x) }
/// x^y for real y: `pow(x, 0.5)`. See ``Builtin/Pow``.
@inlinable @inline(__always) public func pow<T: ADScalar>(_ x: T, _ y: T) -> T { T.pow(x, y) }
/// x^n for an integer constant n. See ``Builtin/Powi``.
@inlinable @inline(__always) public func pow<T: ADScalar>(_ x: T, _ n: Int) -> T { T.powi(x, n) }
@inlinable @inline(__always) public func hypot<T: ADScalar>(_ x: T, _ y: T) -> T { T.hypot(x, y) }

// abs, max and min: the standard library's generic versions (`T: Comparable`) would make a call on
// two Doubles ambiguous with a plain `T: ADScalar` overload. A second overload for types that are
// both is more specific than either, so Double calls resolve to it and generic code to the first.

/// |x| with abs′(0) = 0. See ``Builtin/Abs``.
@inlinable @inline(__always) public func abs<T: ADScalar>(_ x: T) -> T { T.abs(x) }
@inlinable @inline(__always) public func abs<T: ADScalar & Comparable & SignedNumeric>(_ x: T) -> T { T.abs(x) }
/// The larger input; at a tie each gets half the derivative. See ``Builtin/Max``.
@inlinable @inline(__always) public func max<T: ADScalar>(_ x: T, _ y: T) -> T { T.max(x, y) }
@inlinable @inline(__always) public func max<T: ADScalar & Comparable>(_ x: T, _ y: T) -> T { T.max(x, y) }
/// The smaller input; at a tie each gets half the derivative. See ``Builtin/Min``.
@inlinable @inline(__always) public func min<T: ADScalar>(_ x: T, _ y: T) -> T { T.min(x, y) }
@inlinable @inline(__always) public func min<T: ADScalar & Comparable>(_ x: T, _ y: T) -> T { T.min(x, y) }
