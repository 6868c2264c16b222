import AdjointCheck
import AdjointCore
import Foundation
import XCTest

/// Counts a user primitive's calls, per function (primal, rule, JVP, VJP), and how many of its
/// Double calls repeat a point (the exact bits of every argument) already evaluated. A user's rule
/// can be a solve or a simulation: validate evaluated the same rule at the same point up to three
/// times (a review counted about 3,500 rule calls for 16 samples of a cube).
private final class CallLog: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [String: Int] = [:]
    private var seen: [String: Set<[UInt64]>] = [:]
    private var repeated: [String: Int] = [:]

    /// Counts one call of `function`; `point` is nil for a call on another scalar type (a dual of
    /// the Hessian, a complex step), which no cache can share with a Double call.
    func note(_ function: String, _ point: [Double]?) {
        lock.lock(); defer { lock.unlock() }
        calls[function, default: 0] += 1
        guard let point else { return }
        if !seen[function, default: []].insert(point.map(\.bitPattern)).inserted { repeated[function, default: 0] += 1 }
    }
    func calls(_ function: String) -> Int { lock.lock(); defer { lock.unlock() }; return calls[function] ?? 0 }
    func repeats(_ function: String) -> Int { lock.lock(); defer { lock.unlock() }; return repeated[function] ?? 0 }
    func reset() { lock.lock(); calls = [:]; seen = [:]; repeated = [:]; lock.unlock() }
}

private let cubeLog = CallLog()
private let maxLog = CallLog()
private let sortLog = CallLog()

/// The arguments as Doubles when the call is on Doubles, else nil (read without converting a
/// dual, which would count an escape of the rule under test).
private func doubles<T: ADScalar>(_ xs: T...) -> [Double]? {
    var out: [Double] = []
    for x in xs {
        guard let d = x as? Double else { return nil }
        out.append(d)
    }
    return out
}

/// x³, as the review's cube: by hand 3x², smooth, no kink.
private enum CountedCubeForValidate: UnaryPrimitive {
    static let name = "counted_cube_for_validate"
    static func primal<T: ADScalar>(_ x: T) -> T { cubeLog.note("primal", doubles(x)); return x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { cubeLog.note("rule", doubles(x, z)); return 3 * x * x }
}

/// max(x, y) with its tie declared a kink; by hand ∂ = (1, 0) for x > y, (0, 1) for x < y, and
/// (½, ½) at the tie (inside the hull of the two).
private enum CountedMaxForValidate: ScalarPrimitive {
    static let name = "counted_max_for_validate"
    static let arity = 2
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { abs(x - y) / 2 }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { maxLog.note("primal", doubles(x, y)); return x > y ? x : y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) {
        maxLog.note("rule", doubles(x, y, z))
        return x > y ? (1, 0) : x < y ? (0, 1) : (0.5, 0.5)
    }
}

/// (min, max) of two inputs, a kink at the tie; by hand J·v swaps v's entries where x₀ > x₁.
private enum CountedSortForValidate: VectorPrimitive {
    static let name = "counted_sort_for_validate"
    static func kinkDistance(_ x: [Double]) -> Double? { abs(x[0] - x[1]) / 2 }
    static func primal(_ x: [Double]) -> [Double] { sortLog.note("primal", x); return [min(x[0], x[1]), max(x[0], x[1])] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        sortLog.note("jvp", x + v)
        return x[0] <= x[1] ? v : [v[1], v[0]]
    }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        sortLog.note("vjp", x + u)
        return x[0] <= x[1] ? u : [u[1], u[0]]
    }
}

final class ValidateEvaluationCostTests: XCTestCase {
    /// The cube, 16 samples (seed 0x5EED). Where the calls go, counted (on Doubles unless said):
    /// - rule: partials check 16 (one per sample); second derivatives 16 on duals (the Hessian)
    ///   and 338, of which 16 are the Hessian's own Double evaluation at each sample (inside
    ///   AdjointCore, repeating the partials check's; no cache in validate reaches it) and 322 the
    ///   differences of the partials; kinks 3,087 (65 grid points, then about 47 halvings of each
    ///   of the 64 cells, since 3x² changes in every cell), each a distinct point. 3,457 in all.
    /// - primal: 16 at the samples, 2 at the range's ends, 332 + 32 on complex steps for the
    ///   partials check's differences, 22 under the second derivatives (16 in the Hessian, 6 new
    ///   points), 3,087 in the kinks scan (the rule's output argument). 3,491 in all.
    /// Before validate shared values: rule 3,473 (32 repeats: each sample's centre, asked by the
    /// partials check, inside the Hessian, and again by the differences of the partials), primal
    /// 3,839 (364 repeats: the differences of the partials re-evaluated the primal at the
    /// partials check's difference points). The bounds were those counts; validate now also looks
    /// at x = 0 (where rules special-case removable singularities), a 17th point: rule 3,544 and
    /// primal 3,588 calls, 17 repeats each (the Hessian's own evaluation at each of 17 points).
    func testACubesRuleAndPrimalAreAskedAgainOnlyInsideTheHessian() {
        cubeLog.reset()
        let v = validate(CountedCubeForValidate.self)
        XCTAssertTrue(v.passed, v.description)
        XCTAssertLessThanOrEqual(cubeLog.repeats("rule"), 17, "rule evaluations that repeat a point already evaluated")
        XCTAssertLessThanOrEqual(cubeLog.repeats("primal"), 17, "primal evaluations that repeat a point already evaluated")
        XCTAssertLessThanOrEqual(cubeLog.calls("rule"), 3_544)
        XCTAssertLessThanOrEqual(cubeLog.calls("primal"), 3_588)
    }

    /// max with a declared kink, 16 samples. Both scans (along x and along y through the centre
    /// (0, 0) of the sample box) find the tie at (0, 0), and each asked the rule there and at the
    /// 36 points around it, twice with two inputs (the one-sided values of its partial, then the
    /// whole gradient's hull); the differences of the partials re-evaluated the primal at every
    /// point the partials check had differenced. Before: 3,190 rule calls (175 repeats), 4,984
    /// primal calls (1,903 repeats). Now 3,047 and 3,113: the only repeats left are the Hessian's
    /// Double evaluations at each sample, one per input (2 × 16), inside AdjointCore. With the
    /// points at 0 (x₀ = 0 beside the first sample's x₁, and x₁ = 0 beside its x₀; (0, 0) is the
    /// declared tie, left out) 18 points: 3,393 and 3,467 calls, 36 repeats (2 × 18). 3,397 and
    /// 3,471 since the second derivatives difference a partial left unreliable by steps below
    /// |x|/4 again with longer ones where the domain admits them: the rule and the primal
    /// cost 4 more calls each here. 3,565 and 3,639 since a partial whose differences are
    /// unreliable is asked at x ± s for three steps s (6 points) to tell a constant one (max's 0
    /// and 1, whose second derivatives are then judged, not undecided): 28 such entries, 168
    /// calls each, none a repeat.
    func testAMaxOfTwosRuleAndPrimalAreAskedAgainOnlyInsideTheHessian() {
        maxLog.reset()
        let v = validate(CountedMaxForValidate.self)
        XCTAssertEqual(v.check(named: "kinks")?.outcome, .passed, v.description)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .passed, v.description)
        XCTAssertLessThanOrEqual(maxLog.repeats("rule"), 36, "rule evaluations that repeat a point already evaluated")
        XCTAssertLessThanOrEqual(maxLog.repeats("primal"), 36, "primal evaluations that repeat a point already evaluated")
        XCTAssertLessThanOrEqual(maxLog.calls("rule"), 3_565)
        XCTAssertLessThanOrEqual(maxLog.calls("primal"), 3_639)
    }

    /// The vector sort of two, 8 samples, JVP and VJP declared. JVP: 8 at the samples, 279 in
    /// the kinks scan (grid, halvings, and at the tie at the centre (0, 0) the JVP there and at the
    /// 36 points around it); VJP: 8 at the samples, 37 at the tie; primal: 8 at the samples, 176
    /// measuring its noise and 168 differencing, 2 at the corners. Before: JVP 324 and VJP 82 (the
    /// scans along x₀ and along x₁ both find the tie, and each asked both rules there and around
    /// it: 37 repeats each), primal 370 (the noise measurement and the difference each evaluated
    /// the sample again: 16 repeats). Primal 364 since a difference's rounding bound holds its
    /// samples' landing off the line (x + t·v rounded per coordinate, up to an ulp of each xⱼ:
    /// 5 to 15% more bound at these points), which moves a few of its steps: 10 more, none a repeat.
    func testASortOfTwosRulesAndPrimalAreAskedOncePerPoint() {
        sortLog.reset()
        let v = validate(CountedSortForValidate.self, inputs: 2)
        XCTAssertTrue(v.passed, v.description)
        XCTAssertEqual(v.check(named: "kinks")?.outcome, .passed, v.description)
        XCTAssertEqual(sortLog.repeats("jvp"), 0, "JVP evaluations that repeat a point and direction already evaluated")
        XCTAssertEqual(sortLog.repeats("vjp"), 0, "VJP evaluations that repeat a point and cotangent already evaluated")
        XCTAssertEqual(sortLog.repeats("primal"), 0, "primal evaluations that repeat a point already evaluated")
        XCTAssertLessThanOrEqual(sortLog.calls("jvp"), 287)
        XCTAssertLessThanOrEqual(sortLog.calls("vjp"), 45)
        XCTAssertLessThanOrEqual(sortLog.calls("primal"), 364)
    }
}
