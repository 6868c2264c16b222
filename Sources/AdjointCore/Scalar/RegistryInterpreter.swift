/// A scalar whose every op is an application of a registry entry: the derived scalars ``Self``
/// and ``Reverse``, and any wrapper a later mode adds (counting scalars, say).
///
/// A conformer supplies how to apply one unary and one binary op; this extension turns that into
/// every requirement of ``ADScalar`` by naming the op. The rule itself always comes from ``Rules``.
///
/// ```swift
/// extension MyScalar: RegistryInterpreter {
///     static func applyUnary(_ op: Op, _ x: Self, _ n: Int) -> Self { … }
///     static func applyBinary(_ op: Op, _ x: Self, _ y: Self) -> Self { … }
/// }
/// ```
public protocol RegistryInterpreter: ADScalar {
    /// Applies a unary op (`n` is `powi`'s exponent, ignored otherwise).
    static func applyUnary(_ op: Op, _ x: Self, _ n: Int) -> Self
    /// Applies a binary op.
    static func applyBinary(_ op: Op, _ x: Self, _ y: Self) -> Self
}

// Always inlined: each is one call into the interpreter's fast path, and leaving the call in
// user code cost more than the op (measured on the reverse-mode benchmark).
extension RegistryInterpreter {
    @inlinable @inline(__always) public static func + (lhs: Self, rhs: Self) -> Self { applyBinary(.add, lhs, rhs) }
    @inlinable @inline(__always) public static func - (lhs: Self, rhs: Self) -> Self { applyBinary(.sub, lhs, rhs) }
    @inlinable @inline(__always) public static func * (lhs: Self, rhs: Self) -> Self { applyBinary(.mul, lhs, rhs) }
    @inlinable @inline(__always) public static func / (lhs: Self, rhs: Self) -> Self { applyBinary(.div, lhs, rhs) }
    @inlinable public static prefix func - (x: Self) -> Self { applyUnary(.neg, x, 0) }
    @inlinable @inline(__always) public static func powi(_ x: Self, _ n: Int) -> Self { applyUnary(.powi, x, n) }
    @inlinable @inline(__always) public static func pow(_ x: Self, _ y: Self) -> Self { applyBinary(.pow, x, y) }
    @inlinable @inline(__always) public static func square(_ x: Self) -> Self { applyUnary(.square, x, 0) }
    @inlinable @inline(__always) public static func sqrt(_ x: Self) -> Self { applyUnary(.sqrt, x, 0) }
    @inlinable @inline(__always) public static func exp(_ x: Self) -> Self { applyUnary(.exp, x, 0) }
    @inlinable @inline(__always) public static func expm1(_ x: Self) -> Self { applyUnary(.expm1, x, 0) }
    @inlinable @inline(__always) public static func log(_ x: Self) -> Self { applyUnary(.log, x, 0) }
    @inlinable @inline(__always) public static func log1p(_ x: Self) -> Self { applyUnary(.log1p, x, 0) }
    @inlinable @inline(__always) public static func sin(_ x: Self) -> Self { applyUnary(.sin, x, 0) }
    @inlinable @inline(__always) public static func cos(_ x: Self) -> Self { applyUnary(.cos, x, 0) }
    @inlinable @inline(__always) public static func tan(_ x: Self) -> Self { applyUnary(.tan, x, 0) }
    @inlinable @inline(__always) public static func atan(_ x: Self) -> Self { applyUnary(.atan, x, 0) }
    @inlinable @inline(__always) public static func sinh(_ x: Self) -> Self { applyUnary(.sinh, x, 0) }
    @inlinable @inline(__always) public static func cosh(_ x: Self) -> Self { applyUnary(.cosh, x, 0) }
    @inlinable @inline(__always) public static func tanh(_ x: Self) -> Self { applyUnary(.tanh, x, 0) }
    @inlinable @inline(__always) public static func erf(_ x: Self) -> Self { applyUnary(.erf, x, 0) }
    @inlinable @inline(__always) public static func sigmoid(_ x: Self) -> Self { applyUnary(.sigmoid, x, 0) }
    @inlinable @inline(__always) public static func softplus(_ x: Self) -> Self { applyUnary(.softplus, x, 0) }
    @inlinable @inline(__always) public static func relu(_ x: Self) -> Self { applyUnary(.relu, x, 0) }
    @inlinable @inline(__always) public static func leakyRelu(_ x: Self, slope: Self) -> Self { applyBinary(.leakyRelu, x, slope) }
    @inlinable @inline(__always) public static func elu(_ x: Self, alpha: Self) -> Self { applyBinary(.elu, x, alpha) }
    @inlinable @inline(__always) public static func swish(_ x: Self) -> Self { applyUnary(.swish, x, 0) }
    @inlinable @inline(__always) public static func gelu(_ x: Self) -> Self { applyUnary(.gelu, x, 0) }
    @inlinable @inline(__always) public static func abs(_ x: Self) -> Self { applyUnary(.abs, x, 0) }
    @inlinable @inline(__always) public static func max(_ x: Self, _ y: Self) -> Self { applyBinary(.max, x, y) }
    @inlinable @inline(__always) public static func min(_ x: Self, _ y: Self) -> Self { applyBinary(.min, x, y) }
    @inlinable @inline(__always) public static func hypot(_ x: Self, _ y: Self) -> Self { applyBinary(.hypot, x, y) }
}
