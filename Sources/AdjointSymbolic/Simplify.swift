import AdjointCore
import AdjointExact

// Simplification at construction. Every rewrite holds for all real values of the variables:
// none widens or narrows where an expression is defined (x/x stays x/x, since it is undefined at
// 0; x − x, x·0 and x⁰ become constants only for provably finite x, since ∞ − ∞ is undefined and
// (1/y)⁰ is undefined at y = 0). Nor does one combine constants the expression keeps apart into
// one that Double cannot hold (see `fitsDouble`). Rewrites only ever
// produce a node no larger than the input, so construction cannot loop.

/// The largest |exponent| folded into a constant or merged into one power, so exact constants
/// stay small (a Rational squared 64 times is not).
let maxFoldedExponent = 64


extension Symbolic {
    /// Builds `op(x, y)` (`n` is `powi`'s exponent), simplified.
    static func make(_ op: Op, _ x: Symbolic, _ y: Symbolic, _ n: Int) -> Symbolic {
        guard belong(x, op.arity == 2 ? y : x, to: graph) else { return Symbolic(constant: .nan) }
        if x.isStructuralZero || (op.arity == 2 && y.isStructuralZero), let r = structural(op, x, y) { return r }
        let id = simplified(op, x.id, op.arity == 2 ? y.id : -1, n)
        // A simplification that leaves a constant (x − x is 0) has its value with or without a
        // point: unbound, `jac diff "1/(x-x)"` divided by NaN and reported "div of NaN (the NaN
        // was made before this op)" instead of a division by zero. Bound, a finite Double value
        // gives way to the constant's own: 0.1*x + 0.2*x - 0.3*x is exactly 0, and its Double value
        // at x = 1 (5.6e-17) made `jac diff "1/(0.1*x+0.2*x-0.3*x)" --at x=1` report "division by
        // zero (inputs: 1.0, 5.551115123125783e-17)". A non-finite one stays: exp(x) - exp(x) is the
        // constant 0, but ∞ - ∞ at x = 1000 in Double, where the numeric modes throw and so must this.
        let bound = bindingOf(op, x, y, n)
        let value = bound.map { !$0.isFinite ? $0 : (constant(id)?.approximateDouble ?? $0) } ?? constant(id)?.approximateDouble
        return Symbolic(id: id, binding: value)
    }

    /// Arithmetic with a structural zero (``isStructuralZero``): products and quotients with it
    /// vanish whatever the other factor is, sums skip it. Nil where it acts as a plain 0 (y/0,
    /// sin(0)).
    private static func structural(_ op: Op, _ x: Symbolic, _ y: Symbolic) -> Symbolic? {
        switch op {
        case .mul, .neg: return structuralZero
        case .div: return x.isStructuralZero ? structuralZero : nil
        case .add: return x.isStructuralZero ? y : x
        case .sub: return y.isStructuralZero ? x : make(.neg, y, y, 0)
        default: return nil
        }
    }

    private static func bindingOf(_ op: Op, _ x: Symbolic, _ y: Symbolic, _ n: Int) -> Double? {
        guard let a = x.binding else { return nil }
        if op.arity == 2 {
            guard let b = y.binding else { return nil }
            return Diagnostics.quietly { Rules.primal(op, a, b, n) }
        }
        return Diagnostics.quietly { Rules.primal(op, a, a, n) }
    }

    static func constant(_ id: Int) -> Rational? {
        if case .constant(let c) = graph.existing(id).head { return c }
        return nil
    }

    static func opNode(_ id: Int) -> (Op, Int, Int, Int)? {
        let node = graph.existing(id)
        if case .op(let op) = node.head { return (op, node.a, node.b, node.n) }
        return nil
    }

    static func const(_ c: Rational) -> Int { graph.intern(ExpressionNode(head: .constant(c), a: -1, b: -1, n: 0)) }

    /// A commutative op with its operands in the graph's structural order.
    static func ordered(_ op: Op, _ x: Int, _ y: Int) -> Int {
        graph.precedes(x, y) ? raw(op, x, y, 0) : raw(op, y, x, 0)
    }

    static func raw(_ op: Op, _ a: Int, _ b: Int, _ n: Int) -> Int {
        graph.intern(ExpressionNode(head: .op(op), a: a, b: b, n: n))
    }

    /// A term as coefficient × rest: c·t → (c, t), −t → (−1, t), t → (1, t).
    static func term(_ id: Int) -> (Rational, Int) {
        if let (op, a, b, _) = opNode(id) {
            if op == .mul, let c = constant(a) { return (c, b) }
            if op == .neg { let (c, t) = term(a); return (-c, t) }
        }
        return (1, id)
    }

    /// A factor as base^exponent: b^k → (b, k), anything else → (itself, 1).
    static func power(_ id: Int) -> (Int, Int) {
        if let (op, a, _, n) = opNode(id), op == .powi { return (a, n) }
        return (id, 1)
    }

    static func scaled(_ c: Rational, _ t: Int) -> Int {
        if c == 1 { return t }
        if c == -1 { return simplified(.neg, t, -1, 0) }
        return simplified(.mul, const(c), t, 0)
    }

    /// Folds an op on constants in exact rationals when the op is rational-closed and the
    /// arguments are in its domain; nil otherwise (sin(2) stays a node).
    static func fold(_ op: Op, _ a: Rational, _ b: Rational, _ n: Int) -> Rational? {
        // n.magnitude, not abs(n): abs(Int.min) traps.
        guard op.info.isRationalClosed, op != .powi || n.magnitude <= maxFoldedExponent.magnitude else { return nil }
        let (r, diag) = Diagnostics.collect { () -> Rational? in
            if Rules.domainViolation(op, a, b, n) != nil { return nil }
            return Rules.primal(op, a, b, n)
        }
        guard diag.errors.isEmpty, let r, !r.isNaN else { return nil }
        return r
    }

    /// Whether a constant that a rewrite makes from constants the expression keeps apart may
    /// replace them: 0, or finite and normal in Double. The constant is an exact rational, but
    /// the printed form is read back and the graph evaluated in Double, where
    /// (1e200/x)·(1e200/y) → 10⁴⁰⁰/(y·x) was ∞ at x = y = 1e150 for a value of 1e100, and
    /// (1e-200·x)·(1e-200·y) → 10⁻⁴⁰⁰·(x·y) was 0 for 1e-100. Refused, the expression keeps its
    /// shape, whose own intermediates are the user's to keep in range. A constant folded from
    /// an op on constants alone is not asked: it is the value the expression itself computes.
    static func fitsDouble(_ c: Rational) -> Bool {
        if c == 0 { return true }
        let d = Swift.abs(c.approximateDouble)
        return d.isFinite && d >= Double.leastNormalMagnitude
    }

    /// Whether `op(x, y)`, if it folds to a constant, folds to one that ``fitsDouble(_:)``.
    static func foldFitsDouble(_ op: Op, _ x: Int, _ y: Int) -> Bool {
        guard let a = constant(x), let b = constant(y), let r = fold(op, a, b, 0) else { return true }
        return fitsDouble(r)
    }

    static func simplified(_ op: Op, _ x: Int, _ y: Int, _ n: Int) -> Int {
        let cx = constant(x), cy = y < 0 ? nil : constant(y)
        if let cx, op.arity == 1 || cy != nil, let r = fold(op, cx, cy ?? cx, n) { return const(r) }
        let finite = graph.isProvablyFinite
        switch op {
        case .add:
            if cx == 0 { return y }
            if cy == 0 { return x }
            if cx != nil && cy == nil { return simplified(.add, y, x, 0) }   // constant last
            let (c1, t1) = term(x), (c2, t2) = term(y)
            if t1 == t2 && fitsDouble(c1 + c2) {
                let c = c1 + c2
                if c == 0 { return finite(t1) ? const(0) : ordered(.add, x, y) }
                return scaled(c, t1)
            }
            // Like terms one level into a sum: x + (u + v) with x ~ u → (x + u) + v.
            for (s, other) in [(y, x), (x, y)] {
                // Only when the pair really merges (each merge removes a term, so this ends).
                if let (ops, u, v, _) = opNode(s), ops == .add {
                    for (same, rest) in [(u, v), (v, u)] where term(same).1 == term(other).1 && foldFitsDouble(.add, other, same) {
                        let merged = simplified(.add, other, same, 0)
                        if opNode(merged)?.0 != .add { return simplified(.add, merged, rest, 0) }
                    }
                }
            }
            if c2 < 0 { return simplified(.sub, x, scaled(-c2, t2), 0) }
            if c1 < 0 { return simplified(.sub, y, scaled(-c1, t1), 0) }
            if let cy, cy < 0 { return simplified(.sub, x, const(-cy), 0) }   // x + (−3) → x − 3
            if cy != nil { return raw(.add, x, y, 0) }
            return ordered(.add, x, y)
        case .sub:
            if cy == 0 { return x }
            if cx == 0 { return simplified(.neg, y, -1, 0) }
            let (c1, t1) = term(x), (c2, t2) = term(y)
            if t1 == t2 && cx == nil && fitsDouble(c1 - c2) {
                let c = c1 - c2
                if c == 0 { return finite(t1) ? const(0) : raw(.sub, x, y, 0) }
                return scaled(c, t1)
            }
            if c2 < 0 { return simplified(.add, x, scaled(-c2, t2), 0) }
            return raw(.sub, x, y, 0)
        case .mul:
            if cy != nil && cx == nil { return simplified(.mul, y, x, 0) }   // constant first
            if let cx {
                if cx == 1 { return y }
                if cx == 0 { return finite(y) ? const(0) : raw(.mul, x, y, 0) }
                let (c, t) = term(y)
                if c != 1 && fitsDouble(cx * c) {   // c·(d·t) → (cd)·t, c·(−t) → (−c)·t
                    if let (_, _, _, _) = opNode(y) { return scaled(cx * c, t) }
                }
                if cx == -1 { return simplified(.neg, y, -1, 0) }
                return raw(.mul, x, y, 0)
            }
            // One quotient: (a/b)·(c/d) → (ac)/(bd), x·(c/d) → (xc)/d; same domain (b, d ≠ 0).
            if let (opx, a, b, _) = opNode(x), opx == .div {
                if let (opy, c, d, _) = opNode(y), opy == .div {
                    guard foldFitsDouble(.mul, a, c) && foldFitsDouble(.mul, b, d) else { return ordered(.mul, x, y) }
                    return simplified(.div, simplified(.mul, a, c, 0), simplified(.mul, b, d, 0), 0)
                }
                return simplified(.div, simplified(.mul, a, y, 0), b, 0)
            }
            if let (opy, c, d, _) = opNode(y), opy == .div { return simplified(.div, simplified(.mul, x, c, 0), d, 0) }
            // Hoist coefficients: (a·s)·(b·t) → (ab)·(s·t).
            let (c1, t1) = term(x), (c2, t2) = term(y)
            if (c1 != 1 || c2 != 1) && fitsDouble(c1 * c2) { return scaled(c1 * c2, simplified(.mul, t1, t2, 0)) }
            let (b1, k1) = power(x), (b2, k2) = power(y)
            // Exponents of one sign only: x⁻¹·x² is undefined at 0 where x is not.
            // Exponents near Int.max/Int.min would overflow their sum: left unmerged.
            let (k, overflow) = k1.addingReportingOverflow(k2)
            if b1 == b2 && (k1 > 0) == (k2 > 0) && !overflow && k.magnitude <= maxFoldedExponent.magnitude {
                return simplified(.powi, b1, -1, k)
            }
            return ordered(.mul, x, y)
        case .div:
            if cy == 1 { return x }
            if cy == -1 { return simplified(.neg, x, -1, 0) }
            if let (opx, a, _, _) = opNode(x), opx == .neg { return simplified(.neg, simplified(.div, a, y, 0), -1, 0) }
            // Coefficients out of a quotient: (c₁a)/(c₂b) → (c₁/c₂)·(a/b), c₂ ≠ 0 being a constant.
            let (c1, t1) = term(x), (c2, t2) = term(y)
            // A constant x is its own coefficient (term gives it 1).
            if c2 != 1 && c2 != 0 && constant(t2) == nil && fitsDouble((cx ?? c1) / c2) {
                if let cx { return simplified(.div, const(cx / c2), t2, 0) }
                return scaled(c1 / c2, simplified(.div, t1, t2, 0))
            }
            if c1 != 1 && cx == nil && constant(t1) == nil { return scaled(c1, simplified(.div, t1, y, 0)) }
            // (a/b)/c → a/(bc): both need b ≠ 0 and c ≠ 0.
            if let (opx, a, b, _) = opNode(x), opx == .div, foldFitsDouble(.mul, b, y) {
                return simplified(.div, a, simplified(.mul, b, y, 0), 0)
            }
            return raw(.div, x, y, 0)
        case .neg:
            if let (opx, a, b, _) = opNode(x) {
                if opx == .neg { return a }
                if opx == .sub { return simplified(.sub, b, a, 0) }
                if opx == .mul, let c = constant(a) { return scaled(-c, b) }
            }
            return raw(.neg, x, -1, 0)
        case .powi:
            if n == 1 { return x }
            // The registry's powi(x, 0) is 1 for every real x, 0 included; but only where x is
            // defined: (1/y)^0 became 1, so (1/y)^0 + y printed as y + 1, defined at y = 0 where the
            // function is not (every numeric mode throws there).
            if n == 0 { return finite(x) ? const(1) : raw(.powi, x, -1, 0) }
            if Int32(exactly: n) == nil {
                // A tape keeps the exponent in 32 bits, and x^Int32.min's derivative needs
                // x^(Int32.min − 1): split off the largest exponent of the same sign, which keeps
                // the domain (x ≠ 0 for both factors when n < 0) and leaves a small remainder.
                let edge = n < 0 ? Int(Int32.min) : Int(Int32.max)
                let rest = n - edge
                guard Int32(exactly: rest) != nil else { return raw(.powi, x, -1, n) }
                return simplified(.mul, raw(.powi, x, -1, edge), simplified(.powi, x, -1, rest), 0)
            }
            let (b, k) = power(x)
            let (kn, overflow) = k.multipliedReportingOverflow(by: n)
            if k != 1 && k > 0 && n > 0 && !overflow && kn <= maxFoldedExponent { return simplified(.powi, b, -1, kn) }
            return raw(.powi, x, -1, n)
        case .square:
            return simplified(.powi, x, -1, 2)
        default:
            return raw(op, x, op.arity == 2 ? y : -1, op.arity == 2 ? 0 : n)
        }
    }
}
