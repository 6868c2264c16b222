/// A function written once, with its evaluation at four scalar types compiled where the function's
/// type is known, and every other scalar type passed to the function itself.
///
/// Why: a library entry point that is not inlinable runs the user's generic function
/// unspecialised, through witness tables, looking up generic metadata at every step; that cost the
/// checker half of a 60×60 check's time and exact forward mode 40% of a 1,000-op Jacobian. An
/// inlinable entry point wraps `f` here, in the caller's module, where each closure is compiled for
/// the concrete function and scalar type, and hands the wrapper to its ordinary code, which then
/// calls a closure. Which four types a mode needs is the mode's choice (the checker takes V, its
/// dual, its tape variable and its complex number; exact mode the rationals, their dual, their tape
/// variable and Double).
///
/// ```swift
/// struct Square: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] } }
/// let s = SpecialisedADFunction<Double, Dual<Double, Double>, Reverse<Double>, Float>(Square())
/// s([3.0])          // [9.0], through the closure compiled for Double
/// s([Float(2)])     // [4.0]
/// ```
public struct SpecialisedADFunction<A: ADScalar, B: ADScalar, C: ADScalar, D: ADScalar>: ADFunction, @unchecked Sendable {
    // @unchecked: the async entry points wrap only a Sendable function, and the synchronous ones
    // never hand the wrapper to another task.
    @usableFromInline let generic: any ADFunction
    @usableFromInline let a: ([A]) -> [A]
    @usableFromInline let b: ([B]) -> [B]
    @usableFromInline let c: ([C]) -> [C]
    @usableFromInline let d: ([D]) -> [D]
    /// The wrapped function's input count.
    public let inputCount: Int?

    /// Wraps `f` (a wrapper of the same four types is taken as it is, not wrapped twice).
    @inlinable public init<F: ADFunction>(_ f: F) {
        if let already = f as? Self {
            self = already
            return
        }
        generic = f
        inputCount = f.inputCount
        a = { f($0) }
        b = { f($0) }
        c = { f($0) }
        d = { f($0) }
    }

    /// f(x) through the closure compiled for T when T is one of the four types, else f itself.
    public func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        // An array is one reference whatever its element type, and T is exactly the type tested,
        // so each cast changes nothing but the static type.
        if T.self == A.self { return unsafeBitCast(a(unsafeBitCast(x, to: [A].self)), to: [T].self) }
        if T.self == B.self { return unsafeBitCast(b(unsafeBitCast(x, to: [B].self)), to: [T].self) }
        if T.self == C.self { return unsafeBitCast(c(unsafeBitCast(x, to: [C].self)), to: [T].self) }
        if T.self == D.self { return unsafeBitCast(d(unsafeBitCast(x, to: [D].self)), to: [T].self) }
        return generic(x)
    }
}
