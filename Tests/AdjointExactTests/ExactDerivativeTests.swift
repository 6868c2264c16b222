import XCTest
import AdjointCore
import AdjointExact

/// Exact forward and reverse mode against hand derivations and against each other.
final class ExactDerivativeTests: XCTestCase {
    func testGradientOfQuadraticAtOneThirdTwoSeventhsIsExact() throws {
        // f = x1² + 5·x1·x2:  ∂f/∂x1 = 2·x1 + 5·x2 = 2/3 + 10/7 = (14 + 30)/21 = 44/21,
        //                     ∂f/∂x2 = 5·x1 = 5/3.
        // Value: 1/9 + 5·(1/3)(2/7) = 1/9 + 10/21 = (7 + 30)/63 = 37/63.
        let x: [Rational] = ["1/3", "2/7"]
        for mode in [JacobianMode.forward, .reverse] {
            let r = try exactJacobian(of: Quadratic(), at: x, mode: mode)
            XCTAssertEqual(r.jacobian, [["44/21", "5/3"]], "\(mode)")
            XCTAssertEqual(r.jacobian[0].map(\.description), ["44/21", "5/3"])
            XCTAssertEqual(r.value, ["37/63"])
            XCTAssertEqual(r.mode, mode)
        }
        // Plain core API on Reverse<Rational> works too: the core is generic over the value type.
        XCTAssertEqual(try gradient(of: { (x: [Reverse<Rational>]) in Quadratic()(x)[0] }, at: x), ["44/21", "5/3"])
    }

    /// f(x, y, z) = (x·y/z, (x − y)/(x + z²)).
    struct RationalMap: ADFunction {
        var inputCount: Int? { 3 }
        func callAsFunction<T: ADScalar>(_ v: [T]) -> [T] {
            let (x, y, z) = (v[0], v[1], v[2])
            return [x * y / z, (x - y) / (x + z * z)]
        }
    }

    func testRationalFunctionWithDivisionHasTheHandDerivedJacobian() throws {
        // At (x, y, z) = (1/2, −2/3, 3/4):
        // f1 = xy/z:  ∂x = y/z = −8/9,  ∂y = x/z = 2/3,  ∂z = −xy/z² = (1/3)/(9/16) = 16/27.
        // f2 = (x − y)/D with D = x + z² = 1/2 + 9/16 = 17/16, D² = 289/256, x − y = 7/6:
        //   ∂x = (D − (x − y))/D² = (z² + y)/D² = (9/16 − 2/3)·256/289 = (−5/48)(256/289) = −80/867,
        //   ∂y = −1/D = −16/17,
        //   ∂z = −(x − y)·2z/D² = −(7/6)(3/2)(256/289) = −448/289.
        // Values: f1 = (−1/3)/(3/4) = −4/9, f2 = (7/6)/(17/16) = 56/51.
        let expected: [[Rational]] = [["-8/9", "2/3", "16/27"], ["-80/867", "-16/17", "-448/289"]]
        let x: [Rational] = ["1/2", "-2/3", "3/4"]
        let agreement = try exactAgreement(of: RationalMap(), at: x)
        XCTAssertTrue(agreement.agrees, "\(agreement.mismatches)")
        XCTAssertEqual(agreement.forward.jacobian, expected)
        XCTAssertEqual(agreement.reverse.jacobian, expected)
        XCTAssertEqual(agreement.forward.value, ["-4/9", "56/51"])
        XCTAssertEqual(agreement.forward.passes, 3)
        XCTAssertEqual(agreement.reverse.passes, 2)
    }

    func testPlantedWrongRuleChangesTheExactJacobian() throws {
        // Test of the tester: with ∂(x·y)/∂x planted as 2y, the exact Jacobian of the quadratic
        // must move away from the hand-derived (44/21, 5/3): the exact check sees one wrong factor.
        let x: [Rational] = ["1/3", "2/7"]
        let wrong = try RuleMutations.withMutation(RuleMutation(op: .mul, input: 0, factor: 2)) {
            try exactJacobian(of: Quadratic(), at: x, mode: .reverse)
        }
        XCTAssertNotEqual(wrong.jacobian, [["44/21", "5/3"]])
    }

    func testAgreementCheckFlagsAModeThatComputesSomethingElse() throws {
        // Test of the tester: a function that adds x0·x1 only when run in reverse mode stands in
        // for a broken mode. Forward ∇ of x0² is (2x0, 0); the "reverse" one is (2x0 + x1, x0);
        // the values differ by x0·x1. All three positions must be flagged, and nothing else.
        struct ModeDependent: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                T.self == Reverse<Rational>.self ? [x[0] * x[0] + x[0] * x[1]] : [x[0] * x[0]]
            }
        }
        let a = try exactAgreement(of: ModeDependent(), at: ["1/3", "2/7"])
        XCTAssertFalse(a.agrees)
        XCTAssertEqual(Set(a.mismatches), [EntryPosition(row: 0, column: -1), EntryPosition(row: 0, column: 0),
                                           EntryPosition(row: 0, column: 1)])
    }

    func testForwardEqualsReverseExactlyOn500RandomGraphs() throws {
        let seed: UInt64 = 0xE8AC_7500
        var rng = SeededGenerator(seed: seed)
        var nonzeroEntries = 0, kinkGraphs = 0
        for g in 0..<500 {
            let n = Int.random(in: 1...4, using: &rng)
            let graph = RandomRationalGraph.random(inputs: n, size: Int.random(in: 4...20, using: &rng),
                                                   outputs: Int.random(in: 1...3, using: &rng),
                                                   family: .general, using: &rng)
            let x = (0..<n).map { _ in
                Rational(numerator: Int.random(in: -20...20, using: &rng), denominator: Int.random(in: 1...12, using: &rng))
            }
            let a = try exactAgreement(of: graph, at: x)
            XCTAssertTrue(a.agrees, "seed \(seed), graph \(g) at \(x): mismatches \(a.mismatches)\n\(graph)")
            nonzeroEntries += a.reverse.jacobian.joined().filter { !$0.isZero }.count
            if a.reverse.diagnostics.touchedKink { kinkGraphs += 1 }
        }
        // The property must not hold vacuously: most entries are nonzero.
        XCTAssertGreaterThan(nonzeroEntries, 1000, "seed \(seed)")
        print("exact forward == reverse on 500 graphs (seed \(seed)): \(nonzeroEntries) nonzero entries, \(kinkGraphs) graphs touched a kink")
    }

    func testDoubleModesWithinFewULPsAndCentralDifferencesFarWorse() throws {
        // Cancellation-free graphs (positive values and partials), so the floating-point error
        // of forward and reverse mode is bounded by the roundings along the graph: each node adds
        // at most a few relative errors of u = 2^−53, i.e. a few ulps per node of depth. The
        // bound asserted, 4·(nodes) ulps, follows from that; the typical error is far smaller
        // and the median is asserted too.
        //
        // Central differences with h = ε^(1/3)·max(1, |x|) have truncation error O(h²) and rounding
        // error O(ε/h): ~ε^(2/3) ≈ 4·10⁻¹¹ relative, i.e. ~10⁵ ulps. The test asserts the factor.
        // Medians are over entries whose exact value is nonzero: a structural zero (the output does
        // not depend on that input) is exact in every method and says nothing about accuracy.
        let seed: UInt64 = 0xD0B1_E500
        var rng = SeededGenerator(seed: seed)
        var adULPs: [Double] = [], fdULPs: [Double] = []
        var worstAD = 0.0
        for g in 0..<100 {
            let n = Int.random(in: 1...4, using: &rng)
            let graph = RandomRationalGraph.random(inputs: n, size: Int.random(in: 4...12, using: &rng),
                                                   outputs: Int.random(in: 1...3, using: &rng),
                                                   family: .positive, maxDegree: 6, using: &rng)
            let x = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
            let report = try exactCheck(of: graph, at: x, additional: [("central", centralDifference(graph, at: x))])
            let bound = 4.0 * Double(graph.nodes.count)
            for method in ["forward", "reverse"] {
                let r = try XCTUnwrap(report.report(for: method))
                XCTAssertLessThanOrEqual(r.maxULPs, bound, "seed \(seed), graph \(g), \(method):\n\(r.table)\n\(graph)")
                adULPs += r.entries.filter { !$0.exact.isZero }.map(\.ulps)
                worstAD = Swift.max(worstAD, r.maxULPs)
            }
            fdULPs += try XCTUnwrap(report.report(for: "central")).entries.filter { !$0.exact.isZero }.map(\.ulps)
        }
        let adMedian = median(adULPs), fdMedian = median(fdULPs)
        XCTAssertLessThanOrEqual(adMedian, 2, "seed \(seed): AD median \(adMedian) ulps")
        XCTAssertGreaterThan(fdMedian, 1000 * Swift.max(adMedian, 1),
                             "seed \(seed): central differences should be ≥ 1000× worse (median \(fdMedian) ulps)")
        print("seed \(seed): Double forward/reverse median \(adMedian) ulps (max \(worstAD)); "
              + "central differences median \(fdMedian) ulps: \(Int(fdMedian / Swift.max(adMedian, 1)))× worse")
    }

    func testGeneralGraphsDoubleErrorIsReportedHonestly() throws {
        // On general graphs (subtraction, kinks) a Jacobian entry can cancel, and then no ulp
        // bound holds for any method: the report must show it, not hide it. What is asserted:
        // the reports are computed for every graph, most entries are within a few ulps, and the
        // exact Jacobian is what both Double modes are measured against.
        let seed: UInt64 = 0x6E4E_0001
        var rng = SeededGenerator(seed: seed)
        var all: [Double] = []
        for _ in 0..<100 {
            let n = Int.random(in: 1...3, using: &rng)
            let graph = RandomRationalGraph.random(inputs: n, size: Int.random(in: 4...12, using: &rng),
                                                   outputs: 1, family: .general, maxDegree: 6, using: &rng)
            let x = (0..<n).map { _ in Double.random(in: -2...2, using: &rng) }
            guard exactAvailability(of: graph, at: x).isAvailable else { return XCTFail("generator used a non-rational op") }
            let report = try exactCheck(of: graph, at: x)
            for r in report.methods { all += r.entries.map(\.ulps) }
        }
        let within4 = Double(all.filter { $0 <= 4 }.count) / Double(all.count)
        XCTAssertGreaterThan(within4, 0.9, "seed \(seed)")
        print("seed \(seed): general graphs, \(Int(within4 * 100))% of Double AD entries within 4 ulps, "
              + "99th percentile \(percentile(all, 0.99)) ulps, max \(all.max() ?? 0)")
    }

    func testConcurrentExactJacobiansShareValuesSafely() async throws {
        // Rationals are immutable and shared between threads (the inputs below, the cached small
        // integers); eight tasks computing the same exact Jacobian must all get the hand-derived
        // one. Run under `swift test --sanitize=thread` to check for races as well.
        let x: [Rational] = ["1/3", "2/7"]
        let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
            for k in 0..<8 {
                group.addTask {
                    try exactJacobian(of: Quadratic(), at: x, mode: k % 2 == 0 ? .forward : .reverse).jacobian
                        == [["44/21", "5/3"]]
                }
            }
            var all: [Bool] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(ok, Array(repeating: true, count: 8))
    }

    // MARK: Errors come out typed and located

    /// f = x0·x1 + sin(x0): tape nodes 0 = x0, 1 = x1, 2 = mul, 3 = sin.
    struct UsesSin: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1] + T.sin(x[0])] }
    }

    func testUnsupportedOpThrowsNamingOpAndNode() {
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertThrowsError(try exactJacobian(of: UsesSin(), at: ["1/2", "1/3"] as [Rational], mode: mode)) {
                XCTAssertEqual($0 as? ADError, .unsupported(op: "sin", scalarType: "Rational", node: 3), "\(mode)")
            }
        }
    }

    /// f = x0·x1 + sigmoid(x0), and the same with softplus and swish: tape nodes 0 = x0, 1 = x1,
    /// 2 = mul, 3 = the composite op.
    struct UsesComposite: ADFunction {
        let op: Op
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1] + T.apply(op, x[0], x[0], 0)] }
    }

    /// A composite op reaches the rationals as the `exp` inside it (Dual and Reverse evaluate its
    /// primal with the registry's generic code), and the error used to say "exp is not available"
    /// with no node, naming an op the function does not use. It names the op the user wrote.
    func testUnsupportedCompositeOpIsNamedAsWrittenNotByTheExpInsideIt() {
        for op in [Op.sigmoid, .softplus, .swish] {
            for mode in [JacobianMode.forward, .reverse] {
                XCTAssertThrowsError(try exactJacobian(of: UsesComposite(op: op), at: ["1/2", "1/3"] as [Rational], mode: mode)) {
                    XCTAssertEqual($0 as? ADError, .unsupported(op: op.info.name, scalarType: "Rational", node: 3), "\(op) \(mode)")
                }
            }
        }
    }

    /// Division's chain-rule products, which it orders itself to survive Double's range, are its
    /// partials times the (co)tangents exactly in rational arithmetic, and both are the hand
    /// forms u/y and −u·x/y². At x = 3/7, y = −5/11, u = 13/17: u/y = −143/85 and
    /// −u·x/y² = −(13/17)(3/7)(121/25) = −4719/2975. Tangents dx = 2/3, dy = −7/5 give
    /// dx/y − x·dy/y² = −22/15 + (3/7)(7/5)(121/25) = −22/15 + 363/125 = 539/375.
    func testDivisionProductsAreItsPartialsTimesTheCotangentsExactly() {
        let x: Rational = "3/7", y: Rational = "-5/11", u: Rational = "13/17"
        let dx: Rational = "2/3", dy: Rational = "-7/5"
        let z = Builtin.Div.primal(x, y, 0)
        let (p, q) = Builtin.Div.partials(x, y, 0, output: z)
        let (pu, qu) = Builtin.Div.vjp(x, y, 0, output: z, cotangent: u)
        XCTAssertEqual([pu, qu], [p * u, q * u])
        XCTAssertEqual([pu, qu], ["-143/85", "-4719/2975"])
        let t: Rational = Builtin.Div.jvp(x, y, 0, output: z, tangents: dx, dy)
        XCTAssertEqual(t, p * dx + q * dy)
        XCTAssertEqual(t, "539/375")
        // Exact scalars never lose range, so the products take no magnitude branch.
        let tiny: Rational = "1/1000000000000000000000000000000000000000000000000000000000000000000000000000000"
        XCTAssertTrue((tiny * tiny * tiny * tiny).isNormalValue, "1e-316: subnormal as a Double, exact as a rational")
    }

    func testDivisionByZeroInsideAGraphIsADomainError() {
        struct DivByDifference: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] / (x[1] - x[1])] }
        }
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertThrowsError(try exactJacobian(of: DivByDifference(), at: [Rational(1), Rational(2)], mode: mode)) {
                guard case let .domain(op, _, _, reason)? = $0 as? ADError else { return XCTFail("\($0)") }
                XCTAssertEqual(op, "div")
                XCTAssertEqual(reason, "division by zero")
            }
        }
    }

    func testBitSizeLimitInsideAGraphIsALimitError() {
        struct HighPower: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], 4096)] }
        }
        let saved = Rational.bitSizeLimit
        defer { Rational.bitSizeLimit = saved }
        Rational.bitSizeLimit = 1024
        XCTAssertThrowsError(try exactJacobian(of: HighPower(), at: ["3/2"] as [Rational], mode: .reverse)) {
            guard case .limitExceeded? = $0 as? ADError else { return XCTFail("\($0)") }
        }
    }

    func testHugeExactValuesAreValuesNotOverflow() throws {
        // d/dx x^200 at x = 2^10 is 200·2^1990: beyond Double's range, exact here. Both modes must
        // return it rather than calling it non-finite.
        struct Power: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], 200)] }
        }
        let expected = 200 * Rational.powi(2, 1990)
        for mode in [JacobianMode.forward, .reverse] {
            let r = try exactJacobian(of: Power(), at: [Rational(1024)], mode: mode)
            XCTAssertEqual(r.jacobian, [[expected]])
            XCTAssertEqual(r.jacobian[0][0].doubleValue, .infinity)
        }
    }

    func testInputCountAndNaNInputsAreRejected() {
        XCTAssertThrowsError(try exactJacobian(of: Quadratic(), at: [Rational(1)])) {
            XCTAssertEqual($0 as? ADError, .dimensionMismatch(what: "number of inputs", expected: 2, got: 1))
        }
        XCTAssertThrowsError(try exactJacobian(of: Quadratic(), at: [Rational(1), .nan]))
        XCTAssertThrowsError(try exactJacobian(of: Quadratic(), at: [1.0, .infinity]))
    }

    /// Written as string literals, "abc" and "1/0" were NaN Rationals and both said "input 0 is
    /// NaN": the input's text and what is wrong with it are named now.
    func testMalformedTextInputsAreNamedWithTheirFault() throws {
        // Literals in the call, as a user writes them (and as they were read before: [Rational]).
        func assertRefused(_ body: () throws -> ExactJacobian, _ why: String, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { e in XCTAssertEqual(e as? ADError, .invalidArgument(why), line: line) }
        }
        assertRefused({ try exactJacobian(of: Quadratic(), at: ["abc", "2"]) }, "input 0: \"abc\" is not a rational number: no digits")
        assertRefused({ try exactJacobian(of: Quadratic(), at: ["1/0", "2"]) }, "input 0: \"1/0\" is not a rational number: zero denominator")
        assertRefused({ try exactJacobian(of: Quadratic(), at: ["2", "1/x"]) },
                      "input 1: \"1/x\" is not a rational number: missing denominator digits")
        // Well-formed text is the same point as the Rationals (44/21 and 5/3 by hand, above).
        XCTAssertEqual(try exactJacobian(of: Quadratic(), at: ["1/3", "2/7"]).jacobian, [["44/21", "5/3"]])
        // Typed as Rationals the reason is gone; the message says where to find it.
        let typed: [Rational] = ["1/0", "2"]
        XCTAssertThrowsError(try exactJacobian(of: Quadratic(), at: typed)) { e in
            guard case let ADError.invalidArgument(m)? = e as? ADError else { return XCTFail("\(e)") }
            XCTAssertTrue(m.hasPrefix("input 0 is NaN") && m.contains("Rational.parse(_:) says why"), m)
        }
    }
}

// MARK: Helpers

/// Plain central differences, the witness the exact reference is compared with:
/// (f(x + h·eⱼ) − f(x − h·eⱼ)) / (actual step), h = ε^(1/3)·max(1, |xⱼ|).
func centralDifference(_ f: some ADFunction, at x: [Double]) -> [[Double]] {
    let m = f(x).count
    var jac = Array(repeating: Array(repeating: 0.0, count: x.count), count: m)
    for j in x.indices {
        let h = pow(Double.ulpOfOne, 1.0 / 3) * Swift.max(1, Swift.abs(x[j]))
        var xp = x, xm = x
        xp[j] += h
        xm[j] -= h
        let step = xp[j] - xm[j]
        let fp = f(xp), fm = f(xm)
        for i in 0..<m { jac[i][j] = (fp[i] - fm[i]) / step }
    }
    return jac
}

func median(_ xs: [Double]) -> Double { percentile(xs, 0.5) }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    if s.isEmpty { return 0 }
    return s[Swift.min(s.count - 1, Int(Double(s.count - 1) * p))]
}
