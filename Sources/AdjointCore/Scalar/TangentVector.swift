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
    /// Lanes that are NaN replaced by 0; other types return themselves. For forward mode's one
    /// product that may be ∞·0 (pow at a zero base, see `Dual.applyBinary`).
    func zeroingNaNLanes() -> Self
}

extension TangentVector {
    /// No lanes to inspect: unchanged.
    @inlinable public func zeroingNaNLanes() -> Self { self }
}

extension TangentVector where Self: BinaryFloatingPoint {
    /// 0 for NaN, else unchanged: `Double.nan.zeroingNaNLanes() == 0`.
    @inlinable public func zeroingNaNLanes() -> Self { isNaN ? 0 : self }
}

extension SIMD where Self: TangentVector, Scalar: BinaryFloatingPoint {
    /// Each NaN lane replaced by 0: `SIMD2(.nan, 1).zeroingNaNLanes() == SIMD2(0, 1)`.
    @inlinable public func zeroingNaNLanes() -> Self { replacing(with: 0, where: self .!= self) }
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
