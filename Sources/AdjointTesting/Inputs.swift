import Foundation
import PropertyBased

// Where the random inputs of a derivative property come from. Values are drawn by PropertyBased's
// generators (`Gen.double`, `Gen.int`, `map`, `filter`) from a Xoshiro generator seeded per trial,
// so a (seed, trial) pair fixes an input on every machine. Each domain also knows which values it
// contains and what its simplest value is, which the shrinker needs to stay inside it.

/// The values one argument may take in a property check.
///
/// ```swift
/// let x: InputDomain = .uniform(-3...3)
/// let rate: InputDomain = .logUniform(1e-4...10)          // spread over decades
/// let p: InputDomain = .unitInterval                      // (0, 1), endpoints excluded
/// let z: InputDomain = InputDomain.uniform(-2...2).awayFrom([0], margin: 1e-3)   // relu's kink
/// ```
public struct InputDomain: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case uniform(ClosedRange<Double>)
        case logUniform(ClosedRange<Double>)
        case integers(ClosedRange<Int>)
        case fixed(Double)
        case openUnit
    }
    let kind: Kind
    /// Points (kinks) the values keep at least `margin` away from.
    var avoid: [Double] = []
    var margin: Double = 0

    /// Uniform in `range` (finite bounds).
    public static func uniform(_ range: ClosedRange<Double>) -> InputDomain { InputDomain(kind: .uniform(range)) }
    /// log-uniform in `range` (0 < lower bound): every decade is as likely as every other.
    public static func logUniform(_ range: ClosedRange<Double>) -> InputDomain { InputDomain(kind: .logUniform(range)) }
    /// Positive values, log-uniform over 10⁻³ … 10³.
    public static let positive = logUniform(1e-3...1e3)
    /// The open unit interval (0, 1): probabilities, for functions with log(p) or log(1 − p).
    public static let unitInterval = InputDomain(kind: .openUnit)
    /// Integers in `range`, as Doubles (counts, exponents, indices fed to a smooth formula).
    public static func integers(_ range: ClosedRange<Int>) -> InputDomain { InputDomain(kind: .integers(range)) }
    /// Always `value`: a parameter held fixed while the others vary.
    public static func fixed(_ value: Double) -> InputDomain { InputDomain(kind: .fixed(value)) }

    /// The same domain without the values closer than `margin` to any of `kinks` (a declared
    /// non-differentiable point: relu at 0, abs at 0, a threshold in simulation code).
    public func awayFrom(_ kinks: [Double], margin: Double) -> InputDomain {
        var d = self
        d.avoid += kinks
        d.margin = Swift.max(d.margin, margin)
        return d
    }

    /// Whether `v` belongs to the domain (the shrinker never leaves it).
    public func contains(_ v: Double) -> Bool {
        guard v.isFinite else { return false }
        for k in avoid where Swift.abs(v - k) < margin { return false }
        switch kind {
        case .uniform(let r): return r.contains(v)
        case .logUniform(let r): return r.contains(v)
        case .integers(let r): return v.rounded() == v && Double(r.lowerBound) <= v && v <= Double(r.upperBound)
        case .fixed(let c): return v == c
        case .openUnit: return v > 0 && v < 1
        }
    }

    /// Whether a drawn value rounded to a narrower type (`v`, as a Double) landed on a point the
    /// domain excludes: 0 where the domain does not hold it (a log-uniform or positive range), an
    /// endpoint of the open unit interval, or an avoided kink itself.
    func excludesRoundedValue(_ v: Double) -> Bool {
        if v == 0 && !contains(0) { return true }
        if case .openUnit = kind, !(v > 0 && v < 1) { return true }
        return avoid.contains(v)
    }

    /// The value shrinking moves towards: 0 when allowed, else the allowed value nearest 0 that
    /// is simple (1 for positive ranges that contain it).
    var simplest: Double {
        let candidates: [Double]
        switch kind {
        case .uniform(let r): candidates = [0, Swift.min(Swift.max(0, r.lowerBound), r.upperBound), 1, -1, r.lowerBound, r.upperBound]
        case .logUniform(let r): candidates = [1, r.lowerBound]
        case .integers(let r): candidates = [0, Double(Swift.min(Swift.max(0, r.lowerBound), r.upperBound))]
        case .fixed(let c): candidates = [c]
        case .openUnit: candidates = [0.5]
        }
        let allowed = candidates.filter(contains)
        return allowed.first ?? candidates[candidates.count - 1]
    }

    /// The PropertyBased generator for the domain.
    var generator: Generator<Double, AnySequence<Any>> {
        let base: Generator<Double, AnySequence<Any>>
        switch kind {
        case .uniform(let r) where !(r.upperBound - r.lowerBound).isFinite && r.lowerBound.isFinite && r.upperBound.isFinite:
            // Wider than the largest Double (−10³⁰⁸…10³⁰⁸): the standard library's uniform draw
            // traps on the overflowing width ("no uniform distribution on an infinite range").
            // Half the range, doubled, is the same distribution (doubling is exact).
            base = Gen.double(in: (r.lowerBound / 2)...(r.upperBound / 2))
                .map { Swift.min(Swift.max($0 * 2, r.lowerBound), r.upperBound) }.eraseToAny()
        case .uniform(let r): base = Gen.double(in: r).eraseToAny()
        case .logUniform(let r) where !(r.lowerBound > 0 && r.upperBound.isFinite):
            // Never drawn from: `problem` fails the property first. Building lo...hi here trapped
            // (log of a negative bound is NaN, and a NaN range bound is a runtime trap), so
            // `.vector(2, .logUniform(-1...1))` killed the test process instead of failing with a message.
            base = Gen.always(Double.nan).eraseToAny()
        case .logUniform(let r):
            let lo = Foundation.log(r.lowerBound), hi = Foundation.log(r.upperBound)
            base = Gen.double(in: lo...hi).map { Swift.min(Swift.max(Foundation.exp($0), r.lowerBound), r.upperBound) }.eraseToAny()
        case .integers(let r): base = Gen.int(in: r).map { Double($0) }.eraseToAny()
        case .fixed(let c): base = Gen.always(c).eraseToAny()
        case .openUnit: base = Gen.double(in: 0...1).filter { $0 > 0 && $0 < 1 }.eraseToAny()
        }
        if avoid.isEmpty { return base }
        let (kinks, margin) = (avoid, margin)
        return base.filter { v in kinks.allSatisfy { Swift.abs(v - $0) >= margin } }.eraseToAny()
    }

    /// Whether the domain is valid: finite, ordered bounds, a positive lower bound for log-uniform.
    var problem: String? {
        switch kind {
        case .uniform(let r) where !(r.lowerBound.isFinite && r.upperBound.isFinite):
            return "uniform range \(r) must be finite"
        case .logUniform(let r) where !(r.lowerBound > 0 && r.upperBound.isFinite):
            return "log-uniform range \(r) needs 0 < lower bound and a finite upper bound"
        case .fixed(let c) where !c.isFinite:
            return "fixed value \(c) must be finite"
        default:
            if !(margin.isFinite && margin >= 0) { return "margin \(margin) must be finite and ≥ 0" }
            return nil
        }
    }

    /// A short description for messages and JSON.
    public var description: String {
        var s: String
        switch kind {
        case .uniform(let r): s = "uniform \(r.lowerBound)…\(r.upperBound)"
        case .logUniform(let r): s = "log-uniform \(r.lowerBound)…\(r.upperBound)"
        case .integers(let r): s = "integers \(r.lowerBound)…\(r.upperBound)"
        case .fixed(let c): s = "fixed \(c)"
        case .openUnit: s = "(0, 1)"
        }
        if !avoid.isEmpty { s += " at least \(margin) from \(avoid)" }
        return s
    }
}

/// All the inputs of a property: one ``InputDomain`` per argument, matrices (flattened row by
/// row), symmetric positive definite matrices, concatenations of these, a user generator, or one
/// fixed point (to replay a failure).
///
/// ```swift
/// let space: InputSpace = .vector(5, .uniform(-2...2))
/// let mixed: InputSpace = .arguments([.positive, .unitInterval, .integers(1...4)])
/// let spd: InputSpace = .symmetricPositiveDefinite(3)              // 9 numbers, row by row
/// let both: InputSpace = .concatenated([.vector(3, .uniform(-1...1)), .symmetricPositiveDefinite(3)])
/// let replay: InputSpace = .point([11.0, -0.5])
/// ```
public struct InputSpace: Sendable {
    /// Number of scalars an input has.
    public let count: Int
    /// One domain per scalar, when the space is a product of domains (used by the shrinker).
    let domains: [InputDomain]
    /// Draws an input; throws when a filtered generator cannot find a value.
    let draw: @Sendable (inout Xoshiro) throws -> [Double]
    /// Extra validity beyond the per-scalar domains (symmetric positive definite blocks, a user
    /// predicate); the shrinker keeps it true.
    let accepts: @Sendable ([Double]) -> Bool
    /// Pairs of indices that must move together (the two halves of a symmetric matrix).
    let mirror: [Int: Int]
    /// False for user generators without a validity predicate: shrinking could leave their domain.
    let shrinkable: Bool
    /// A fixed point: every trial uses it (replay).
    let fixedPoint: [Double]?
    /// What the space is, for messages.
    public let summary: String
    /// Why the space cannot be drawn from (a negative or overflowing size). The constructors do
    /// not throw, so a bad size is carried here and fails the property with this text, rather
    /// than being clamped to an empty space that would check nothing and pass.
    var sizeProblem: String? = nil
    /// The direction (or cotangent) of a replayed JVP, VJP or H·v failure: those properties draw
    /// it after the inputs, so a `.point` of x alone could not pin it.
    var fixedDirection: [Double]? = nil

    /// n arguments from one domain (a negative n fails the property with a message, and n = 0 fails
    /// it as nothing checked without calling f: a derivative needs an input).
    public static func vector(_ n: Int, _ domain: InputDomain) -> InputSpace {
        guard n >= 0 else { return invalidSize("vector(\(n), …): the size must be ≥ 0, got \(n)") }
        return arguments(Array(repeating: domain, count: n), summary: "\(n) × \(domain)")
    }

    /// A space with no inputs that fails every property using it with `why`.
    static func invalidSize(_ why: String) -> InputSpace {
        InputSpace(count: 0, domains: [], draw: { _ in [] }, accepts: { _ in false }, mirror: [:], shrinkable: false,
                   fixedPoint: nil, summary: why, sizeProblem: why)
    }

    /// One domain per argument, in order.
    public static func arguments(_ domains: [InputDomain]) -> InputSpace {
        arguments(domains, summary: domains.map(\.description).joined(separator: ", "))
    }

    static func arguments(_ domains: [InputDomain], summary: String) -> InputSpace {
        let gens = domains.map(\.generator)
        return InputSpace(count: domains.count, domains: domains, draw: { rng in
            try gens.map { try $0.run(using: &rng, limit: 10_000) }
        }, accepts: { _ in true }, mirror: [:], shrinkable: true, fixedPoint: nil, summary: summary)
    }

    /// A rows×cols matrix, flattened row by row, every entry from `domain`.
    public static func matrix(rows: Int, cols: Int, _ domain: InputDomain) -> InputSpace {
        guard rows >= 0, cols >= 0 else {
            return invalidSize("matrix(rows: \(rows), cols: \(cols), …): sizes must be ≥ 0")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        if overflow { return invalidSize("matrix(rows: \(rows), cols: \(cols), …): rows × cols overflows Int") }
        var s = vector(count, domain)
        s = InputSpace(count: s.count, domains: s.domains, draw: s.draw, accepts: s.accepts, mirror: [:],
                       shrinkable: true, fixedPoint: nil, summary: "\(rows)×\(cols) matrix of \(domain)")
        return s
    }

    /// An n×n symmetric positive definite matrix, flattened row by row: A = B·Bᵀ/n + δ·I with B
    /// uniform in [−1, 1] and δ = `minimumEigenvalue` (finite and > 0, else the property fails
    /// naming it), so every eigenvalue is at least δ. Shrinking moves A[i][j] and A[j][i] together and keeps A positive definite.
    public static func symmetricPositiveDefinite(_ n: Int, minimumEigenvalue delta: Double = 0.1) -> InputSpace {
        guard n >= 0 else { return invalidSize("symmetricPositiveDefinite(\(n)): the size must be ≥ 0, got \(n)") }
        // δ is the promised smallest eigenvalue: NaN drew NaN matrices, and δ ≤ 0 matrices that
        // are not positive definite, both checked as if they were.
        guard delta.isFinite && delta > 0 else {
            return invalidSize("symmetricPositiveDefinite(\(n), minimumEigenvalue: \(delta)): the minimum eigenvalue must be finite and > 0")
        }
        if n.multipliedReportingOverflow(by: n).overflow {
            return invalidSize("symmetricPositiveDefinite(\(n)): n × n overflows Int")
        }
        var mirror: [Int: Int] = [:]
        for i in 0..<n { for j in 0..<n where i != j { mirror[i * n + j] = j * n + i } }
        // |A[i][j]| ≤ 1 + δ: a bound the shrinker's per-entry check can use (A itself is checked by Cholesky).
        let bound = 1 + Swift.max(0, delta)
        let domains = Array(repeating: InputDomain.uniform(-bound...bound), count: n * n)
        let entry = Gen.double(in: -1...1)
        return InputSpace(count: n * n, domains: domains, draw: { rng in
            let b = (0..<(n * n)).map { _ in entry.run(using: &rng) }
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n {
                var s = 0.0
                for k in 0..<n { s += b[i * n + k] * b[j * n + k] }
                a[i * n + j] = s / Double(n) + (i == j ? delta : 0)
            } }
            return a
        }, accepts: { a in isSymmetricPositiveDefinite(a, n: n) }, mirror: mirror, shrinkable: true, fixedPoint: nil,
        summary: "\(n)×\(n) symmetric positive definite (λ ≥ \(delta))")
    }

    /// The inputs of several spaces side by side (arguments of different kinds).
    public static func concatenated(_ parts: [InputSpace]) -> InputSpace {
        if let bad = parts.lazy.compactMap(\.sizeProblem).first { return invalidSize(bad) }
        var starts: [Int] = [], total = 0
        for p in parts {
            starts.append(total)
            let (sum, overflow) = total.addingReportingOverflow(p.count)
            if overflow { return invalidSize("concatenated: the total size overflows Int") }
            total = sum
        }
        let offsets = starts
        var mirror: [Int: Int] = [:]
        for (p, o) in zip(parts, offsets) { for (a, b) in p.mirror { mirror[a + o] = b + o } }
        return InputSpace(count: total, domains: parts.flatMap(\.domains), draw: { rng in
            try parts.flatMap { try $0.draw(&rng) }
        }, accepts: { x in
            zip(parts, offsets).allSatisfy { p, o in p.accepts(Array(x[o..<(o + p.count)])) }
        }, mirror: mirror, shrinkable: parts.allSatisfy(\.shrinkable), fixedPoint: nil,
        summary: parts.map(\.summary).joined(separator: " ++ "))
    }

    /// Inputs from a user's PropertyBased generator. Shrinking needs to know which inputs are
    /// valid: pass `accepts` to enable it (the shrinker then moves entries toward 0 while it holds).
    ///
    /// ```swift
    /// import PropertyBased   // swift-property-based's product, for `Gen`
    /// let g = Gen.double(in: 0...1).array(of: 4).map { p in p.map { $0 / p.reduce(0, +) } }
    /// let simplex = InputSpace.generator(g, count: 4)
    /// ```
    public static func generator<S>(_ g: Generator<[Double], S>, count: Int,
                                    accepts: (@Sendable ([Double]) -> Bool)? = nil) -> InputSpace {
        guard count >= 0 else { return invalidSize("generator(_, count: \(count)): the count must be ≥ 0, got \(count)") }
        return InputSpace(count: count, domains: Array(repeating: .uniform(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude), count: count),
                   draw: { rng in try g.run(using: &rng, limit: 10_000) }, accepts: accepts ?? { _ in true },
                   mirror: [:], shrinkable: accepts != nil, fixedPoint: nil, summary: "user generator")
    }

    /// One point, used by every trial: the replay of a reported failure.
    public static func point(_ x: [Double]) -> InputSpace {
        InputSpace(count: x.count, domains: x.map { .fixed($0) }, draw: { _ in x }, accepts: { _ in true },
                   mirror: [:], shrinkable: false, fixedPoint: x, summary: "the point \(x)")
    }

    /// The replay of a JVP, VJP or H·v failure: the point x and the direction v (or cotangent u)
    /// the property drew after it, as its failure message prints them. With `.point(x ++ v)`
    /// alone the property took all of it for x (and its own v was random again).
    ///
    /// ```swift
    /// let replay: InputSpace = .point([0.0, 0.5], direction: [1.0, -0.25])
    /// ```
    public static func point(_ x: [Double], direction v: [Double]) -> InputSpace {
        fixedWithDirection(x, v, summary: "the point \(x) with direction \(v)")
    }

    /// ``point(_:direction:)`` for a VJP's cotangent u.
    public static func point(_ x: [Double], cotangent u: [Double]) -> InputSpace {
        fixedWithDirection(x, u, summary: "the point \(x) with cotangent \(u)")
    }

    static func fixedWithDirection(_ x: [Double], _ v: [Double], summary: String) -> InputSpace {
        InputSpace(count: x.count, domains: x.map { .fixed($0) }, draw: { _ in x }, accepts: { _ in true },
                   mirror: [:], shrinkable: false, fixedPoint: x, summary: summary, fixedDirection: v)
    }

    /// These inputs followed by a direction of k entries drawn from [−1, 1] (a JVP's v, a VJP's u),
    /// or, for a replay (``point(_:direction:)``), the replayed x and direction.
    @usableFromInline func followedByDirection(_ k: Int) -> InputSpace {
        if let x = fixedPoint, let v = fixedDirection { return .point(x + v) }
        return .concatenated([self, .vector(k, .uniform(-1...1))])
    }

    /// Whether x lies in the space.
    func contains(_ x: [Double]) -> Bool {
        x.count == count && zip(domains, x).allSatisfy { $0.contains($1) } && accepts(x)
    }

    var problem: String? { sizeProblem ?? domains.lazy.compactMap(\.problem).first }
}

/// Cholesky without pivoting: succeeds exactly when the symmetric matrix is positive definite.
func isSymmetricPositiveDefinite(_ a: [Double], n: Int) -> Bool {
    guard a.count == n * n else { return false }
    for i in 0..<n { for j in 0..<i where a[i * n + j] != a[j * n + i] { return false } }
    var l = [Double](repeating: 0, count: n * n)
    for j in 0..<n {
        var d = a[j * n + j]
        for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
        guard d > 0, d.isFinite else { return false }
        l[j * n + j] = d.squareRoot()
        for i in (j + 1)..<Swift.max(j + 1, n) {
            var s = a[i * n + j]
            for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
            l[i * n + j] = s / l[j * n + j]
        }
    }
    return true
}

/// The generator of trial `t` under `seed`: SplitMix64 expands (seed, t) into Xoshiro's four
/// words, so trials are independent of each other and of how they are spread over threads.
func trialGenerator(seed: UInt64, trial: Int) -> Xoshiro {
    var s = seed ^ (UInt64(truncatingIfNeeded: trial) &* 0xD1B5_4A32_D192_ED03)
    func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    return Xoshiro(seed: (next(), next(), next(), next()))
}
