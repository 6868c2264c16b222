import AdjointCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The true error of one entry of a floating-point Jacobian, measured against the exact value.
///
/// ```swift
/// let worst = try exactCheck(of: F(), at: [0.5]).report(for: "reverse")?.entries.map(\.ulps).max()
/// ```
public struct EntryError: Sendable, Equatable {
    /// Output index of the entry.
    public let row: Int
    /// Input index of the entry.
    public let column: Int
    /// The floating-point entry (widened to Double; exact for Float).
    public let approximate: Double
    /// The exact entry.
    public let exact: Rational
    /// |approximate − exact| / ulp(exact), computed exactly and then rounded once. The ulp is that
    /// of the binade of the exact value in the approximate's format (2^(⌊log₂|e|⌋ − p + 1), never
    /// below the subnormal ulp). A correctly rounded result has ulps ≤ 0.5. ∞ when the
    /// approximate entry is NaN or infinite.
    public let ulps: Double
    /// |approximate − exact| / |exact|; 0 when both are 0, ∞ when only the exact value is 0.
    public let relativeError: Double
    /// |approximate − exact|, rounded to Double.
    public let absoluteError: Double
}

/// Per-entry true errors of one floating-point Jacobian against the exact one: what a method
/// really gets wrong, not an estimate.
///
/// ```swift
/// let exact = try exactJacobian(of: F(), at: [0.5, 0.25])
/// let fd: [[Double]] = …                       // from any method
/// let r = try exactErrorReport(of: fd, exact: exact.jacobian, method: "central difference")
/// print(r.table)
/// r.maxULPs       // e.g. 3.1e5
/// ```
public struct ExactErrorReport: Sendable, Equatable {
    /// The method's label, as given ("reverse", "central difference h=1e-5", …).
    public let method: String
    /// Floating-point format the ulps refer to ("Double", "Float").
    public let format: String
    /// Number of outputs (Jacobian rows).
    public let rows: Int
    /// Number of inputs (Jacobian columns).
    public let columns: Int
    /// Row-major: `entries[i * columns + j]` is entry (i, j).
    public let entries: [EntryError]

    /// The error of entry (row, column).
    public func entry(row: Int, column: Int) -> EntryError { entries[row * columns + column] }

    /// Largest ulp error (∞ if any entry is not finite); 0 for an empty Jacobian.
    /// `max()` on Doubles ignores a NaN in some positions; an error report must not, so a NaN
    /// entry makes the maximum NaN.
    public var maxULPs: Double { Self.worst(entries.map(\.ulps)) }
    /// Largest relative error.
    public var maxRelativeError: Double { Self.worst(entries.map(\.relativeError)) }

    static func worst(_ xs: [Double]) -> Double {
        if xs.contains(where: \.isNaN) { return .nan }
        return xs.max() ?? 0
    }
    /// Median ulp error: typical accuracy, less sensitive than the max to one cancelling entry.
    public var medianULPs: Double {
        let s = entries.map(\.ulps).sorted()
        if s.isEmpty { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// A fixed-width text table, one line per entry, after a summary line.
    ///
    /// ```
    /// reverse (Double): max 0.5 ulp, median 0.29 ulp, max relative error 1.1e-16
    ///   entry       approximate                exact                          ulps   rel. error
    ///   (0, 0)      2.0952380952380953         44/21                          0.29   1.1e-16
    /// ```
    public var table: String {
        var lines = ["\(method) (\(format)): max \(short(maxULPs)) ulp, median \(short(medianULPs)) ulp, "
                     + "max relative error \(short(maxRelativeError))"]
        lines.append("  " + pad("entry", 10) + pad("approximate", 26) + pad("exact", 32) + pad("ulps", 10) + "rel. error")
        for e in entries {
            let exact = e.exact.description
            let shown = exact.count > 30 ? String(exact.prefix(29)) + "…" : exact
            lines.append("  " + pad("(\(e.row), \(e.column))", 10) + pad("\(e.approximate)", 26) + pad(shown, 32)
                         + pad(short(e.ulps), 10) + short(e.relativeError))
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object (single line): method, format, shape, summary and every entry, exact
    /// values as "p/q" strings. Non-finite numbers are written as null.
    public var json: String {
        let items = entries.map { e in
            "{\"row\": \(e.row), \"column\": \(e.column), \"approximate\": \(jsonNumber(e.approximate)), "
                + "\"exact\": \(jsonString(e.exact.description)), \"ulps\": \(jsonNumber(e.ulps)), "
                + "\"relative_error\": \(jsonNumber(e.relativeError)), \"absolute_error\": \(jsonNumber(e.absoluteError))}"
        }
        return "{\"method\": \(jsonString(method)), \"format\": \(jsonString(format)), \"rows\": \(rows), "
            + "\"columns\": \(columns), \"max_ulps\": \(jsonNumber(maxULPs)), \"median_ulps\": \(jsonNumber(medianULPs)), "
            + "\"max_relative_error\": \(jsonNumber(maxRelativeError)), \"entries\": [\(items.joined(separator: ", "))]}"
    }
}

/// Measures a floating-point Jacobian against the exact one, entry by entry.
///
/// Independent of how the approximation was made: pass forward or reverse mode results, finite
/// differences of any stencil, complex step; `method` labels the report. Differences are taken
/// in exact arithmetic (every finite float is a rational), so the reported error is the true one,
/// rounded only at the end.
///
/// ```swift
/// let r = try exactErrorReport(of: [[2.0952380952380953, 1.6666666666666667]],
///                              exact: [["44/21", "5/3"]], method: "reverse")
/// r.maxULPs <= 0.5   // true: both entries are correctly rounded
/// ```
///
/// - Throws: ``ADError/dimensionMismatch(what:expected:got:)`` when the shapes differ;
///   ``ADError/invalidArgument(_:)`` for a NaN exact entry or a format wider than Double.
public func exactErrorReport<F: BinaryFloatingPoint>(
    of approximate: [[F]], exact: [[Rational]], method: String
) throws -> ExactErrorReport {
    guard F.significandBitCount <= Double.significandBitCount else {
        throw ADError.invalidArgument("exact error reports support formats up to Double, not \(F.self)")
    }
    if approximate.count != exact.count {
        throw ADError.dimensionMismatch(what: "Jacobian rows (\(method) vs exact)", expected: exact.count,
                                        got: approximate.count)
    }
    let columns = exact.first?.count ?? 0
    let p = F.significandBitCount + 1
    let minNormalExponent = Int(F.leastNormalMagnitude.exponent)
    var entries: [EntryError] = []
    entries.reserveCapacity(exact.count * columns)
    for i in exact.indices {
        if exact[i].count != columns {
            throw ADError.dimensionMismatch(what: "columns of exact Jacobian row \(i)", expected: columns,
                                            got: exact[i].count)
        }
        if approximate[i].count != columns {
            throw ADError.dimensionMismatch(what: "columns of row \(i) (\(method) vs exact)", expected: columns,
                                            got: approximate[i].count)
        }
        for j in 0..<columns {
            let e = exact[i][j]
            let a = Double(approximate[i][j])
            if e.isNaN { throw ADError.invalidArgument("exact entry (\(i), \(j)) is NaN") }
            guard a.isFinite else {
                entries.append(EntryError(row: i, column: j, approximate: a, exact: e, ulps: .infinity,
                                          relativeError: .infinity, absoluteError: .infinity))
                continue
            }
            let diff = Rational.abs(Rational(a) - e)
            // ulp(e) = 2^(max(⌊log₂|e|⌋, emin) − p + 1); for e = 0 the subnormal ulp.
            let ulpExponent = Swift.max(e.binaryExponent ?? minNormalExponent, minNormalExponent) - (p - 1)
            let ulps = diff.timesPowerOfTwo(-ulpExponent).doubleValue
            let relative: Double = e.isZero ? (diff.isZero ? 0 : .infinity) : (diff / Rational.abs(e)).doubleValue
            entries.append(EntryError(row: i, column: j, approximate: a, exact: e, ulps: ulps,
                                      relativeError: relative, absoluteError: diff.doubleValue))
        }
    }
    return ExactErrorReport(method: method, format: "\(F.self)", rows: exact.count, columns: columns,
                            entries: entries)
}

// MARK: The whole check: exact against Double forward and reverse (and any other method)

/// Exact Jacobian plus the true error of each floating-point method at one point.
///
/// ```swift
/// let r = try exactCheck(of: F(), at: [0.5, 0.25])
/// r.report(for: "forward")?.maxULPs   // typically ≤ 1
/// ```
public struct ExactCheckReport: Sendable, Equatable {
    /// The exact Jacobian (at the rational point given, or at the doubles given, exactly).
    public let exact: ExactJacobian
    /// The point the floating-point methods were evaluated at.
    public let point: [Double]
    /// Whether `point` is a rounding of the rational point asked for (then each method's error
    /// includes the effect of rounding the inputs).
    public let pointWasRounded: Bool
    /// One report per method, in order: "forward", "reverse", then the additional ones.
    public let methods: [ExactErrorReport]

    /// The report of the method labelled `method`.
    public func report(for method: String) -> ExactErrorReport? { methods.first { $0.method == method } }

    /// How much worse each method is than the most accurate one: its median ulp error divided by
    /// the best median, with 0.5 ulp (a correctly rounded result) as the floor of the divisor so
    /// an exact method does not make every ratio infinite.
    ///
    /// ```swift
    /// report.factorOverBest["central"]   // ≈ 6·10⁴ when forward/reverse are within 0.5 ulp
    /// ```
    public var factorOverBest: [String: Double] {
        let best = Swift.max(methods.map(\.medianULPs).min() ?? 0, 0.5)
        return Dictionary(methods.map { ($0.method, Swift.max($0.medianULPs, 0.5) / best) }, uniquingKeysWith: { a, _ in a })
    }

    /// One line per method: max and median ulps, max relative error, factor over the best method.
    ///
    /// ```
    /// method            max ulps  median ulps  max rel. error  vs best
    /// forward           0.76      0.71         1.6e-16         1×
    /// central           41000     29000        5.5e-12         41000×
    /// ```
    public var summary: String {
        let factors = factorOverBest
        var lines = [pad("method", 18) + pad("max ulps", 10) + pad("median ulps", 13) + pad("max rel. error", 16) + "vs best"]
        for m in methods {
            lines.append(pad(m.method, 18) + pad(short(m.maxULPs), 10) + pad(short(m.medianULPs), 13)
                         + pad(short(m.maxRelativeError), 16) + short(factors[m.method] ?? 1) + "×")
        }
        return lines.joined(separator: "\n")
    }

    /// The summary, then all methods' tables.
    public var table: String { ([summary] + methods.map(\.table)).joined(separator: "\n") }

    /// One JSON object: the point, the exact Jacobian as strings, ``factorOverBest``, and each
    /// method's report.
    public var json: String {
        let jac = exact.jacobian.map { "[" + $0.map { jsonString($0.description) }.joined(separator: ", ") + "]" }
        let f = factorOverBest
        let factors = methods.map { "\(jsonString($0.method)): \(jsonNumber(f[$0.method] ?? 1))" }.joined(separator: ", ")
        return "{\"point\": [\(point.map(jsonNumber).joined(separator: ", "))], "
            + "\"point_was_rounded\": \(pointWasRounded), \"exact_jacobian\": [\(jac.joined(separator: ", "))], "
            + "\"factor_over_best\": {\(factors)}, "
            + "\"methods\": [\(methods.map(\.json).joined(separator: ", "))]}"
    }
}

/// Computes the exact Jacobian of `f` at `x` and the true error of Double forward and reverse
/// mode there, plus any further floating-point Jacobians given (finite differences, complex
/// step), each labelled by its method.
///
/// ```swift
/// let r = try exactCheck(of: F(), at: [0.5, 0.25], additional: [("central", fdJacobian)])
/// r.report(for: "reverse")?.maxULPs    // typically ≤ 1
/// r.report(for: "central")?.maxULPs    // typically 10⁵ or more
/// ```
///
/// - Throws: what ``exactJacobian(of:at:mode:)`` and the Double modes throw (an op that is not
///   rational-closed is ``ADError/unsupported(op:scalarType:node:)``; check first with
///   ``exactAvailability(of:at:)``), and a dimension mismatch for an additional Jacobian of the
///   wrong shape.
public func exactCheck(of f: some ADFunction, at x: [Double],
                       additional: [(method: String, jacobian: [[Double]])] = []) throws -> ExactCheckReport {
    let exact = try exactJacobian(of: f, at: x, mode: .reverse)
    return try check(f, exact: exact, at: x, rounded: false, additional: additional)
}

/// As ``exactCheck(of:at:additional:)``, at a rational point: the exact Jacobian is taken at `x`
/// itself, the floating-point modes at `x` rounded to the nearest doubles, so their reported
/// errors include the rounding of the inputs (``ExactCheckReport/pointWasRounded`` says whether
/// any input was rounded).
///
/// ```swift
/// let r = try exactCheck(of: F(), at: [Rational(numerator: 1, denominator: 3)])
/// r.pointWasRounded   // true: 1/3 is not a double
/// ```
public func exactCheck(of f: some ADFunction, at x: [Rational],
                       additional: [(method: String, jacobian: [[Double]])] = []) throws -> ExactCheckReport {
    let exact = try exactJacobian(of: f, at: x, mode: .reverse)
    let point = x.map(\.doubleValue)
    let rounded = zip(point, x).contains { Rational(exactly: $0) != $1 }
    return try check(f, exact: exact, at: point, rounded: rounded, additional: additional)
}

func check(_ f: some ADFunction, exact: ExactJacobian, at x: [Double], rounded: Bool,
           additional: [(method: String, jacobian: [[Double]])]) throws -> ExactCheckReport {
    let fwd = try jacobian(of: f, at: x, mode: .forward)
    let rev = try jacobian(of: f, at: x, mode: .reverse)
    var methods = [try exactErrorReport(of: fwd.jacobian, exact: exact.jacobian, method: "forward"),
                   try exactErrorReport(of: rev.jacobian, exact: exact.jacobian, method: "reverse")]
    for (name, jac) in additional {
        methods.append(try exactErrorReport(of: jac, exact: exact.jacobian, method: name))
    }
    return ExactCheckReport(exact: exact, point: x, pointWasRounded: rounded, methods: methods)
}

// MARK: Text helpers

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}

/// Two significant digits for tables ("0.29", "3.1e5", "inf"): errors need magnitude, not digits.
func short(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == 0 { return "0" }
    let a = Swift.abs(x)
    var e = Int(log10(a).rounded(.down))
    // 10ᵉ underflows to 0 below 1e-323 (an error of 2⁻¹⁰⁷⁴ ulps, a one-bit miss on an entry of
    // 1 + 2⁻¹¹²⁶, has e = −324, and a / 0 trapped in Int(_:)): scale a up first.
    let mantissa = e < -290 ? a * 1e300 / pow(10, Double(e + 300)) : a / pow(10, Double(e))
    var d = Int((mantissa * 10).rounded())   // two significant digits, 10…99
    if d >= 100 { d /= 10; e += 1 }
    if d < 10 { d *= 10; e -= 1 }
    let sign = x < 0 ? "-" : ""
    let tenth = d % 10 == 0 ? "" : ".\(d % 10)"
    switch e {
    case 0: return sign + "\(d / 10)" + tenth
    case 1...5: return sign + "\(d * Int(pow(10, Double(e - 1))))"
    case -3 ... -1:
        let body = String(repeating: "0", count: -e - 1) + (d % 10 == 0 ? "\(d / 10)" : "\(d)")
        return sign + "0." + body
    default: return sign + "\(d / 10)" + tenth + "e\(e)"
    }
}

func jsonNumber(_ x: Double) -> String { JSONText.number(x) }

func jsonString(_ s: String) -> String { JSONText.quoted(s) }
