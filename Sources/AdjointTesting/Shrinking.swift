import Foundation
import PropertyBased

// Shrinking a failing input: fewer nonzeros, then smaller magnitudes, then simpler numbers, each
// step kept only while the input still fails the same way (same verdict) and stays in its space.
//
// PropertyBased shrinks inside its `propertyCheck`, which runs only within a Swift Testing test and
// keeps its shrinker internal; the assertions here must also run under XCTest, and must respect
// domains (positive, away from kinks, symmetric positive definite). So the search loop is ours,
// and the magnitude phase walks PropertyBased's public per-number sequence
// (`FloatingPoint.shrink(towards:)`, halving the distance to the target).

/// The outcome of shrinking one failing input.
public struct ShrinkResult: Sendable, Equatable {
    /// The input as first found failing.
    public let original: [Double]
    /// The simplest input found that still fails the same way.
    public let shrunk: [Double]
    /// Accepted shrinking steps.
    public let steps: Int
    /// Candidate inputs tried (each one a full check).
    public let evaluations: Int
}

struct Shrinker {
    let space: InputSpace
    /// Whether a candidate still fails the same way.
    let fails: ([Double]) -> Bool
    let budget: Int
    var evaluations = 0
    var steps = 0

    init(space: InputSpace, budget: Int, fails: @escaping ([Double]) -> Bool) {
        self.space = space; self.budget = budget; self.fails = fails
    }

    /// Tries a candidate: inside the space, different from x, and still failing.
    mutating func accept(_ candidate: [Double], over x: [Double]) -> Bool {
        guard candidate != x, evaluations < budget, space.contains(candidate) else { return false }
        evaluations += 1
        if fails(candidate) { steps += 1; return true }
        return false
    }

    /// x with entry i (and its mirror) set to v.
    func setting(_ x: [Double], _ i: Int, _ v: Double) -> [Double] {
        var y = x
        y[i] = v
        if let j = space.mirror[i] { y[j] = v }
        return y
    }

    mutating func shrink(_ start: [Double]) -> ShrinkResult {
        var x = start
        guard space.shrinkable, space.fixedPoint == nil else {
            return ShrinkResult(original: start, shrunk: start, steps: 0, evaluations: 0)
        }
        for _ in 0..<3 {
            let before = x
            zeroPhase(&x)
            magnitudePhase(&x)
            digitPhase(&x)
            if x == before || evaluations >= budget { break }
        }
        return ShrinkResult(original: start, shrunk: x, steps: steps, evaluations: evaluations)
    }

    /// Fewer nonzeros: each entry straight to its domain's simplest value.
    mutating func zeroPhase(_ x: inout [Double]) {
        for i in x.indices where x[i] != space.domains[i].simplest {
            let c = setting(x, i, space.domains[i].simplest)
            if accept(c, over: x) { x = c }
        }
    }

    /// Smaller magnitudes: round numbers closer to the target (1, 2, 5 times a power of ten, down
    /// to 10⁻³), then PropertyBased's halving sequence towards the target, never closer to it
    /// than 10⁻³ (below that, smaller only means less readable). A fraction of a unit from the
    /// target is tried last and never replaces a value that is not one (see
    /// ``isSimpler(_:than:target:)``).
    mutating func magnitudePhase(_ x: inout [Double]) {
        let smallest = 1e-3
        for i in x.indices {
            let target = space.domains[i].simplest
            var rejected = Set<Double>()
            var progress = true
            while progress && evaluations < budget {
                progress = false
                let distance = Swift.abs(x[i] - target)
                guard distance > smallest else { break }
                var round: [Double] = []
                for k in -3...6 { for m in [1.0, 2.0, 5.0] {
                    let step = m * pow(10, Double(k))
                    // One unit from the target is tried from a fraction of a unit too: farther, but
                    // simpler (−1 for −0.37 where the claim is wrong for every x < 0).
                    if step < distance || (step == 1 && isTiny(x[i], target: target)) {
                        round.append(target + (x[i] > target ? step : -step))
                    }
                } }
                round.sort { isSimpler($0, than: $1, target: target) }
                let halving = x[i].shrink(towards: target).dropFirst().prefix(16).filter { Swift.abs($0 - target) >= smallest }
                for v in round + halving where !rejected.contains(v) && isSimpler(v, than: x[i], target: target) {
                    // Moves far below the entry's own scale only chase the boundary to the last
                    // bits; the digit phase does better with what is left.
                    if Swift.abs(v - x[i]) < 1e-6 * Swift.max(1, Swift.abs(x[i])) { continue }
                    let c = setting(x, i, v)
                    if accept(c, over: x) { x = c; progress = true; break }
                    rejected.insert(v)
                }
            }
        }
    }

    /// Simpler numbers: fewer significant digits, rounding toward zero first, or away from zero
    /// by at most a tenth of the value (12.0003 → 13 when 12 no longer fails).
    mutating func digitPhase(_ x: inout [Double]) {
        for i in x.indices {
            let digits = significantDigits(x[i])
            guard digits > 1 else { continue }
            search: for d in 1..<digits {
                for v in rounded(x[i], digits: d) {
                    if Swift.abs(v - x[i]) > 0.1 * Swift.max(1, Swift.abs(x[i])) { continue }
                    let c = setting(x, i, v)
                    if accept(c, over: x) { x = c; break search }
                }
            }
        }
    }
}

/// Whether a user reads `v` more easily than `u` as a counterexample: a value a fraction of a unit
/// from the domain's simplest one (``isTiny(_:target:)``) comes after any other, then the nearer
/// one. Nearest first alone took the smallest round step, so a claim wrong for every x < 0 shrank
/// to −0.001 where −1 fails as well and reads better; from −1 a tiny value is no simplification,
/// so it stays. Away from the target nearness still decides: a claim wrong above 2 shrinks to a
/// short number just above 2, which says where the failure starts.
func isSimpler(_ v: Double, than u: Double, target: Double) -> Bool {
    if isTiny(v, target: target) != isTiny(u, target: target) { return !isTiny(v, target: target) }
    return Swift.abs(v - target) < Swift.abs(u - target)
}

/// Whether `v` is a fraction of a unit away from `target` and not a whole number (the target
/// itself, when whole, is not tiny).
func isTiny(_ v: Double, target: Double) -> Bool {
    v.rounded() != v && Swift.abs(v - target) < 1
}

/// Significant decimal digits in Swift's shortest round-trip text of v (1.25 → 3, 1e-300 → 1).
func significantDigits(_ v: Double) -> Int {
    guard v.isFinite, v != 0 else { return 0 }
    var mantissa = "\(Swift.abs(v))"
    if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) { mantissa = String(mantissa[..<e]) }
    let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
    let trimmed = digits.reversed().drop { $0 == "0" }
    return Swift.max(1, trimmed.count)
}

/// v rounded to d significant digits toward zero, then away from zero. Divides by an exact
/// power of ten (below 10²²) rather than multiplying by an inexact 10⁻ᵏ, so 0.3 comes out as 0.3.
func rounded(_ v: Double, digits d: Int) -> [Double] {
    guard v.isFinite, v != 0 else { return [] }
    let e = Int(floor(log10(Swift.abs(v))))
    let k = d - 1 - e
    guard Swift.abs(k) <= 22 else { return [] }
    let p = pow(10, Double(Swift.abs(k)))
    let scaled = k >= 0 ? v * p : v / p
    return [scaled.rounded(.towardZero), scaled.rounded(.awayFromZero)].map { k >= 0 ? $0 / p : $0 * p }
}
