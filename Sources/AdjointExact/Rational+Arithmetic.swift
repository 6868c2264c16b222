import AdjointCore
import CGMP

// Exact field operations. Each allocates one new GMP value and never touches its inputs; NaN in,
// NaN out without a new report (the report was made where the NaN was born).

extension Rational {
    /// Applies a GMP operation writing a new value from two inputs, with the bit-size guard.
    @inline(__always)
    static func make(_ a: Rational, _ b: Rational, _ op: String,
                     _ body: (UnsafeMutablePointer<__mpq_struct>, UnsafeMutablePointer<__mpq_struct>,
                              UnsafeMutablePointer<__mpq_struct>) -> Void) -> Rational {
        guard let sa = a.storage, let sb = b.storage else { return .nan }
        let r = MPQStorage.make()
        r.with { pr in sa.with { pa in sb.with { pb in body(pr, pa, pb) } } }
        return checked(r, op)
    }

    /// Zero test without touching GMP: a zero numerator has size 0.
    /// Whether the value is exactly 0 (false for NaN).
    public var isZero: Bool {
        guard let s = storage else { return false }
        return s.with { $0.pointee._mp_num._mp_size == 0 }
    }

    /// Exactly 1: numerator and denominator are both the single limb 1.
    var isOne: Bool {
        guard let s = storage else { return false }
        return s.with { q in
            q.pointee._mp_num._mp_size == 1 && q.pointee._mp_den._mp_size == 1
                && q.pointee._mp_num._mp_d?.pointee == 1 && q.pointee._mp_den._mp_d?.pointee == 1
        }
    }

    /// Exact sum.
    ///
    /// ```swift
    /// (Rational(numerator: 1, denominator: 3) + Rational(numerator: 1, denominator: 6)).description  // "1/2"
    /// ```
    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        // Forward mode adds zero tangents constantly; skipping GMP there is a measurable win.
        if rhs.isZero && !lhs.isNaN { return lhs }
        if lhs.isZero && !rhs.isNaN { return rhs }
        return make(lhs, rhs, "add") { __gmpq_add($0, $1, $2) }
    }

    /// Exact difference.
    public static func - (lhs: Rational, rhs: Rational) -> Rational {
        if rhs.isZero && !lhs.isNaN { return lhs }
        return make(lhs, rhs, "sub") { __gmpq_sub($0, $1, $2) }
    }

    /// Exact product.
    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        if lhs.isNaN || rhs.isNaN { return .nan }
        if lhs.isZero || rhs.isZero { return 0 }
        if rhs.isOne { return lhs }
        if lhs.isOne { return rhs }
        return make(lhs, rhs, "mul") { __gmpq_mul($0, $1, $2) }
    }

    /// Exact quotient. Division by zero reports ``ADError/domain(op:node:inputs:reason:)`` (op "div")
    /// and gives ``nan``.
    ///
    /// ```swift
    /// (Rational(3) / Rational(-6)).description   // "-1/2"
    /// ```
    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        if lhs.isNaN || rhs.isNaN { return .nan }
        if rhs.isZero {
            Diagnostics.report(.domain(op: Op.div.info.name, node: nil,
                                       inputs: [lhs.doubleValue, 0], reason: "division by zero"))
            return .nan
        }
        if rhs.isOne { return lhs }
        return make(lhs, rhs, "div") { __gmpq_div($0, $1, $2) }
    }

    /// Exact negation.
    public static prefix func - (operand: Rational) -> Rational {
        guard let s = operand.storage else { return .nan }
        if operand.isZero { return operand }
        let r = MPQStorage.make()
        r.with { pr in s.with { __gmpq_neg(pr, $0) } }
        return Rational(storage: r)
    }

    /// Strict order; false whenever either side is NaN.
    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        guard let a = lhs.storage, let b = rhs.storage else { return false }
        return a.with { pa in b.with { pb in __gmpq_cmp(pa, pb) < 0 } }
    }

    /// Multiplies by 2^k exactly (k may be negative).
    func timesPowerOfTwo(_ k: Int) -> Rational {
        guard let s = storage else { return .nan }
        if k == 0 || isZero { return self }
        let r = MPQStorage.make()
        r.with { pr in
            s.with { ps in
                if k > 0 { __gmpq_mul_2exp(pr, ps, mp_bitcnt_t(k)) } else { __gmpq_div_2exp(pr, ps, mp_bitcnt_t(k.magnitude)) }
            }
        }
        return Rational.checked(r, "scale by a power of two")
    }
}
