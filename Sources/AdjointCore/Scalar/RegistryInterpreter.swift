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

    /// Every named op reaches the interpreter here; `op.arity` folds for a constant op.
    @inlinable @inline(__always)
    public static func apply(_ op: Op, _ x: Self, _ y: Self, _ n: Int) -> Self {
        op.arity == 2 ? applyBinary(op, x, y) : applyUnary(op, x, n)
    }

    /// A derived scalar interprets every op, the piecewise ones included (see
    /// ``ADScalar/interpretsRegistryOps``).
    @inlinable public static var interpretsRegistryOps: Bool { true }

    /// A derived scalar's "native" sin is the interpreted one: a declaration's primal evaluated on
    /// a nested dual must record its inner tangent.
    @inlinable @inline(__always)
    public static func native(_ op: Op, _ x: Self, _ y: Self, _ n: Int) -> Self { apply(op, x, y, n) }
}
