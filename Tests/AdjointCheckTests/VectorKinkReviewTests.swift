@testable import AdjointCheck
import AdjointCore
import Foundation
import XCTest

/// A review of vector primitives' declared kinks and domain in the check and in `validate`, as a
/// researcher with a sort, a shift and a log-of-distance primitive would meet them. Expected
/// values are worked out by hand in each test's comment.
final class VectorKinkReviewTests: XCTestCase {
    /// The three inputs sorted (ties keep input order), counting declaration calls. Kinks wherever
    /// two inputs tie; at a triple tie three tie planes meet.
    enum Sort3: VectorPrimitive {
        static let name = "sort3"
        nonisolated(unsafe) static var kinkDistanceCalls = 0
        static func order(_ x: [Double]) -> [Int] { x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) } }
        static func primal(_ x: [Double]) -> [Double] { order(x).map { x[$0] } }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { order(x).map { v[$0] } }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
            var g = [Double](repeating: 0, count: x.count)
            for (k, i) in order(x).enumerated() { g[i] += u[k] }
            return g
        }
        static func kinkDistance(_ x: [Double]) -> Double? {
            kinkDistanceCalls += 1
            let s = x.sorted()
            return zip(s.dropFirst(), s).map { $0 - $1 }.min().map { $0 / 2 }
        }
    }

    /// (x₀ + x₁, x₁): linear, no kink.
    enum Shift: VectorPrimitive {
        static let name = "shift"
        static func primal(_ x: [Double]) -> [Double] { [x[0] + x[1], x[1]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0] + v[1], v[1]] }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0], u[0] + u[1]] }
    }

    /// (min, max) of two inputs whose VJP at the tie gives (u₀ + u₁, u₀ + u₁), no limit of its
    /// gradients; away from the tie and in its JVP it is right.
    enum SortPairWrongAtTie: VectorPrimitive {
        static let name = "sort_pair_wrong_at_tie"
        static func primal(_ x: [Double]) -> [Double] { x[0] <= x[1] ? [x[0], x[1]] : [x[1], x[0]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { x[0] <= x[1] ? [v[0], v[1]] : [v[1], v[0]] }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
            if x[0] == x[1] { return [u[0] + u[1], u[0] + u[1]] }
            return x[0] < x[1] ? [u[0], u[1]] : [u[1], u[0]]
        }
        static func kinkDistance(_ x: [Double]) -> Double? { Swift.abs(x[0] - x[1]) / 2 }
    }

    /// (log|x₀ − 0.1|, x₁): smooth on its domain x₀ ≠ 0.1, with a pole of J·v at 0.1.
    enum LogDistance: VectorPrimitive {
        static let name = "log_distance"
        static func primal(_ x: [Double]) -> [Double] { [Foundation.log(Swift.abs(x[0] - 0.1)), x[1]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0] / (x[0] - 0.1), v[1]] }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] / (x[0] - 0.1), u[1]] }
        static func domainViolation(_ x: [Double]) -> String? { x[0] == 0.1 ? "log of 0" : nil }
        static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { [-3...3, -1...1] }
    }

    /// log|x − 0.1| as a scalar primitive, domain x ≠ 0.1.
    enum ScalarLogDistance: UnaryPrimitive {
        static let name = "scalar_log_distance"
        static func primal<T: ADScalar>(_ x: T) -> T { T.log(T.abs(x - T(0.1))) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / (x - T(0.1)) }
        static func domainViolation(_ x: Double, _ y: Double) -> String? { x == 0.1 ? "log of 0" : nil }
    }

    /// A sort pair whose kink distance has the wrong sign, and one whose distance is NaN off the tie.
    enum NegativeKinkDistance: VectorPrimitive {
        static let name = "negative_kink_distance"
        static func primal(_ x: [Double]) -> [Double] { x[0] <= x[1] ? [x[0], x[1]] : [x[1], x[0]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { x[0] <= x[1] ? [v[0], v[1]] : [v[1], v[0]] }
        static func kinkDistance(_ x: [Double]) -> Double? { -Swift.abs(x[0] - x[1]) / 2 }
    }
    enum NaNKinkDistance: VectorPrimitive {
        static let name = "nan_kink_distance"
        static func primal(_ x: [Double]) -> [Double] { NegativeKinkDistance.primal(x) }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { NegativeKinkDistance.jvp(at: x, direction: v) }
        static func kinkDistance(_ x: [Double]) -> Double? { x[0] == x[1] ? 0 : .nan }
    }

    /// |x| as scalar primitives whose kink distance has the wrong sign, or is NaN off the kink.
    enum ScalarNegativeKinkDistance: UnaryPrimitive {
        static let name = "scalar_negative_kink_distance"
        static func primal<T: ADScalar>(_ x: T) -> T { T.abs(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
        static func kinkDistance(_ x: Double, _ y: Double) -> Double? { -Swift.abs(x) }
    }
    enum ScalarNaNKinkDistance: UnaryPrimitive {
        static let name = "scalar_nan_kink_distance"
        static func primal<T: ADScalar>(_ x: T) -> T { T.abs(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
        static func kinkDistance(_ x: Double, _ y: Double) -> Double? { x == 0 ? 0 : .nan }
    }
    enum ScalarRightKinkDistance: UnaryPrimitive {
        static let name = "scalar_right_kink_distance"
        static func primal<T: ADScalar>(_ x: T) -> T { T.abs(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
        static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
    }

    /// |x| with kink distance |x| and a rule of 5 at 0: right on either side, no subgradient at
    /// the kink (one-sided derivatives −1 and 1).
    enum ScalarAbsFiveAtKink: UnaryPrimitive {
        static let name = "abs_five_at_kink"
        static func primal<T: ADScalar>(_ x: T) -> T { T.abs(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : (x > 0 ? 1 : 5) }
        static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
    }

    /// (min, max) of two inputs whose JVP and VJP both give 7·(v₀ + v₁) on each output at the
    /// tie; the one-sided J·v there are (v₀, v₁) and (v₁, v₀).
    enum SortPairSevenAtTie: VectorPrimitive {
        static let name = "sort_pair_seven_at_tie"
        static func primal(_ x: [Double]) -> [Double] { x[0] <= x[1] ? [x[0], x[1]] : [x[1], x[0]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
            if x[0] == x[1] { return [7 * (v[0] + v[1]), 7 * (v[0] + v[1])] }
            return x[0] < x[1] ? [v[0], v[1]] : [v[1], v[0]]
        }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
            if x[0] == x[1] { return [7 * (u[0] + u[1]), 7 * (u[0] + u[1])] }
            return x[0] < x[1] ? [u[0], u[1]] : [u[1], u[0]]
        }
        static func kinkDistance(_ x: [Double]) -> Double? { Swift.abs(x[0] - x[1]) / 2 }
    }

    /// The sort of two done right, with the half-and-half convention at the tie (J·v there is
    /// ((v₀ + v₁)/2, (v₀ + v₁)/2), between the one-sided values componentwise).
    enum SortPairAveragedAtTie: VectorPrimitive {
        static let name = "sort_pair_averaged_at_tie"
        static func primal(_ x: [Double]) -> [Double] { x[0] <= x[1] ? [x[0], x[1]] : [x[1], x[0]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
            if x[0] == x[1] { return [(v[0] + v[1]) / 2, (v[0] + v[1]) / 2] }
            return x[0] < x[1] ? [v[0], v[1]] : [v[1], v[0]]
        }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
            if x[0] == x[1] { return [(u[0] + u[1]) / 2, (u[0] + u[1]) / 2] }
            return x[0] < x[1] ? [u[0], u[1]] : [u[1], u[0]]
        }
        static func kinkDistance(_ x: [Double]) -> Double? { Swift.abs(x[0] - x[1]) / 2 }
    }

    /// Sort3 with counted JVP calls, for the cost of validate's kink scan.
    enum CountedSort3: VectorPrimitive {
        static let name = "counted_sort3"
        nonisolated(unsafe) static var jvpCalls = 0
        static func primal(_ x: [Double]) -> [Double] { Sort3.primal(x) }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { jvpCalls += 1; return Sort3.jvp(at: x, direction: v) }
        static func kinkDistance(_ x: [Double]) -> Double? { Sort3.kinkDistance(x) }
    }

    /// Piecewise-linear interpolation of the knot values x₀ … x₈ (at t = 0 … 8) at the query
    /// t = x₉: by construction not differentiable in t at the knots 1 … 7 inside the query's range.
    enum Interpolate: VectorPrimitive {
        static let name = "interpolate"
        static func cell(_ t: Double) -> Int { Swift.min(7, Swift.max(0, Int(t.rounded(.down)))) }
        static func primal(_ x: [Double]) -> [Double] { let t = x[9], k = cell(t), w = t - Double(k); return [(1 - w) * x[k] + w * x[k + 1]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
            let t = x[9], k = cell(t), w = t - Double(k)
            return [(1 - w) * v[k] + w * v[k + 1] + (x[k + 1] - x[k]) * v[9]]
        }
        static func kinkDistance(_ x: [Double]) -> Double? { Swift.abs(x[9] - x[9].rounded()) }
        static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { Array(repeating: -1...1, count: 9) + [0.1...7.9] }
    }
    enum InterpolateUndeclared: VectorPrimitive {
        static let name = "interpolate_undeclared"
        static func primal(_ x: [Double]) -> [Double] { Interpolate.primal(x) }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { Interpolate.jvp(at: x, direction: v) }
        static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { Interpolate.sampleRanges(inputs: n) }
    }

    /// A 2×2 solve A⁻¹b of (a₁₁, a₁₂, a₂₁, a₂₂, b₁, b₂), undefined where det A = 0; its default
    /// sample box is centred on A = 0, and every line through the centre along one input keeps
    /// det A = 0.
    enum Solve2: VectorPrimitive {
        static let name = "solve2"
        static let domain = "det A ≠ 0"
        static func det(_ x: [Double]) -> Double { x[0] * x[3] - x[1] * x[2] }
        static func primal(_ x: [Double]) -> [Double] {
            let d = det(x)
            return [(x[3] * x[4] - x[1] * x[5]) / d, (x[0] * x[5] - x[2] * x[4]) / d]
        }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
            // A·dy = db − dA·y.
            let y = primal(x), d = det(x)
            let r0 = v[4] - (v[0] * y[0] + v[1] * y[1]), r1 = v[5] - (v[2] * y[0] + v[3] * y[1])
            return [(x[3] * r0 - x[1] * r1) / d, (x[0] * r1 - x[2] * r0) / d]
        }
        static func domainViolation(_ x: [Double]) -> String? { Swift.abs(det(x)) < 1e-12 ? "A is singular" : nil }
    }

    /// Ten inputs, the query last: eight lines through the centre left x₉ unscanned (and at the
    /// centre the knot values are equal, so no knot shows along x₉ either), and the undeclared
    /// knots passed. The diagonals of the sample box move every input.
    func testValidateFindsAnUndeclaredKinkInAnInputPastTheEighth() {
        let undeclared = validate(InterpolateUndeclared.self, inputs: 10)
        XCTAssertEqual(undeclared.check(named: "kinks")?.outcome, .failed, undeclared.description)
        XCTAssertTrue(undeclared.check(named: "kinks")?.detail.contains("along a diagonal of the sample box") ?? false, undeclared.description)
        let declared = validate(Interpolate.self, inputs: 10)
        XCTAssertEqual(declared.check(named: "kinks")?.outcome, .passed, declared.description)
        XCTAssertTrue(declared.passed, declared.description)
    }

    /// No point of the scan lies in the domain: nothing was checked, which is not "no jump".
    func testAKinkScanOutsideTheDomainIsInconclusive() {
        let report = validate(Solve2.self, inputs: 6)
        XCTAssertEqual(report.check(named: "kinks")?.outcome, .inconclusive, report.description)
        XCTAssertTrue(report.check(named: "kinks")?.detail.contains("nothing was scanned") ?? false, report.description)
        // The JVP itself was judged at points drawn inside the domain.
        XCTAssertEqual(report.check(named: "jvp")?.outcome, .passed, report.description)
    }

    /// (2x₀ + x₁, x₀x₁), smooth, counting its rule calls.
    enum CountedLinear: VectorPrimitive {
        static let name = "counted_linear"
        nonisolated(unsafe) static var ruleCalls = 0
        static func primal(_ x: [Double]) -> [Double] { [2 * x[0] + x[1], x[0] * x[1]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
            ruleCalls += 1
            return [2 * v[0] + v[1], x[1] * v[0] + x[0] * v[1]]
        }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
            ruleCalls += 1
            return [2 * u[0] + x[1] * u[1], u[0] + x[0] * u[1]]
        }
    }
    struct AbsPlusLinear: ADFunction, Sendable {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0]) + CountedLinear.apply(x)[0]] }
    }

    /// |x₀| + 2x₀ + x₁ at (0, 1): one-sided derivatives along x₀ of 1 and 3 (by hand), AD right.
    /// A claimed ∂/∂x₀ = 7 lies outside them, yet AD is right, so no rule can be at fault: the
    /// rules on the path are not judged (they were, as if an AD mode had been outside). The rule
    /// calls of a check with that claim are those of a check with a right claim.
    func testAClaimedJacobianAloneOutsideTheOneSidedDerivativesJudgesNoRule() throws {
        CountedLinear.ruleCalls = 0
        let right = try checkJacobian(of: AbsPlusLinear(), at: [0.0, 1.0], claimed: { _ in [[2.0, 1.0]] })
        let callsWithRightClaim = CountedLinear.ruleCalls
        XCTAssertTrue(right.passed, right.renderTable())
        CountedLinear.ruleCalls = 0
        let wrong = try checkJacobian(of: AbsPlusLinear(), at: [0.0, 1.0], claimed: { _ in [[7.0, 1.0]] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .kink(validSubgradient: false), wrong.renderTable())
        XCTAssertEqual(wrong.entries[0][0].kink?.withinOneSided.filter { !$0.valid }.map(\.subject), ["claimed"], wrong.renderTable())
        XCTAssertNil(wrong.fault, wrong.renderTable())
        XCTAssertEqual(CountedLinear.ruleCalls, callsWithRightClaim, wrong.renderTable())
    }

    struct Median: ADFunction, Sendable {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [Sort3.apply(x)[1]] }
    }

    /// At (0, 0, 0) the median has one-sided derivatives [0, 0] along x₁ (median(0, t, 0) = 0),
    /// yet the rule's (0, 1, 0) is the median's gradient wherever x₀ < x₁ < x₂, so a limit of
    /// gradients: a right rule. Three tie planes meet there, and the one-sided interval bounds
    /// nothing; the check convicted it ("not between [0, 0]").
    func testAVectorKinkWhereSeveralSurfacesMeetConvictsNoRightRule() async throws {
        let r = try checkJacobian(of: Median(), at: [0.0, 0.0, 0.0])
        XCTAssertFalse(r.entries.joined().contains { $0.verdict == .kink(validSubgradient: false) }, r.renderTable())
        XCTAssertEqual(r.entries[0][1].verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertTrue(r.entries[0][1].kink?.unresolved?.contains("not one surface") ?? false, r.renderTable())
        XCTAssertNil(r.fault, r.renderTable())
        let concurrent = try await checkJacobian(of: Median(), at: [0.0, 0.0, 0.0], tasks: 2)
        XCTAssertEqual(concurrent.entries.joined().map(\.verdict), r.entries.joined().map(\.verdict))
    }

    struct BothOutputs<P: VectorPrimitive>: ADFunction, Sendable {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let s = P.apply(x); return [3 * s[0] + s[1]] }
    }

    /// One tie plane, read through both outputs: 3·min + max at (1, 1) has one-sided derivatives
    /// along x₀ of 1 (right: x₀ is the max) and 3 (left: the min), and the wrong VJP claims
    /// 3 + 1 = 4. Counted once per output, the call read as two kinks that could cancel, and the
    /// wrong claim was left unresolved.
    func testAVectorCallIsOneKinkHoweverManyOfItsOutputsAreRead() throws {
        let r = try checkJacobian(of: BothOutputs<SortPairWrongAtTie>(), at: [1.0, 1.0])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .kink(validSubgradient: false), r.renderTable())
        XCTAssertEqual(e.kink?.left ?? .nan, 3, accuracy: 1e-6, r.renderTable())
        XCTAssertEqual(e.kink?.right ?? .nan, 1, accuracy: 1e-6, r.renderTable())
        XCTAssertEqual(e.kink?.withinOneSided.filter { !$0.valid }.map(\.subject), ["reverse"], r.renderTable())
        // At its own kink the call's rule cannot be judged by a difference: nothing else is blamed.
        XCTAssertNil(r.fault, r.renderTable())
    }

    struct ReluAfterShift: ADFunction, Sendable {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let s = Shift.apply([x[0], x[1]])
            return [T.abs(x[0]) - 2 * T.relu(s[0] - 1e-10)]
        }
    }

    /// |x₀| − 2·relu(x₀ + x₁ − 10⁻¹⁰) at (0, 0): abs's kink is touched, relu's lies 10⁻¹⁰ away
    /// along x₀ behind the shift. By hand the one-sided derivatives along x₀ are −1 and +1 (relu is
    /// off until x₀ = 10⁻¹⁰), and every right value in [−1, 1] passes. With the shift's tangent
    /// taken as 0 the relu looked unreachable, the right samples crossed it (slope 1 − 2 = −1),
    /// and AD's right 0 was convicted against [−1, −0.9987].
    func testAKinkBehindAVectorCallKeepsTheOneSidedSamplesAway() async throws {
        let r = try checkJacobian(of: ReluAfterShift(), at: [0.0, 0.0])
        XCTAssertTrue(r.passed, r.renderTable())
        let k = r.entries[0][0].kink
        XCTAssertEqual(k?.left ?? .nan, -1, accuracy: 1e-6, r.renderTable())
        XCTAssertEqual(k?.right ?? .nan, 1, accuracy: 1e-6, r.renderTable())
        // ∂/∂x₁ = −2·relu′(−10⁻¹⁰) = 0, and its differences stay short of the relu too.
        XCTAssertEqual(r.entries[0][1].verdict, .agree, r.renderTable())
        let concurrent = try await checkJacobian(of: ReluAfterShift(), at: [0.0, 0.0], tasks: 2)
        XCTAssertEqual(concurrent.entries.joined().map(\.verdict), r.entries.joined().map(\.verdict))
    }

    struct SumOfSorted: ADFunction, Sendable {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let s = Sort3.apply(x); return [s[0] + 2 * s[1] + 3 * s[2]] }
    }

    /// The graph asks a call's kink distance once, not once per output (a sort of n asked its
    /// O(n log n) declaration n times).
    func testTheGraphAsksAVectorCallsDeclarationOncePerCall() throws {
        let rec = try record({ (x: [Reverse<Double>]) in SumOfSorted()(x) }, at: [3.0, 1.0, 2.0])
        Sort3.kinkDistanceCalls = 0
        let graph = TapeGraph(rec)
        XCTAssertEqual(Sort3.kinkDistanceCalls, 1)
        // Each output is a candidate, at the call's distance: half the smallest gap, ½.
        XCTAssertEqual(graph.kinkCandidates.map(\.distance), [0.5, 0.5, 0.5])
    }

    /// log|x₀ − 0.1| is smooth on its domain; J·v = v₀/(x₀ − 0.1) + … has a pole at 0.1, whose
    /// bisected values (∓4·10¹⁶ a few ulps either side) read as a jump: an undeclared kink.
    func testValidateTakesNoPoleForAKink() {
        let vector = validate(LogDistance.self, inputs: 2)
        XCTAssertEqual(vector.check(named: "kinks")?.outcome, .passed, vector.description)
        XCTAssertTrue(vector.passed, vector.description)
        let scalar = validate(ScalarLogDistance.self)
        XCTAssertEqual(scalar.check(named: "kinks")?.outcome, .passed, scalar.description)
        XCTAssertTrue(scalar.passed, scalar.description)
    }

    /// A kink distance is nil or ≥ 0; NaN is never 0 (no mode reports the kink) and bounds no step.
    func testValidateFailsANaNOrNegativeKinkDistance() {
        for report in [validate(NegativeKinkDistance.self, inputs: 2), validate(NaNKinkDistance.self, inputs: 2)] {
            XCTAssertFalse(report.passed, report.description)
            XCTAssertEqual(report.check(named: "kinks")?.outcome, .failed, report.description)
            XCTAssertTrue(report.check(named: "kinks")?.detail.contains("must be nil (no kink) or ≥ 0") ?? false, report.description)
        }
    }

    /// The same for a scalar primitive: both passed validate (the jump of |x| at 0 was "declared"
    /// by a distance that is never 0 off it, and NaN compares as no kink at all).
    func testScalarValidateFailsANaNOrNegativeKinkDistance() {
        for report in [validate(ScalarNegativeKinkDistance.self), validate(ScalarNaNKinkDistance.self)] {
            XCTAssertFalse(report.passed, report.description)
            XCTAssertEqual(report.check(named: "kinks")?.outcome, .failed, report.description)
            XCTAssertTrue(report.check(named: "kinks")?.detail.contains("must be nil (no kink) or ≥ 0") ?? false, report.description)
        }
        let right = validate(ScalarRightKinkDistance.self)
        XCTAssertTrue(right.passed, right.description)
    }

    /// The sort's ties lie at the centre (0, 0, 0) of its sample box. Per input line: 65 grid
    /// points, one changing cell bisected from 2/65 to 2⁻⁶⁰·2 (54 halvings), two settling
    /// samples: 121 JVPs, 363 for three lines, plus one per sample point. Bisected to the ulps
    /// near 0 it took about 1,100 per line, through the subnormals. Each jump found at a declared
    /// kink then asks the rule there and just off it along ±3 axes and 32 random directions (the
    /// convention's check): 39 per jump, 117 for the three.
    func testValidatesKinkScanStopsBisectingAtAFixedFractionOfTheRange() {
        CountedSort3.jvpCalls = 0
        let report = validate(CountedSort3.self, inputs: 3)
        XCTAssertTrue(report.passed, report.description)
        XCTAssertTrue(report.check(named: "kinks")?.detail.contains("each at a declared kink") ?? false, report.description)
        XCTAssertLessThanOrEqual(CountedSort3.jvpCalls, 3 * 121 + 2 * 8 + 3 * 39, report.description)
    }

    /// Found by review: validate checked that each jump of a rule lies at a declared kink, never
    /// the rule's value there, so a convention outside the one-sided derivatives passed (and only
    /// `checkJacobian` at that very point caught it). Now the value at a declared kink must lie
    /// between the one-sided values, for the scalar rule, the JVP the scan reads and the VJP.
    func testValidateHoldsTheRuleAtADeclaredKinkToTheOneSidedValues() {
        let scalar = validate(ScalarAbsFiveAtKink.self)
        XCTAssertEqual(scalar.check(named: "kinks")?.outcome, .failed, scalar.description)
        XCTAssertTrue(scalar.check(named: "kinks")?.detail.contains("is 5.0, not between the one-sided values -1.0 and 1.0") ?? false,
                      scalar.description)
        let right = validate(ScalarRightKinkDistance.self)   // 1 at 0: a one-sided value
        XCTAssertEqual(right.check(named: "kinks")?.outcome, .passed, right.description)

        let seven = validate(SortPairSevenAtTie.self, inputs: 2)
        XCTAssertEqual(seven.check(named: "kinks")?.outcome, .failed, seven.description)
        XCTAssertTrue(seven.check(named: "kinks")?.detail.contains("J·v at the kink") ?? false, seven.description)
        // Its JVP is right; the VJP's (u₀ + u₁, u₀ + u₁) at the tie is not between (u₀, u₁) and (u₁, u₀).
        let wrongVJP = validate(SortPairWrongAtTie.self, inputs: 2)
        XCTAssertEqual(wrongVJP.check(named: "kinks")?.outcome, .failed, wrongVJP.description)
        XCTAssertTrue(wrongVJP.check(named: "kinks")?.detail.contains("uᵀJ at the kink") ?? false, wrongVJP.description)
        let averaged = validate(SortPairAveragedAtTie.self, inputs: 2)
        XCTAssertEqual(averaged.check(named: "kinks")?.outcome, .passed, averaged.description)
        XCTAssertTrue(averaged.passed, averaged.description)
    }
}
