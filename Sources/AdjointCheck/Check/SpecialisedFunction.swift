import AdjointCore
import ComplexModule
import RealModule

/// A user's function with its evaluation at each scalar type the check uses (V, its dual, its tape
/// variable, its complex number) compiled where the function's type is known; see
/// `SpecialisedADFunction` for why. Other scalar types (rationals, availability probes) still run
/// the generic function.
///
/// Generic over the scalar type only, so the checker's entry points can be specialised for Double
/// and Float (`@_specialize`) whatever the user's function is: the generic checker looked up
/// metadata for every conversion of a tape value (a fifth of a 60×60 check).
@usableFromInline
typealias SpecialisedFunction<V: ADScalar & BinaryFloatingPoint & Real & Sendable> =
    SpecialisedADFunction<V, Dual<V, V>, Reverse<V>, Complex<V>>
