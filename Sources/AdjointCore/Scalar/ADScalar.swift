/// The scalar protocol every mode of Adjoint runs on.
///
/// Write a function once, generically over `ADScalar`, and it runs on `Double` and `Float`
/// (plain evaluation), ``Dual`` (forward mode), ``Reverse`` (reverse mode on a tape), and the
/// rational and complex scalars of the checking modules:
///
/// ```swift
/// func f<T: ADScalar>(_ x: [T]) -> [T] {
///     [x[0] * x[1] + T.sin(x[0]), T.exp(x[1]) / x[0]]
/// }
/// let y = f([1.0, 2.0])                          // plain Double
/// let g = try gradient(of: { f($0)[0] }, at: [1.0, 2.0])   // reverse mode
/// ```
///
/// Each requirement is one primitive of the operation registry (``Op``). Base scalars (Double,
/// Float, complex, rational) implement the primal; derived scalars (``Dual``, ``Reverse``)
/// implement every requirement by interpreting the registry's rule for that op, so no derivative
/// is written twice. A scalar type that cannot compute an op (a rational cannot take `exp`)
/// reports ``ADError/unsupported(op:scalarType:)`` through ``Diagnostics`` and returns a NaN-like
/// value; the derivative APIs turn that report into a thrown error.
///
/// Comparisons are required without `Comparable` because complex scalars (for complex-step
/// differentiation) order by their real part only, which is not a total order.
public protocol ADScalar: TangentVector, Equatable, ExpressibleByIntegerLiteral where Scalar == Self {
    /// Embeds a real constant. Exact for rational scalars (every finite Double is a dyadic rational).
    init(_ constant: Double)
    /// Embeds an integer exactly where the type can.
    init(_ integer: Int)
    /// A Double close to the primal value, for reports and error messages (not for arithmetic).
    var approximateDouble: Double { get }

    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self
    /// Strict order on primal values; complex scalars compare real parts.
    static func < (lhs: Self, rhs: Self) -> Bool

    // The requirements below are the registry's primitives, one each; ``Op`` documents each op's
    // domain, smoothness and derivative convention.

    /// x raised to an integer power, by repeated multiplication where exactness matters.
    static func powi(_ x: Self, _ n: Int) -> Self
    /// Real power x^y, defined for x > 0 (and x = 0 with y > 0).
    static func pow(_ x: Self, _ y: Self) -> Self
    static func square(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    static func exp(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func tan(_ x: Self) -> Self
    static func atan(_ x: Self) -> Self
    static func sinh(_ x: Self) -> Self
    static func cosh(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func sigmoid(_ x: Self) -> Self
    static func softplus(_ x: Self) -> Self
    static func relu(_ x: Self) -> Self
    static func leakyRelu(_ x: Self, slope: Self) -> Self
    static func elu(_ x: Self, alpha: Self) -> Self
    static func swish(_ x: Self) -> Self
    static func gelu(_ x: Self) -> Self
    static func abs(_ x: Self) -> Self
    static func max(_ x: Self, _ y: Self) -> Self
    static func min(_ x: Self, _ y: Self) -> Self
    static func hypot(_ x: Self, _ y: Self) -> Self
}

/// Comparisons and compound assignment derived from the requirements, so every scalar type
/// reads like ordinary numeric code: `if x > 0 { s += x }`.
extension ADScalar {
    @inlinable public static func > (lhs: Self, rhs: Self) -> Bool { rhs < lhs }
    @inlinable public static func <= (lhs: Self, rhs: Self) -> Bool { !(rhs < lhs) }
    @inlinable public static func >= (lhs: Self, rhs: Self) -> Bool { !(lhs < rhs) }
    @inlinable public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
    @inlinable public static func *= (lhs: inout Self, rhs: Self) { lhs = lhs * rhs }
    @inlinable public static func /= (lhs: inout Self, rhs: Self) { lhs = lhs / rhs }
    /// True unless the value is a NaN (NaN is the only value unequal to itself).
    @inlinable public var isNotNaN: Bool { self == self }
}
