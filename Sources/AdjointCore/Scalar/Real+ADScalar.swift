import RealModule

/// Double and Float take their elementary functions from swift-numerics (`Real`) and the composite
/// primitives from ``Primals``; one extension serves every binary floating-point type.
extension ADScalar where Self: Real & BinaryFloatingPoint {
    @inlinable public var approximateDouble: Double { Double(self) }
    @inlinable public static func powi(_ x: Self, _ n: Int) -> Self { Self.pow(x, n) }
    @inlinable public static func square(_ x: Self) -> Self { x * x }
    @inlinable public static func expm1(_ x: Self) -> Self { Self.expMinusOne(x) }
    @inlinable public static func log1p(_ x: Self) -> Self { Self.log(onePlus: x) }
    @inlinable public static func sigmoid(_ x: Self) -> Self { Primals.sigmoid(x) }
    @inlinable public static func softplus(_ x: Self) -> Self { Primals.softplus(x) }
    @inlinable public static func relu(_ x: Self) -> Self { Primals.relu(x) }
    @inlinable public static func leakyRelu(_ x: Self, slope: Self) -> Self { Primals.leakyRelu(x, slope: slope) }
    @inlinable public static func elu(_ x: Self, alpha: Self) -> Self { Primals.elu(x, alpha: alpha) }
    @inlinable public static func swish(_ x: Self) -> Self { Primals.swish(x) }
    @inlinable public static func gelu(_ x: Self) -> Self { Primals.gelu(x) }
    @inlinable public static func abs(_ x: Self) -> Self { Primals.abs(x) }
    @inlinable public static func max(_ x: Self, _ y: Self) -> Self { Primals.max(x, y) }
    @inlinable public static func min(_ x: Self, _ y: Self) -> Self { Primals.min(x, y) }
}

extension Double: ADScalar {}
extension Float: ADScalar {}
