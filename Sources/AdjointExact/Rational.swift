import AdjointCore
import CGMP
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// @unchecked: the storage is a ManagedBuffer (not Sendable by declaration) that is never mutated
// after construction, and GMP reads of one mpq_t from several threads are safe.

/// An exact rational number p/q on GMP, or NaN.
///
/// Arithmetic (+ − × ÷, integer powers, abs, max, min, relu, leaky ReLU) is exact: no rounding,
/// ever. That makes `Rational` the ground truth of Adjoint: forward and reverse mode over
/// rationals must agree *exactly*, and the true error of a floating-point Jacobian can be
/// measured (``exactErrorReport(of:exact:method:)``).
///
/// ```swift
/// let a = Rational(numerator: 1, denominator: 3)
/// let b: Rational = "2/7"
/// (a + b).description          // "13/21"
/// Rational(0.1).description    // "3602879701896397/36028797018963968" (0.1 is a dyadic double)
/// Rational("0.1").description  // "1/10" (a literal argument is the string-literal initializer)
/// Rational(numerator: 1, denominator: 10).doubleValue   // 0.1, correctly rounded
/// ```
///
/// Values are always in canonical form (reduced, positive denominator), so equal numbers have
/// equal representations, `description` is canonical and hashing is structural.
///
/// **NaN.** An operation that has no rational result (division by zero, `exp`, `sqrt`, a result
/// beyond ``bitSizeLimit``) reports a typed ``ADError`` through ``Diagnostics`` and returns
/// ``nan``; NaN propagates through every later operation, and, like Double's NaN, is unequal to
/// everything including itself. The derivative APIs turn the report into a thrown error, so a NaN
/// is never mistaken for a number.
///
/// **Value semantics.** The GMP value lives in an immutable heap object freed by `deinit`
/// (`mpq_clear`); copies share it, operations always produce a new one.
public struct Rational: @unchecked Sendable {
    /// nil is NaN.
    let storage: MPQStorage?

    init(storage: MPQStorage?) { self.storage = storage }

    /// Not a number: the result of an operation with no rational value.
    ///
    /// ```swift
    /// Rational.nan.isNaN            // true
    /// Rational.nan == Rational.nan  // false, as for Double
    /// ```
    public static let nan = Rational(storage: nil)

    /// Whether this is ``nan``.
    public var isNaN: Bool { storage == nil }

    // MARK: Construction

    /// Exact p/q, reduced.
    ///
    /// A zero denominator reports ``ADError/domain(op:node:inputs:reason:)`` and gives ``nan``.
    ///
    /// ```swift
    /// Rational(numerator: 6, denominator: -4).description   // "-3/2"
    /// ```
    public init(numerator: Int, denominator: Int) {
        if denominator == 0 {
            Diagnostics.report(.domain(op: "div", node: nil, inputs: [Double(numerator), 0],
                                       reason: "division by zero"))
            self = .nan
            return
        }
        // mpq_set_si takes an unsigned denominator; move the sign to the numerator first. The
        // magnitudes go through GMP integers so Int.min cannot overflow a negation.
        let s = MPQStorage.make()
        s.with { q in
            __gmpz_set_si(numRef(q), numerator)
            __gmpz_set_si(denRef(q), denominator)
            __gmpq_canonicalize(q)
        }
        self.init(storage: s)
    }

    /// Exactly `integer`.
    ///
    /// ```swift
    /// Rational(-7).description   // "-7"
    /// ```
    public init(_ integer: Int) {
        if integer >= Rational.smallIntegerRange.lowerBound && integer <= Rational.smallIntegerRange.upperBound {
            self = Rational.smallIntegers[integer - Rational.smallIntegerRange.lowerBound]
            return
        }
        // A Float function's T(16777217) is 16777216 (see constantsAreFloats).
        if integer.magnitude > 1 << 24, Rational.constantsAreFloats, let rounded = Int(exactly: Float(integer)) {
            self.init(uncachedInteger: rounded)
            return
        }
        self.init(uncachedInteger: integer)
    }

    init(uncachedInteger integer: Int) {
        let s = MPQStorage.make()
        s.with { __gmpq_set_si($0, integer, 1) }
        self.init(storage: s)
    }

    /// The rules of the registry build 0, 1, −1, 2 and ½ all the time; sharing these saves an
    /// allocation each.
    static let smallIntegerRange = -16...16
    static let smallIntegers: [Rational] = smallIntegerRange.map { Rational(uncachedInteger: $0) }

    /// Exactly the value of a finite Double: every finite double is m·2^e with integer m and e,
    /// a rational number, and GMP's `mpq_set_d` converts it without rounding.
    ///
    /// NaN and ±∞ have no rational value: they report ``ADError/invalidArgument(_:)`` and give
    /// ``nan``. Use ``init(exactly:)`` to get nil instead of a report.
    ///
    /// ```swift
    /// Rational(0.375).description   // "3/8"
    /// ```
    public init(_ value: Double) {
        let value = Rational.constantsAreFloats ? Double(Float(value)) : value
        guard let r = Rational(exactly: value) else {
            Diagnostics.report(.invalidArgument("\(value) has no rational value"))
            self = .nan
            return
        }
        self = r
    }

    /// Set while a Float function runs on rationals (a Float check's exact witness): a constant
    /// embedded from a Double (`T(0.1)`, a literal) takes the Float value the function's Float
    /// code uses, not the Double one. With the Double, 1/(x − 0.1) one Float ulp above 0.1 was
    /// differentiated with its pole 7e-9 away instead of 7e-9 · 0.7, and the right Float
    /// derivative was convicted (a review). Values already Floats are unchanged. Integers beyond 2²⁴
    /// (`T(16777217)`, a literal) are rounded to Float too.
    @TaskLocal public static var constantsAreFloats = false

    /// Exactly the value of a finite Float (widened to Double first, which is exact).
    public init(_ value: Float) { self.init(Double(value)) }

    /// Exactly `value`, or nil when it is NaN or infinite.
    ///
    /// ```swift
    /// Rational(exactly: 1e-300) != nil    // true: tiny but exact
    /// Rational(exactly: .infinity)        // nil
    /// ```
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        if value == value.rounded(), Swift.abs(value) <= 0x1p62 {
            self.init(Int(value))
            return
        }
        let s = MPQStorage.make()
        s.with { __gmpq_set_d($0, value) }
        self.init(storage: s)
    }

    // MARK: Inspection

    /// -1, 0 or 1; nil for NaN.
    public var sign: Int? {
        guard let s = storage else { return nil }
        return s.with { q in Int(q.pointee._mp_num._mp_size.signum()) }
    }

    /// Whether the value is an integer (denominator 1). False for NaN.
    public var isInteger: Bool {
        guard let s = storage else { return false }
        return s.with { q in __gmpz_cmp_ui(denRef(q), 1) == 0 }
    }

    /// Bits in the magnitude of the numerator (0 for zero) and of the denominator; (0, 0) for NaN.
    /// These are what ``bitSizeLimit`` bounds.
    ///
    /// ```swift
    /// Rational(numerator: 255, denominator: 4).bitWidths   // (numerator: 8, denominator: 3)
    /// ```
    public var bitWidths: (numerator: Int, denominator: Int) {
        guard let s = storage else { return (0, 0) }
        return s.with { q in (bitLength(numRef(q)), bitLength(denRef(q))) }
    }

    /// Numerator and denominator in base 10 ("-7", "12"); ("nan", "nan") for NaN.
    public var decimalParts: (numerator: String, denominator: String) {
        guard let s = storage else { return ("nan", "nan") }
        return s.with { q in (Rational.decimal(numRef(q)), Rational.decimal(denRef(q))) }
    }

    static func decimal(_ z: UnsafeMutablePointer<__mpz_struct>) -> String {
        guard let c = __gmpz_get_str(nil, 10, z) else { return "?" }
        defer { free(c) }
        return String(cString: c)
    }

    // MARK: Bit-size guard

    /// Default of ``bitSizeLimit``: 2²⁰ bits (a million-bit numerator, about 315,000 decimal
    /// digits). Far beyond any derivative of a small graph with small coefficients, yet small
    /// enough that one multiplication at the limit takes milliseconds, not minutes, so a runaway
    /// computation (repeated squaring, say) stops quickly with an error instead of eating memory.
    public static let defaultBitSizeLimit = 1 << 20

    private static let limitStorage = Atomic<Int>(defaultBitSizeLimit)

    /// Largest number of bits a result's numerator or denominator may have. A result beyond it
    /// reports ``ADError/limitExceeded(what:limit:)`` and becomes ``nan``. Process-wide.
    ///
    /// ```swift
    /// Rational.bitSizeLimit = 4096
    /// defer { Rational.bitSizeLimit = Rational.defaultBitSizeLimit }
    /// ```
    public static var bitSizeLimit: Int {
        get { limitStorage.load(ordering: .relaxed) }
        set { limitStorage.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    /// Wraps a freshly computed storage, or reports and returns NaN when it exceeds the limit.
    /// The limb count gives a cheap upper bound, so the exact bit count is computed only near the limit.
    static func checked(_ s: MPQStorage, _ op: String) -> Rational {
        let limit = bitSizeLimit
        let limbBits = MemoryLayout<mp_limb_t>.size * 8
        var written = 0
        let over: Bool = s.with { q in
            let limbs = Swift.max(Int(q.pointee._mp_num._mp_size.magnitude), Int(q.pointee._mp_den._mp_size))
            written = 2 * limbs
            if limbs * limbBits <= limit { return false }
            return Int(__gmpz_sizeinbase(numRef(q), 2)) > limit
                || Int(__gmpz_sizeinbase(denRef(q), 2)) > limit
        }
        if over {
            // Named like the work limit's error, so a reader knows which setting to raise.
            Diagnostics.report(.limitExceeded(what: "bit size of a rational numerator or denominator (in \(op); Rational.bitSizeLimit)",
                                              limit: limit))
            return .nan
        }
        if chargeWork(written, op) { return .nan }
        return Rational(storage: s)
    }

    /// The number of live GMP values, in debug builds (nil in release): for leak tests.
    public static var liveValueCount: Int? { LiveStorage.current }
}

// MARK: Equality, hashing, text

extension Rational: Hashable {
    /// Exact equality; NaN is unequal to everything, itself included (as for Double).
    public static func == (lhs: Rational, rhs: Rational) -> Bool {
        guard let a = lhs.storage, let b = rhs.storage else { return false }
        if a === b { return true }
        return a.with { pa in b.with { pb in __gmpq_equal(pa, pb) != 0 } }
    }

    /// Hashes the canonical limbs, so equal values hash equally.
    public func hash(into hasher: inout Hasher) {
        guard let s = storage else { hasher.combine(0x6E616E); return }
        s.with { q in
            for z in [q.pointee._mp_num, q.pointee._mp_den] {
                hasher.combine(z._mp_size)
                let n = Int(z._mp_size.magnitude)
                if n > 0, let d = z._mp_d {
                    hasher.combine(bytes: UnsafeRawBufferPointer(start: d, count: n * MemoryLayout<mp_limb_t>.stride))
                }
            }
        }
    }
}

extension Rational: CustomStringConvertible, LosslessStringConvertible {
    /// Canonical text: "p/q" reduced with the sign on the numerator, "p" for integers, "nan".
    ///
    /// ```swift
    /// Rational(numerator: 14, denominator: -24).description   // "-7/12"
    /// ```
    public var description: String {
        guard let s = storage else { return "nan" }
        return s.with { q in
            guard let c = __gmpq_get_str(nil, 10, q) else { return "?" }
            defer { free(c) }
            return String(cString: c)
        }
    }

    /// Parses "-7/12", "3", "0.125", "-2.5e-3", ".5", "1E6" or "nan" exactly; nil when malformed.
    /// Use ``parse(_:)`` for an error that says why.
    ///
    /// With a string *literal* as argument, Swift calls ``init(stringLiteral:)`` instead (literal
    /// coercion), which is not optional: `Rational("0.1")` is 1/10 and `Rational("x")` is NaN,
    /// reported. Text read at run time comes here:
    ///
    /// ```swift
    /// let text = "0.1"
    /// Rational(text)?.description   // "1/10"
    /// ```
    public init?(_ description: String) {
        guard let r = try? Rational.parse(description) else { return nil }
        self = r
    }
}

extension Rational: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    /// An integer literal, exactly: `let x: Rational = 3`.
    public init(integerLiteral value: Int) { self.init(value) }

    /// A string literal parsed by ``parse(_:)``; a malformed literal is NaN (and reported).
    ///
    /// ```swift
    /// let x: Rational = "-7/12"
    /// ```
    public init(stringLiteral value: String) {
        do { self = try Rational.parse(value) } catch {
            Diagnostics.report(error as? ADError ?? .invalidArgument("\(error)"))
            self = .nan
        }
    }
}
