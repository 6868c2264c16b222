import AdjointCore
import ComplexModule
import RealModule

/// A user's function with its evaluation at each scalar type the check uses compiled where the
/// function's type is known.
///
/// Why: the checker is ordinary (not inlinable) code, so `f(x)` inside it ran the user's generic
/// function unspecialised, through witness tables, looking up generic metadata on every loop
/// iteration: half of a 60×60 check's 375 ms went to `swift_getGenericMetadata` and unspecialised
/// iterators. The public entry points are inlinable and wrap the function here, in the caller's
/// module, where each closure below is compiled for the concrete function and scalar type; the
/// checker then calls a closure. Other scalar types (rationals, availability probes) still run the
/// generic function.
///
/// Generic over the scalar type only, so the checker's entry points can be specialised for Double
/// and Float (`@_specialize`) whatever the user's function is: the generic checker looked up
/// metadata for every conversion of a tape value (another fifth of that check).
@usableFromInline
struct SpecialisedFunction<V: ADScalar & BinaryFloatingPoint & Real & Sendable>: ADFunction, @unchecked Sendable {
    // @unchecked: the async entry points wrap only a Sendable function, and the synchronous ones
    // never hand the wrapper to another task.
    @usableFromInline let generic: any ADFunction
    @usableFromInline let plain: ([V]) -> [V]
    @usableFromInline let dual: ([Dual<V, V>]) -> [Dual<V, V>]
    @usableFromInline let reverse: ([Reverse<V>]) -> [Reverse<V>]
    @usableFromInline let complex: ([Complex<V>]) -> [Complex<V>]
    @usableFromInline let inputCount: Int?

    @inlinable init<F: ADFunction>(_ f: F, _: V.Type) {
        if let already = f as? SpecialisedFunction<V> {
            self = already
            return
        }
        generic = f
        inputCount = f.inputCount
        plain = { f($0) }
        dual = { f($0) }
        reverse = { f($0) }
        complex = { f($0) }
    }

    @usableFromInline func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        // An array is one reference whatever its element type, and T is exactly the type tested,
        // so each cast changes nothing but the static type.
        if T.self == V.self { return unsafeBitCast(plain(unsafeBitCast(x, to: [V].self)), to: [T].self) }
        if T.self == Dual<V, V>.self { return unsafeBitCast(dual(unsafeBitCast(x, to: [Dual<V, V>].self)), to: [T].self) }
        if T.self == Reverse<V>.self { return unsafeBitCast(reverse(unsafeBitCast(x, to: [Reverse<V>].self)), to: [T].self) }
        if T.self == Complex<V>.self { return unsafeBitCast(complex(unsafeBitCast(x, to: [Complex<V>].self)), to: [T].self) }
        return generic(x)
    }
}
