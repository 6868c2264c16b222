/// A vector space over a scalar field, used as the tangent of a ``Dual`` number.
///
/// A single-direction dual carries one tangent of its own scalar type; a chunked dual carries a
/// SIMD vector of tangents so that one pass pushes forward several directions at once.
///
/// ```swift
/// let t: SIMD4<Double> = 2.0 * SIMD4(1, 0, 0, 0)   // scaling a chunk of tangents
/// ```
public protocol TangentVector {
    associatedtype Scalar
    /// The additive identity.
    static var zero: Self { get }
    static func + (lhs: Self, rhs: Self) -> Self
    /// Scales a tangent by a scalar: the product the chain rule needs.
    static func * (lhs: Scalar, rhs: Self) -> Self
    /// Divides a tangent by a scalar, rounding once: what division's rule needs to apply 1/y
    /// without forming 1/y, which overflows for a subnormal y (see ``Builtin/Div``). Every scalar
    /// type and SIMD vector has it already: `SIMD2(2.0, 4.0) / 2.0 == SIMD2(1, 2)`.
    static func / (lhs: Self, rhs: Scalar) -> Self
    /// Directions carried: 1 for a single tangent, the SIMD width for a chunk.
    static var laneCount: Int { get }
    /// The tangent of direction `lane`.
    subscript(lane lane: Int) -> Scalar { get set }
    /// Forward mode's chain-rule product `partial · tangent`, in which a lane whose tangent is
    /// exactly 0 gives exactly 0 whatever the partial, ±∞ or NaN included. (The reverse sweep does
    /// not use it: a cotangent can compute to 0 on a path that exists, and there 0·∞ is an
    /// indeterminate form; it masks only entries no seed reaches, see `Tape.sweepLoop`.)
    ///
    /// A direction that does not move an argument has a derivative that does not involve the
    /// argument's partial. Multiplied out, √′(0) = +∞ meets the zero tangent of every direction
    /// but y's in ∂(x² + √y) as ∞·0 = NaN, which hides the finite ∂/∂x = 2x and, in a chunked
    /// pass, every other lane. Where the tangent is nonzero the product is the plain one, so a
    /// truly infinite derivative stays infinite and is reported.
    ///
    ///     chainProduct(p, t) = 0      where t = 0 (exactly)
    ///                        = p · t  elsewhere
    ///
    /// Double, Float and their SIMD chunks test the partial's finiteness first, so the mask costs
    /// one predictable branch and runs only for a non-finite partial; a chunk masks lane by lane.
    /// Duals mask each product of their Leibniz rule. Other types (rationals, complex and
    /// symbolic scalars, whose partials do not overflow) keep the plain product. The interpreters
    /// call it only for ops whose partials can be infinite at a finite point
    /// (``OpDeclaration/partialsCanBeInfinite``) and for partials that are not plain floats.
    ///
    /// ```swift
    /// Double.chainProduct(.infinity, 0)                    // 0 (∞ · 0 would be NaN)
    /// Double.chainProduct(.infinity, -2)                   // −∞
    /// SIMD2<Double>.chainProduct(.infinity, SIMD2(0, 1))   // SIMD2(0, ∞)
    /// ```
    static func chainProduct(_ partial: Scalar, _ tangent: Self) -> Self
}

extension TangentVector {
    /// The plain product, for types without lanes to inspect.
    @inlinable @inline(__always)
    public static func chainProduct(_ partial: Scalar, _ tangent: Self) -> Self { partial * tangent }
}

extension ADScalar where Self: BinaryFloatingPoint {
    /// Double and Float: the plain product unless the partial is ±∞ or NaN and the tangent is 0.
    @inlinable @inline(__always)
    public static func chainProduct(_ partial: Self, _ tangent: Self) -> Self {
        if _fastPath(partial.isFinite) { return partial * tangent }
        return tangent == 0 ? 0 : partial * tangent
    }
}

extension SIMD where Self: TangentVector, Scalar: BinaryFloatingPoint {
    /// A chunk: lanes whose tangent is 0 masked, only when the partial is ±∞ or NaN.
    @inlinable @inline(__always)
    public static func chainProduct(_ partial: Scalar, _ tangent: Self) -> Self {
        if _fastPath(partial.isFinite) { return partial * tangent }
        return (partial * tangent).replacing(with: 0, where: tangent .== 0)
    }
}

extension ADScalar {
    @inlinable public static var laneCount: Int { 1 }
    @inlinable public subscript(lane lane: Int) -> Self {
        get { self }
        set { self = newValue }
    }
}

extension SIMD2: TangentVector where Scalar: BinaryFloatingPoint {
    @inlinable public static var laneCount: Int { 2 }
    @inlinable public subscript(lane lane: Int) -> Scalar { get { self[lane] } set { self[lane] = newValue } }
}
extension SIMD4: TangentVector where Scalar: BinaryFloatingPoint {
    @inlinable public static var laneCount: Int { 4 }
    @inlinable public subscript(lane lane: Int) -> Scalar { get { self[lane] } set { self[lane] = newValue } }
}
extension SIMD8: TangentVector where Scalar: BinaryFloatingPoint {
    @inlinable public static var laneCount: Int { 8 }
    @inlinable public subscript(lane lane: Int) -> Scalar { get { self[lane] } set { self[lane] = newValue } }
}
