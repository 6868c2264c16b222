/// A reverse-mode variable: a value plus its node on a ``Tape``.
///
/// Evaluating a generic function on `Reverse<V>` records every registry op on the tape; a
/// backward sweep then gives the vector–Jacobian product uᵀJ for any cotangent u at a cost that
/// is a small constant multiple of the evaluation (see `proofs/reverse-mode.md`).
///
/// Values not derived from a tape variable are constants (`index < 0`) and cost nothing to
/// record; when a constant meets a variable it is written to the tape once so the reverse sweep
/// can read it.
///
/// `V` may itself be a dual (``Dual``): the sweep then runs in dual arithmetic and the tangent of
/// the gradient is a Hessian–vector product (forward-over-reverse).
///
/// ```swift
/// let g = try gradient(of: { x in x[0] * x[1] + Reverse.sin(x[0]) }, at: [2.0, 3.0])
/// ```
@frozen
public struct Reverse<V: ADScalar>: RegistryInterpreter {
    public typealias Scalar = Reverse
    public typealias IntegerLiteralType = Int

    /// The primal value.
    public let value: V
    @usableFromInline let index: Int32
    @usableFromInline let tape: UnsafeMutablePointer<TapeStorage<V>>?

    @inlinable init(value: V, index: Int32, tape: UnsafeMutablePointer<TapeStorage<V>>?) {
        self.value = value
        self.index = index
        self.tape = index < 0 ? nil : tape
    }

    /// A constant: not on any tape, derivative zero.
    @inlinable public init(constant value: V) { self.init(value: value, index: -1, tape: nil) }
    @inlinable public init(_ constant: Double) { self.init(constant: V(constant)) }
    @inlinable public init(_ integer: Int) { self.init(constant: V(integer)) }
    @inlinable public init(integerLiteral value: Int) { self.init(constant: V(value)) }

    @inlinable public static var zero: Reverse { Reverse(constant: 0) }
    @inlinable public var approximateDouble: Double { value.approximateDouble }
    /// Whether this value depends on a tape variable.
    @inlinable public var isVariable: Bool { tape != nil }
    /// The node index on the tape, or nil for a constant.
    public var node: Int? { tape == nil ? nil : Int(index) }

    @inlinable public static func == (lhs: Reverse, rhs: Reverse) -> Bool { lhs.value == rhs.value }
    @inlinable public static func < (lhs: Reverse, rhs: Reverse) -> Bool { lhs.value < rhs.value }

    // MARK: Interpreting the registry

    @inlinable @inline(__always)
    public static func applyUnary(_ op: Op, _ x: Reverse, _ n: Int) -> Reverse {
        Instrumentation.count(op)
        let z = Rules.primal(op, x.value, x.value, n)
        guard let t = x.tape else {
            if Rules.needsChecks(op) { Diagnostics.check(op, x.value, x.value, n, node: nil) }
            return Reverse(constant: z)
        }
        let i = t.pointee.push(op, x.index, Int32(truncatingIfNeeded: n), z)  // rhs holds powi's exponent (0 otherwise)
        if Rules.needsChecks(op) { Diagnostics.check(op, x.value, x.value, n, node: Int(i)) }
        return Reverse(value: z, index: i, tape: t)
    }

    @inlinable @inline(__always)
    public static func applyBinary(_ op: Op, _ x: Reverse, _ y: Reverse) -> Reverse {
        Instrumentation.count(op)
        let z = Rules.primal(op, x.value, y.value, 0)
        guard let t = x.tape ?? y.tape else {
            if Rules.needsChecks(op) { Diagnostics.check(op, x.value, y.value, 0, node: nil) }
            return Reverse(constant: z)
        }
        if _slowPath(x.tape != nil && y.tape != nil && x.tape != y.tape) { reportMixedTapes(op) }
        let a = x.tape == t ? x.index : t.pointee.push(.constant, -1, -1, x.value)
        let b = y.tape == t ? y.index : t.pointee.push(.constant, -1, -1, y.value)
        let i = t.pointee.push(op, a, b, z)
        if Rules.needsChecks(op) { Diagnostics.check(op, x.value, y.value, 0, node: Int(i)) }
        return Reverse(value: z, index: i, tape: t)
    }

    @usableFromInline @inline(never)
    static func reportMixedTapes(_ op: Op) {
        Diagnostics.report(.foreignVariable("\(op.info.name) combined variables of two different tapes"))
    }
}

extension Reverse: CustomStringConvertible {
    public var description: String { tape == nil ? "\(value)" : "\(value) @\(index)" }
}
