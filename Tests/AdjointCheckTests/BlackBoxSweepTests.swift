import AdjointCore
import Foundation
import RealModule
import XCTest
@testable import AdjointCheck

/// Plain-Double functions with their Jacobians derived by hand, as a researcher's own code would
/// give them: the black-box check's sweep corpus.
struct BlackBoxSubject: Sendable {
    let name: String
    let f: @Sendable ([Double]) -> [Double]
    let jacobian: @Sendable ([Double]) -> [[Double]]

    static let gradients: [BlackBoxSubject] = [
        // The function of the false convictions first reported (f ≈ −2·10¹² beside sin(x₂)·x₀).
        BlackBoxSubject(name: "x0*x1^2 + sin(x2)*x0 + x1*x2",
                        f: { x in [x[0] * x[1] * x[1] + sin(x[2]) * x[0] + x[1] * x[2]] },
                        jacobian: { x in [[x[1] * x[1] + sin(x[2]), 2 * x[0] * x[1] + x[2], cos(x[2]) * x[0] + x[1]]] }),
        BlackBoxSubject(name: "x0*x1*x2 + x0^2 - x2/x1",
                        f: { x in [x[0] * x[1] * x[2] + x[0] * x[0] - x[2] / x[1]] },
                        jacobian: { x in [[x[1] * x[2] + 2 * x[0], x[0] * x[2] + x[2] / (x[1] * x[1]), x[0] * x[1] - 1 / x[1]]] }),
        BlackBoxSubject(name: "sqrt(x0^2 + x1^2 + x2^2)",
                        f: { x in [(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()] },
                        jacobian: { x in
                            let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()
                            return [[x[0] / r, x[1] / r, x[2] / r]]
                        }),
        BlackBoxSubject(name: "log(x0^2 + 1)*x1 + cos(x2)*x2",
                        f: { x in [log(x[0] * x[0] + 1) * x[1] + cos(x[2]) * x[2]] },
                        jacobian: { x in [[2 * x[0] * x[1] / (x[0] * x[0] + 1), log(x[0] * x[0] + 1), cos(x[2]) - sin(x[2]) * x[2]]] }),
        BlackBoxSubject(name: "100(x1 - x0^2)^2 + (1 - x0)^2 + x2^2",
                        f: { x in
                            let a = x[1] - x[0] * x[0], b = 1 - x[0]
                            return [100 * a * a + b * b + x[2] * x[2]]
                        },
                        jacobian: { x in
                            let a = x[1] - x[0] * x[0]
                            return [[-400 * x[0] * a - 2 * (1 - x[0]), 200 * a, 2 * x[2]]]
                        }),
        BlackBoxSubject(name: "tanh(x0)*x1 + atan(x2)*x0*x1",
                        f: { x in [tanh(x[0]) * x[1] + atan(x[2]) * x[0] * x[1]] },
                        jacobian: { x in
                            let t = tanh(x[0])
                            return [[(1 - t * t) * x[1] + atan(x[2]) * x[1], t + atan(x[2]) * x[0], x[0] * x[1] / (1 + x[2] * x[2])]]
                        }),
    ]

    /// A map R³ → R³ whose Jacobian is not symmetric, for the transposed-Jacobian plant.
    static let map = BlackBoxSubject(name: "(x0*x1, sin(x2)*x0, x1*x2 + x0^2)",
                                     f: { x in [x[0] * x[1], sin(x[2]) * x[0], x[1] * x[2] + x[0] * x[0]] },
                                     jacobian: { x in [[x[1], x[0], 0], [sin(x[2]), 0, cos(x[2]) * x[0]], [2 * x[0], x[2], x[1]]] })
}

/// The sweep: right and planted-wrong claims at badly scaled points (each coordinate ±10ᵘ with
/// u uniform in [−5, 7], so one point mixes inputs 10¹² apart).
enum BlackBoxSweep {
    /// What a claim is changed into before it is checked.
    enum Plant: String, CaseIterable {
        case none = "right"
        case relative1e3 = "one entry ×(1+1e-3)"
        case relative1e6 = "one entry ×(1+1e-6)"
        case signFlip = "one entry's sign flipped"
        case swappedPair = "two entries swapped"
        case transposed = "Jacobian transposed"
    }

    /// The outcome of one check, by its report: convicted when some entry is rule-wrong, an invalid
    /// subgradient or a jump; passed when the report passes; inconclusive otherwise.
    enum Outcome: String { case convicted, inconclusive, passed }

    struct Case {
        let subject: String
        let point: [Double]
        let plant: Plant
        let report: CheckReport
        var outcome: Outcome {
            if report.entries.joined().contains(where: {
                if case .ruleWrong = $0.verdict { return true }
                if case .kink(false) = $0.verdict { return true }
                if case .discontinuity = $0.verdict { return true }
                return false
            }) { return .convicted }
            return report.passed ? .passed : .inconclusive
        }
    }

    static func point(_ rng: inout SeededGenerator) -> [Double] {
        (0..<3).map { _ in
            let u = -5 + 12 * rng.nextUnit()
            return (rng.nextUnit() < 0.5 ? -1 : 1) * Double.pow(10, u)
        }
    }

    /// The planted claim, or nil when the plant changes nothing (a sign flip of 0, a swap of equal
    /// entries).
    static func plant(_ p: Plant, _ j: [[Double]], _ rng: inout SeededGenerator) -> [[Double]]? {
        var c = j
        let n = j[0].count
        let r = Int(rng.next() % UInt64(j.count))
        let k = Int(rng.next() % UInt64(n))
        switch p {
        case .none: return c
        case .relative1e3: c[r][k] *= 1 + 1e-3
        case .relative1e6: c[r][k] *= 1 + 1e-6
        case .signFlip: c[r][k] = -c[r][k]
        case .swappedPair: c[r].swapAt(k, (k + 1) % n)
        case .transposed: c = (0..<n).map { i in j.map { $0[i] } }
        }
        return c == j ? nil : c
    }

    /// `perSubject` points for each gradient subject (and for the map, transposed plants only),
    /// each checked right and with every plant.
    static func run(seed: UInt64, perSubject: Int, plants: [Plant] = Plant.allCases) throws -> [Case] {
        var rng = SeededGenerator(seed: seed)
        var cases: [Case] = []
        for s in BlackBoxSubject.gradients + [BlackBoxSubject.map] {
            let isMap = s.name == BlackBoxSubject.map.name
            var drawn = 0
            while drawn < perSubject {
                let x = point(&rng)
                let j = s.jacobian(x)
                guard s.f(x).allSatisfy(\.isFinite), j.joined().allSatisfy(\.isFinite) else { continue }
                drawn += 1
                for p in plants where (p == .transposed) == isMap || p == .none {
                    guard let c = plant(p, j, &rng) else { continue }
                    let report = try checkBlackBoxJacobian(of: s.f, at: x, claimed: { _ in c })
                    cases.append(Case(subject: s.name, point: x, plant: p, report: report))
                }
            }
        }
        return cases
    }

    static func table(_ cases: [Case]) -> String {
        var lines = ["plant | checks | convicted | inconclusive | passed"]
        for p in Plant.allCases {
            let of = cases.filter { $0.plant == p }
            if of.isEmpty { continue }
            let count = { (o: Outcome) in of.filter { $0.outcome == o }.count }
            lines.append("\(p.rawValue) | \(of.count) | \(count(.convicted)) | \(count(.inconclusive)) | \(count(.passed))")
        }
        return lines.joined(separator: "\n")
    }
}

final class BlackBoxSweepTests: XCTestCase {
    /// The measurement behind the report (slow; run with BLACKBOX_SWEEP=seed[,perSubject]).
    func testMeasureTheSweep() throws {
        guard let spec = ProcessInfo.processInfo.environment["BLACKBOX_SWEEP"] else { throw XCTSkip("set BLACKBOX_SWEEP") }
        let parts = spec.split(separator: ",").compactMap { UInt64($0) }
        let cases = try BlackBoxSweep.run(seed: parts.first ?? 1, perSubject: Int(parts.count > 1 ? parts[1] : 200))
        print(BlackBoxSweep.table(cases))
        for c in cases where c.plant == .none && c.outcome != .passed {
            print("RIGHT-\(c.outcome.rawValue.uppercased()) \(c.subject) at \(c.point.map { "\($0)" })")
            for e in c.report.entries.joined() where !e.passes {
                print("  entry \(e.input): \(e.verdict) claimed \(e.subjects.first?.value ?? .nan) witness \(e.witness ?? "-") "
                      + "\(e.witnessValue ?? .nan) err \(e.absoluteError ?? .nan) tol \(e.tolerance ?? .nan) est \(e.errorEstimate ?? .nan)")
                for o in e.ladder { print("    \(o.witness) \(o.outcome) \(o.value ?? .nan) ± \(o.errorEstimate ?? .nan) \(o.warnings)") }
            }
        }
        for c in cases where c.plant != .none && c.outcome == .inconclusive {
            for e in c.report.entries.joined() where e.ladder.last?.witness == "central step scan" && e.ladder.last?.outcome != "disagree" {
                print("WRONG-SCANNED \(c.plant.rawValue) \(c.subject) at \(c.point.map { "\($0)" }) entry \(e.input) claimed \(e.subjects.first?.value ?? .nan)")
                for o in e.ladder { print("    \(o.witness) \(o.outcome) \(o.value ?? .nan) ± \(o.errorEstimate ?? .nan) \(o.warnings)") }
            }
        }
        // For each passed plant: the planted entry's tolerance over its change (≥ 1: the change is
        // inside the stated tolerance).
        var ratios: [BlackBoxSweep.Plant: [Double]] = [:]
        for c in cases where c.plant != .none && c.outcome == .passed {
            guard let s = (BlackBoxSubject.gradients + [BlackBoxSubject.map]).first(where: { $0.name == c.subject }) else { continue }
            let truth = s.jacobian(c.point)
            for e in c.report.entries.joined() {
                guard let claim = e.subjects.first?.value, let tol = e.tolerance else { continue }
                let change = Swift.abs(claim - truth[e.output][e.input])
                if change > 0 { ratios[c.plant, default: []].append(tol / change) }
                if change > tol { print("PASSED-BEYOND-TOLERANCE \(c.plant.rawValue) \(c.subject) at \(c.point) true \(truth[e.output][e.input])\n\(c.report.renderTable())") }
            }
        }
        for (p, r) in ratios.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let sorted = r.sorted()
            print("PASSED-PLANTS \(p.rawValue): \(r.count) entries, tolerance/change min \(sorted.first ?? .nan), below 1: \(r.filter { $0 < 1 }.count)")
        }
        for c in cases where c.plant != .none && c.outcome == .passed {
            print("WRONG-PASSED \(c.plant.rawValue) \(c.subject) at \(c.point.map { "\($0)" })")
            if ProcessInfo.processInfo.environment["BLACKBOX_SWEEP_PASSED"] != nil { print(c.report.renderTable()) }
        }
    }
}

/// The false convictions of right gradients at badly scaled points, and the planted errors the
/// check must still convict. Right values are the hand-derived Jacobians of `BlackBoxSubject`
/// (their true error at these points is below 10⁻¹⁶ relative, by mpmath at 50 digits).
final class BlackBoxFalseConvictionTests: XCTestCase {
    /// Seed 5 of the sweep, right claims only: 1,400 gradients, 5 of them convicted before the step scan
    /// (Richardson's steps spanning many periods of sin(x₂)·x₀, adaptive fooled by log(x₀² + 1)'s
    /// rounding at power-of-two steps).
    func testNoRightGradientIsConvictedOnTheSweep() throws {
        let cases = try BlackBoxSweep.run(seed: 5, perSubject: 200, plants: [.none])
        XCTAssertEqual(cases.count, 1400)
        let convicted = cases.filter { $0.outcome == .convicted }
        XCTAssertEqual(convicted.count, 0, convicted.map { "\($0.subject) at \($0.point)\n\($0.report.renderTable())" }.joined(separator: "\n"))
        // The check still passes nearly all of them (it does not escape into "inconclusive").
        // 1,253 pass: the others have an entry no step within its own input's scale resolves
        // (2x₂ = 0.002 beside a Rosenbrock term of 10¹⁵), reported below-resolution where they
        // passed before (1,396 passed then; 1,342 while steps on the point's scale were taken,
        // which measure a secant and passed sign flips, see UnresolvedEntryTests).
        XCTAssertGreaterThanOrEqual(cases.filter { $0.outcome == .passed }.count, 1240)
    }

    /// Planted errors on the same kind of points (360 of each, 60 transposed Jacobians) are
    /// convicted at the rates measured before the step scan, less a margin: before 297, 329, 348
    /// and 60; after 302, 329, 348 and 60. The rest of the 1e-3 plants pass within a stated
    /// tolerance on entries far below their row (10⁻⁷ of it); no sign flip or swap passes.
    func testPlantedErrorsAreStillConvicted() throws {
        let cases = try BlackBoxSweep.run(seed: 5, perSubject: 60, plants: [.relative1e3, .signFlip, .swappedPair, .transposed])
        func rate(_ p: BlackBoxSweep.Plant) -> Double {
            let of = cases.filter { $0.plant == p }
            return Double(of.filter { $0.outcome == .convicted }.count) / Double(Swift.max(1, of.count))
        }
        XCTAssertGreaterThanOrEqual(rate(.relative1e3), 0.80, BlackBoxSweep.table(cases))
        XCTAssertGreaterThanOrEqual(rate(.signFlip), 0.90, BlackBoxSweep.table(cases))
        XCTAssertGreaterThanOrEqual(rate(.swappedPair), 0.95, BlackBoxSweep.table(cases))
        XCTAssertEqual(rate(.transposed), 1, BlackBoxSweep.table(cases))
        // No sign flip or swap passes: an entry whose tolerance reaches past 0 is resolved on
        // the point's scale or reported below-resolution (before, a sign flip 10⁻⁸ of its row
        // passed within central's error).
        let passed = cases.filter { ($0.plant == .signFlip || $0.plant == .swappedPair) && $0.outcome == .passed }
        XCTAssertEqual(passed.count, 0, passed.map { "\($0.plant.rawValue) \($0.subject) at \($0.point)\n\($0.report.renderTable())" }.joined(separator: "\n"))
    }

    /// sin(x₂)·x₀ beside x₁x₂ at x₂ = −3.6·10⁶: every rung's step spans many periods of the sine,
    /// and Richardson settled on the linear part, −231153.599 ± 4·10⁻⁶, 34.5 from the true
    /// ∂/∂x₂ = cos(x₂)·x₀ + x₁. A sign-flipped claim is still convicted.
    func testAnOscillationBesideAHugeLinearTermDoesNotConvictTheRightClaim() throws {
        let s = BlackBoxSubject.gradients[0]
        let x = [-171.85913258094428, -231153.5932603761, -3563849.6121400734]
        let right = try checkBlackBoxJacobian(of: s.f, at: x, claimed: s.jacobian)
        // Not convicted: fd-inconclusive, or agreed on the slope. The step scan settled on
        // −231119.1 ± 0.083; now Richardson, run again from the unit where its steps from |x₂|
        // read the linear part (UnitScaleLook.swift), agrees with −231119.0504 ± 0.059: the slope
        // (−231119.0509874607 by mpmath) inside the deciding witness's estimate either way.
        let decided = right.entries[0][2]
        XCTAssertTrue(["fd-inconclusive", "agree"].contains(decided.verdict.name), right.renderTable())
        if decided.verdict.name == "agree", let v = decided.witnessValue, let e = decided.errorEstimate {
            XCTAssertLessThanOrEqual(Swift.abs(v - -231119.0509874607), e, right.renderTable())
        }
        var flipped = s.jacobian(x)
        flipped[0][2] = -flipped[0][2]
        let wrong = try checkBlackBoxJacobian(of: s.f, at: x, claimed: { _ in flipped })
        XCTAssertEqual(wrong.entries[0][2].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        // The value shown against it is the slope (−231119.0509874607 by mpmath), not Richardson's
        // aliased −231153.6 "± 4·10⁻⁶".
        XCTAssertEqual(wrong.entries[0][2].witnessValue ?? 0, -231119.0509874607, accuracy: 1, wrong.renderTable())
        XCTAssertLessThan(wrong.entries[0][2].tolerance ?? .infinity, 1)
    }

    /// log(x₀² + 1)·x₁ at x₀ = −0.0258, x₁ = 10⁵: x₀² + 1 rounds alike at every power-of-two step,
    /// so the differences settle 8·10⁻⁷ from the true 2x₀x₁/(x₀² + 1) = −5377.4051736405736
    /// (mpmath), and adaptive's estimate (± 5·10⁻⁸) convicted the right claim. Off the lattice
    /// the scan sees f's noise. A claim 10⁻³ off is still convicted.
    func testRoundingCoherentAtPowerOfTwoStepsDoesNotConvictTheRightClaim() throws {
        let s = BlackBoxSubject.gradients[3]
        let x = [-0.02584463032348628, 104102.80427189168, 0.40906464254887126]
        let right = try checkBlackBoxJacobian(of: s.f, at: x, claimed: s.jacobian)
        XCTAssertNotEqual(right.entries[0][0].verdict.name, "rule-wrong", right.renderTable())
        var off = s.jacobian(x)
        off[0][0] *= 1 + 1e-3
        let wrong = try checkBlackBoxJacobian(of: s.f, at: x, claimed: { _ in off })
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
    }

    /// Seed 1234 of the sweep convicted two right claims of ∂/∂x₂ = cos(x₂)·x₀ + x₁ (by hand; mpmath
    /// at 40 digits gives the claimed values to the last digit): the step scan's excluding run
    /// settled at steps from 6.35 and 3.79, beyond a period of the sine, on x₁ alone, while its
    /// finer levels (near 1) read the claim. Those two scales conflict; neither convicts (they
    /// were inconclusive, witnesses-conflict). Now the rungs whose steps from |x₂| averaged the
    /// sine run again from its unit (UnitScaleLook.swift) and agree on the slope, within their
    /// estimates of the claimed truth. A sign-flipped or doubled claim there is still convicted.
    func testFinerLevelsNearerTheClaimThanTheExclusionConvictNothing() throws {
        let s = BlackBoxSubject.gradients[0]
        for x in [[-1.629105411052998e-05, -3052.233902234203, -627869.4103690477],
                  [-295.2185264955202, -8625387.708203016, 243879.59871920844]] {
            let right = try checkBlackBoxJacobian(of: s.f, at: x, claimed: s.jacobian)
            let decided = right.entries[0][2]
            XCTAssertTrue([.agree, .fdInconclusive(reasons: [.witnessesConflict])].contains(decided.verdict), right.renderTable())
            if decided.verdict == .agree, let v = decided.witnessValue, let e = decided.errorEstimate {
                XCTAssertLessThanOrEqual(Swift.abs(v - s.jacobian(x)[0][2]), e, right.renderTable())
            }
            let j = s.jacobian(x)
            for wrong in [-j[0][2], 2 * j[0][2]] {
                let r = try checkBlackBoxJacobian(of: s.f, at: x, claimed: { _ in [[j[0][0], j[0][1], wrong]] })
                XCTAssertEqual(r.entries[0][2].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
            }
        }
    }

    /// sin(x₂)·x₀ at x₀ = −1.6·10⁻⁵ beside x₁x₂ ≈ −1.9·10¹⁰ (f's noise about 4·10⁻⁶): the sine is
    /// below f's noise at every step, yet moves ∂/∂x₂ by 1.3·10⁻⁵. The black box cannot see it:
    /// inconclusive (noisy-evaluation), not a conviction of the claim that includes it.
    func testATermBelowFsNoiseDoesNotConvictTheRightClaim() throws {
        let s = BlackBoxSubject.gradients[0]
        let x = [-1.588079556176056e-05, -3778.088171697194, 4976345.027942374]
        let right = try checkBlackBoxJacobian(of: s.f, at: x, claimed: s.jacobian)
        XCTAssertEqual(right.entries[0][2].verdict, .fdInconclusive(reasons: [.noisyEvaluation]), right.renderTable())
    }
}

/// A custom witness in a black-box ladder (AdjointTesting's forward-over-reverse) is trusted with
/// the error it states: its disagreement convicts without the step scan, which guards
/// convictions by differences alone.
final class BlackBoxCustomWitnessTests: XCTestCase {
    func testACustomWitnessConvictsWhereDifferencesCannotDecide() throws {
        // At this point the differences cannot see 10⁻⁵ in ∂/∂x₂ (f's noise is about 4·10⁻⁶);
        // the hand-derived gradient as an exact witness can.
        let s = BlackBoxSubject.gradients[0]
        let x = [-1.588079556176056e-05, -3778.088171697194, 4976345.027942374]
        var off = s.jacobian(x)
        off[0][2] += 1e-5
        let differencesOnly = try checkBlackBoxJacobian(of: s.f, at: x, claimed: { _ in off })
        XCTAssertEqual(differencesOnly.entries[0][2].verdict.name, "fd-inconclusive", differencesOnly.renderTable())
        var o = CheckOptions.blackBox
        o.ladder.append(.custom(name: "by hand", errorEstimate: 0, jacobian: { x in s.jacobian(x) }))
        let withWitness = try checkBlackBoxJacobian(of: s.f, at: x, claimed: { _ in off }, options: o)
        XCTAssertEqual(withWitness.entries[0][2].verdict, .ruleWrong(subjects: ["claimed"]), withWitness.renderTable())
    }
}

extension BlackBoxSweepTests {
    /// Right J·v and uᵀJ at the sweep's points (slow; BLACKBOX_SWEEP_PRODUCTS=seed).
    func testMeasureProducts() throws {
        guard let spec = ProcessInfo.processInfo.environment["BLACKBOX_SWEEP_PRODUCTS"], let seed = UInt64(spec) else {
            throw XCTSkip("set BLACKBOX_SWEEP_PRODUCTS")
        }
        var rng = SeededGenerator(seed: seed)
        var counts = [String: Int]()
        for s in BlackBoxSubject.gradients + [BlackBoxSubject.map] {
            var drawn = 0
            while drawn < 100 {
                let x = BlackBoxSweep.point(&rng)
                let j = s.jacobian(x)
                guard s.f(x).allSatisfy(\.isFinite), j.joined().allSatisfy(\.isFinite) else { continue }
                drawn += 1
                let v = (0..<3).map { _ in 2 * rng.nextUnit() - 1 }
                let u = j.indices.map { _ in 2 * rng.nextUnit() - 1 }
                let jv = j.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } }
                let uj = (0..<3).map { c in zip(u, j).reduce(0) { $0 + $1.0 * $1.1[c] } }
                let a = try checkBlackBoxJVP(of: s.f, at: x, direction: v, claimed: { _, _ in jv })
                let b = try checkBlackBoxVJP(of: s.f, at: x, cotangent: u, claimed: { _, _ in uj })
                for (kind, r) in [("jvp", a), ("vjp", b)] {
                    let word = r.passed ? "passed" : (r.entries.joined().contains { $0.verdict.name == "rule-wrong" || $0.verdict.name == "discontinuity" } ? "convicted" : "inconclusive")
                    counts[kind + " " + word, default: 0] += 1
                    if word == "convicted" { print("PRODUCT-CONVICTED \(kind) \(s.name) at \(x) v \(v) u \(u)\n\(r.renderTable())") }
                }
            }
        }
        print(counts.sorted { $0.key < $1.key })
    }
}

/// An agreement at a step beyond a unit of the input is checked at a step 2¹⁰ times closer: at
/// x₂ = 4.3·10⁶ central's step (26) spans four periods of sin(x₂)·x₀, and its value, −1.5078·10⁻⁵
/// ± 3·10⁻⁸, agreed with a sign-flipped ∂/∂x₂ whose true value is cos(x₂)·x₀ + x₁ = +1.5116·10⁻⁵
/// (by hand; a sweep of planted errors).
final class BlackBoxAliasedAgreementTests: XCTestCase {
    func testASignFlipIsNotPassedByAnAliasedCentralDifference() throws {
        let s = BlackBoxSubject.gradients[0]
        let x = [-0.00018444963025226324, -1.560768238020408e-05, 4264465.244877455]
        var flipped = s.jacobian(x)
        XCTAssertGreaterThan(flipped[0][2], 1.5e-5)
        flipped[0][2] = -flipped[0][2]
        let wrong = try checkBlackBoxJacobian(of: s.f, at: x, claimed: { _ in flipped })
        XCTAssertEqual(wrong.entries[0][2].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        let right = try checkBlackBoxJacobian(of: s.f, at: x, claimed: s.jacobian)
        XCTAssertNotEqual(right.entries[0][2].verdict.name, "rule-wrong", right.renderTable())
    }
}

extension BlackBoxSweepTests {
    /// Float versions of two subjects, right, sign-flipped and 1% off (slow; BLACKBOX_SWEEP_FLOAT=1).
    func testMeasureFloat() throws {
        guard ProcessInfo.processInfo.environment["BLACKBOX_SWEEP_FLOAT"] != nil else { throw XCTSkip("set BLACKBOX_SWEEP_FLOAT") }
        func fA<T: Real>(_ x: [T]) -> [T] { [x[0] * x[1] * x[1] + T.sin(x[2]) * x[0] + x[1] * x[2]] }
        func jA<T: Real>(_ x: [T]) -> [[T]] { [[x[1] * x[1] + T.sin(x[2]), 2 * x[0] * x[1] + x[2], T.cos(x[2]) * x[0] + x[1]]] }
        func fD<T: Real>(_ x: [T]) -> [T] { [T.log(x[0] * x[0] + 1) * x[1] + T.cos(x[2]) * x[2]] }
        func jD<T: Real>(_ x: [T]) -> [[T]] { [[2 * x[0] * x[1] / (x[0] * x[0] + 1), T.log(x[0] * x[0] + 1), T.cos(x[2]) - T.sin(x[2]) * x[2]]] }
        var rng = SeededGenerator(seed: 9)
        var counts: [String: Int] = [:]
        for (name, f, j) in [("A", fA as ([Float]) -> [Float], jA as ([Float]) -> [[Float]]), ("D", fD, jD)] {
            var drawn = 0
            while drawn < 300 {
                let x = (0..<3).map { _ in Float((rng.nextUnit() < 0.5 ? -1 : 1) * Double.pow(10, -3 + 7 * rng.nextUnit())) }
                let jac = j(x)
                guard f(x).allSatisfy(\.isFinite), jac.joined().allSatisfy(\.isFinite) else { continue }
                drawn += 1
                var flip = jac; let k = Int(rng.next() % 3); flip[0][k] = -flip[0][k]
                var rel = jac; rel[0][k] *= 1.01
                for (kind, c) in [("right", jac), ("flip", flip), ("1e-2", rel)] where kind == "right" || c != jac {
                    let r = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in c })
                    let word = r.passed ? "passed" : (r.entries.joined().contains { $0.verdict.name == "rule-wrong" || $0.verdict.name == "discontinuity" || $0.verdict == .kink(validSubgradient: false) } ? "convicted" : "inconclusive")
                    counts["\(name) \(kind) \(word)", default: 0] += 1
                    if kind == "right" && word == "convicted" { print("FLOAT-RIGHT-CONVICTED \(name) \(x)\n\(r.renderTable())") }
                    if kind == "flip" && word == "passed" { print("FLOAT-FLIP-PASSED \(name) \(x) entry \(k) true \(jac[0][k])\n\(r.renderTable())") }
                }
            }
        }
        print("FLOAT", counts.sorted { $0.key < $1.key })
    }
}

/// Where settled differences at steps below every disagreeing rung's agree with the claim, the
/// rungs averaged over a term they could not resolve, and the claim passes on the smaller steps.
/// `jac check --program` on x₀x₁² + sin(x₂)·x₀ + x₁x₂ with its hand gradient at 40 random points
/// of x₀ ∈ [−10³, 10³], x₁ ∈ [−10⁶, 10⁶], x₂ ∈ [−10⁷, 10⁷] convicted 33 before; all 40 pass now.
final class BlackBoxSmallerStepsDecideTests: XCTestCase {
    func testARightClaimPassesOnTheScanAndAFlippedOneIsConvicted() throws {
        let s = BlackBoxSubject.gradients[0]
        let x = [-185.91193018986502, 803690.3142338139, -1699371.6639112136]
        let right = try checkBlackBoxJacobian(of: s.f, at: x, claimed: s.jacobian)
        XCTAssertTrue(right.passed, right.renderTable())
        // The step scan decided it; now the adaptive rung, run again from the sine's unit
        // (UnitScaleLook.swift), does. Its value is the slope cos(x₂)·x₀ + x₁ (by hand), not the
        // linear part x₁ alone.
        XCTAssertEqual(right.entries[0][2].witnessValue ?? 0, cos(x[2]) * x[0] + x[1], accuracy: 1)
        XCTAssertGreaterThan(Swift.abs(cos(x[2]) * x[0]), 100)
        var flipped = s.jacobian(x)
        flipped[0][2] = -flipped[0][2]
        let wrong = try checkBlackBoxJacobian(of: s.f, at: x, claimed: { _ in flipped })
        XCTAssertEqual(wrong.entries[0][2].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
    }
}

/// A claim that leaves out a term varying on the scale of a unit of the input, beside terms that
/// make f's rounding large: x₀x₁² + sin(x₂)·x₀ + x₁x₂ with ∂/∂x₂ claimed as x₁ (the sine's
/// cos(x₂)·x₀ forgotten). Steps beyond the sine's period see the linear part alone and agree
/// with the claim; the truth is the hand-derived cos(x₂)·x₀ + x₁.
final class BlackBoxForgottenTermTests: XCTestCase {
    static let subject = BlackBoxSubject.gradients[0]

    static func forgetting(_ x: [Double]) -> [[Double]] {
        var j = subject.jacobian(x)
        j[0][2] -= cos(x[2]) * x[0]
        return j
    }

    /// Adaptive agreed at step 16 (−8625394 ± 20 for a claim of −8625387.7, by hand
    /// −8625204.8), and central at step 8 with −3052.2339002 ± 9·10⁻⁷ for a claim of
    /// −3052.2339022 (by hand −3052.2338861): both were passed.
    func testAClaimLeavingOutAnOscillatingTermIsNotPassed() throws {
        for x in [[-1.629105411052998e-05, -3052.233902234203, -627869.4103690477],
                  [-295.2185264955202, -8625387.708203016, 243879.59871920844]] {
            let r = try checkBlackBoxJacobian(of: Self.subject.f, at: x, claimed: { _ in Self.forgetting(x) })
            XCTAssertFalse(r.entries[0][2].passes, r.renderTable())
        }
    }

    /// At 600 points of the sweep's distribution, every pass of the forgetting claim holds
    /// against the truth: |claim − truth| ≤ tolerance + the witness's estimate. 5 of them did
    /// not: central passed a claim 512 off within 99 at (−525, 4.7·10⁶, 9.8·10⁵), adaptive one
    /// 2.7·10⁻³ off within 8.7·10⁻⁵ ± 2.1·10⁻⁵ at (0.0029, −9.9·10⁵, −2.0·10⁵).
    func testEveryPassOfAForgettingClaimHoldsAgainstTheTruth() throws {
        var rng = SeededGenerator(seed: 99)
        var passes = 0, beyond: [String] = []
        for _ in 0..<600 {
            let x = BlackBoxSweep.point(&rng)
            let truth = Self.subject.jacobian(x)[0][2]
            let claim = Self.forgetting(x)[0][2]
            guard claim != truth else { continue }
            let e = try checkBlackBoxJacobian(of: Self.subject.f, at: x, claimed: { _ in Self.forgetting(x) }).entries[0][2]
            guard e.passes else { continue }
            passes += 1
            if Swift.abs(claim - truth) > (e.tolerance ?? 0) + (e.errorEstimate ?? 0) {
                beyond.append("\(x): off by \(claim - truth), tolerance \(e.tolerance ?? .nan) ± \(e.errorEstimate ?? .nan) (\(e.witness ?? "-"))")
            }
        }
        XCTAssertGreaterThan(passes, 0, "the forgotten term is below every witness's resolution at some points, and passes there")
        XCTAssertEqual(beyond, [], beyond.joined(separator: "\n"))
    }

    /// In Float, x₂ between 1000 and 2000 puts the sine's period within a few of the witnesses'
    /// steps: at these two points (of 400 drawn so) the claim with ∂/∂x₂ = cos(x₂)·x₀ + x₁
    /// sign-flipped passed (by hand −532.05 and 5365.3). The right claim is not convicted there.
    func testFloatSignFlipsBesideAnOscillatingTermAreNotPassed() throws {
        let f: ([Float]) -> [Float] = { x in [x[0] * x[1] * x[1] + sin(x[2]) * x[0] + x[1] * x[2]] }
        for x: [Float] in [[-1606.1301, 723.3828, 1646.868], [9599.302, -3813.294, 1884.6584]] {
            let j: [Float] = [x[1] * x[1] + sin(x[2]), 2 * x[0] * x[1] + x[2], cos(x[2]) * x[0] + x[1]]
            let flipped = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in [[j[0], j[1], -j[2]]] })
            XCTAssertFalse(flipped.entries[0][2].passes, flipped.renderTable())
            let right = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in [j] })
            XCTAssertNotEqual(right.entries[0][2].verdict.name, "rule-wrong", right.renderTable())
        }
    }
}

/// Found by review: in Float, x₀x₁² + sin(x₂)·x₀ + x₁x₂ at these points convicted the right
/// ∂/∂x₂ = cos(x₂)·x₀ + x₁ (by hand −1337.3 and 1784.6): f ≈ 4.4·10⁹ rounds by 256, so only steps
/// beyond a period of the sine resolve the gap, and there the differences settle near x₁ alone.
/// Such an exclusion is inconclusive (below-resolution); a sign flip is still not passed.
final class BlackBoxAliasedExclusionTests: XCTestCase {
    func testAnExclusionOnlyStepsBeyondAUnitResolveConvictsNothing() throws {
        let f: ([Float]) -> [Float] = { x in [x[0] * x[1] * x[1] + sin(x[2]) * x[0] + x[1] * x[2]] }
        for x: [Float] in [[2633.2, 1291.1, 631.4], [392.8, 1391.8, 1350.9]] {
            let j: [Float] = [x[1] * x[1] + sin(x[2]), 2 * x[0] * x[1] + x[2], cos(x[2]) * x[0] + x[1]]
            let right = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in [j] })
            XCTAssertEqual(right.entries[0][2].verdict, .fdInconclusive(reasons: [.belowResolution]), right.renderTable())
            let flipped = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in [[j[0], j[1], -j[2]]] })
            XCTAssertFalse(flipped.entries[0][2].passes, flipped.renderTable())
        }
    }

    /// x₀x₁x₂ + x₀² − x₂/x₁ in Float at (655188.7, 0.00157, −194.5): by hand ∂/∂x₁ = x₀x₂ + x₂/x₁² =
    /// −2.06·10⁸. f ≈ 4.3·10¹¹ rounds by 2¹⁵, and only steps from about 0.003 resolve the gap to
    /// x₀x₂ = −1.27·10⁸; those straddle x₁ = 0, where the pole is, and the levels at 0.022 saw
    /// x₀x₂ alone and convicted the right claim. A level below |x₁| resolves nothing here.
    func testAnExclusionOnlyStepsAcrossZeroResolveConvictsNothing() throws {
        let f: ([Float]) -> [Float] = { x in [x[0] * x[1] * x[2] + x[0] * x[0] - x[2] / x[1]] }
        let x: [Float] = [655188.7, 0.00157, -194.5]
        let j: [Float] = [x[1] * x[2] + 2 * x[0], x[0] * x[2] + x[2] / (x[1] * x[1]), x[0] * x[1] - 1 / x[1]]
        let right = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in [j] })
        XCTAssertEqual(right.entries[0][1].verdict, .fdInconclusive(reasons: [.belowResolution]), right.renderTable())
        let flipped = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in [[j[0], -j[1], j[2]]] })
        XCTAssertFalse(flipped.entries[0][1].passes, flipped.renderTable())
    }
}

/// A difference divided by the step it asked for, where the samples landed on V's grid: in Float
/// at 332584.06 (ulp 0.03125) the step scan's step 0.0468 lands on one ulp, and sin's slope
/// −0.7998 (by hand cos x) read −0.486: the right claim was convicted (a review found it).
final class RealizedStepTests: XCTestCase {
    func testAFloatStepOfAFewUlpsIsDividedByTheStepItTook() throws {
        let x: [Float] = [332584.06]
        let right = try checkBlackBoxJacobian(of: { x in [sin(x[0])] }, at: x, claimed: { x in [[cos(x[0])]] })
        XCTAssertEqual(right.entries[0][0].verdict, .agree, right.renderTable())
        let flipped = try checkBlackBoxJacobian(of: { x in [sin(x[0])] }, at: x, claimed: { x in [[-cos(x[0])]] })
        XCTAssertFalse(flipped.entries[0][0].passes, flipped.renderTable())
        // The probe's step is the one its samples land on, where the two differ by more than 10⁻³.
        let probe = LineProbe<Float>(eval: { x in [sin(x[0])] }, x: x, axis: 0, center: nil)
        XCTAssertEqual(probe.realizedStep(0.0468, offsets: [-1, 1]), 0.03125)
        XCTAssertEqual(probe.realizedStep(0.0625, offsets: [-1, 1]), 0.0625)
        XCTAssertEqual(LineProbe<Double>(eval: { $0 }, x: [332584.06], axis: 0, center: nil).realizedStep(0.0468, offsets: [-1, 1]), 0.0468)
    }
}
