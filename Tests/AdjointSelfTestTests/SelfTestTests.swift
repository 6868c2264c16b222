import XCTest
import AdjointCore
@testable import AdjointSelfTest

/// A self-test that checked nothing never passes (audit T2), and bad settings are typed errors,
/// not traps (audit C9).
final class SelfTestTests: XCTestCase {
    func testZeroGraphsDoNotPass() {
        for graphs in [0, -5] {
            let r = SelfTest.run(graphs: graphs, mutations: true, seed: 1)
            XCTAssertFalse(r.passed)
            XCTAssertEqual(r.problem, "nothing was checked: the number of graphs must be ≥ 1, got \(graphs)")
            XCTAssertTrue(r.renderTable().hasSuffix("FAIL"))
            guard case .object(let fields) = r.jsonValue else { return XCTFail("not an object") }
            XCTAssertEqual(fields.first?.0, "problem")
        }
        // The control: the same call with graphs checks them and passes, without a "problem" key.
        let ok = SelfTest.run(graphs: 3, mutations: false, seed: 1)
        XCTAssertTrue(ok.passed, ok.renderTable())
        XCTAssertEqual(ok.fuzz.graphs, 3)
        guard case .object(let fields) = ok.jsonValue else { return XCTFail("not an object") }
        XCTAssertFalse(fields.contains { $0.0 == "problem" })
    }

    func testAGeneratorWithNothingToPlaceDoesNotPass() {
        var gen = GraphGenerator()
        gen.builtins = []; gen.userPrimitives = []
        let r = SelfTest.run(graphs: 5, mutations: false, seed: 1, generator: gen)
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.problem, "nothing was checked: GraphGenerator has no primitive to place: builtins and userPrimitives are both empty")
    }

    /// x·y declared with arity 3: every application is an error, so graphs could never place it,
    /// and a self-test that registered it passed without exercising it (the core fixes' report).
    enum TriArity: ScalarPrimitive {
        static let name = "tri_arity"
        static var arity: Int { 3 }
        static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
        static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
    }

    func testAPrimitiveWithAnInvalidArityIsAProblemNotSkipped() {
        var gen = GraphGenerator()
        gen.userPrimitives = [TriArity.self]
        let r = SelfTest.run(graphs: 5, mutations: false, seed: 1, generator: gen)
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.problem, "nothing was checked: user primitive 'tri_arity' declares arity 3; a scalar primitive takes 1 or 2 inputs")
    }

    func testNegativeCountsAndIndicesAreTypedErrors() {
        func message(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch ADError.invalidArgument(let m) { return m } catch { return "other: \(error)" }
        }
        XCTAssertEqual(message { try Fuzzer(seed: 1).run(graphs: -1) }, "the number of graphs must be ≥ 0, got -1")
        XCTAssertEqual(message { try Fuzzer(seed: 1).graph(-1) }, "graph index must be ≥ 0, got -1")
        XCTAssertEqual(message { try MutationTesting.run(fuzzer: Fuzzer(seed: 1), graphs: -1) }, "the number of graphs must be ≥ 0, got -1")
        let fuzzer = Fuzzer(seed: 1)
        XCTAssertEqual(fuzzer.focus(-1), fuzzer.focus(fuzzer.generator.primitives.count - 1), "focus wraps, never traps")
    }

    func testGeneratorSettingsAndFocusAreTypedErrors() {
        func message(_ gen: GraphGenerator, focus: GraphPrimitive? = nil) -> String? {
            do { _ = try gen.graph(seed: 3, focus: focus); return nil } catch ADError.invalidArgument(let m) { return m } catch { return "other: \(error)" }
        }
        var empty = GraphGenerator(); empty.builtins = []; empty.userPrimitives = []
        XCTAssertEqual(message(empty), "GraphGenerator has no primitive to place: builtins and userPrimitives are both empty")
        XCTAssertEqual(message(GraphGenerator(), focus: .user(5)), "focus .user(5) is out of range: the generator has \(UserPrimitives.scalar.count) user primitive(s)")
        XCTAssertEqual(message(GraphGenerator(), focus: .builtin(.input)), "focus .builtin(.input) is not a primitive (use ops from Op.primitives)")
        var leaf = GraphGenerator(); leaf.builtins = [.constant]
        XCTAssertEqual(message(leaf), "GraphGenerator.builtins contains 'constant', which is not a primitive (use ops from Op.primitives)")
        var shallow = GraphGenerator(); shallow.maxOutputs = 0
        XCTAssertEqual(message(shallow), "GraphGenerator.maxOutputs must be ≥ 1, got 0")
        XCTAssertEqual(GraphGenerator().name(of: .user(99)), "user #99")
    }

    /// relu is neither rational-closed nor analytic, so two of the three palettes used to be empty
    /// (an index trap); they now fall back to every primitive the generator has.
    func testANarrowedGeneratorDrawsOnlyItsPrimitives() throws {
        var gen = GraphGenerator()
        gen.builtins = [.relu]; gen.userPrimitives = []
        for seed in 0..<30 as Range<UInt64> {
            let g = try gen.graph(seed: seed)
            // relu, and the subtraction that places a kink on purpose (x_j − c).
            XCTAssertTrue(g.builtinOps.isSubset(of: [.relu, .sub]), "\(g.builtinOps)")
            XCTAssertTrue(g.builtinOps.contains(.relu), g.formula)
        }
    }
}

/// logaddexp(x, y) = log(eˣ + eʸ): ∂/∂x = σ(x − y) = e^{x − z}, ∂/∂y = e^{y − z} (by hand).
enum SelfTestLogAddExp: ScalarPrimitive {
    static let name = "selftest_logaddexp"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { let m = x < y ? y : x; return m + log(exp(x - m) + exp(y - m)) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (exp(x - z), exp(y - z)) }
}
/// softsign x/(1 + |x|), derivative 1/(1 + |x|)², written wrong (1/(1 + |x|)) only for x > 2.
enum SelfTestSoftsignWrongAbove2: UnaryPrimitive {
    static let name = "selftest_softsign_region"
    static func primal<T: ADScalar>(_ x: T) -> T { x / (1 + abs(x)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T {
        let d = 1 + abs(x)
        return x.approximateDouble > 2 ? 1 / d : 1 / (d * d)
    }
}
/// |x| with its kink at 0 declared and the convention ∂|x|/∂x = 1 at 0 (a valid subgradient).
enum SelfTestAbs: UnaryPrimitive {
    static let name = "selftest_abs"
    static func primal<T: ADScalar>(_ x: T) -> T { abs(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

extension SelfTestTests {
    /// trialJ, as a user fuzzing their own primitives beside the built-ins: right rules (one with
    /// a declared kink) pass; a rule wrong only for x > 2 is found and blamed by name.
    func testUserPrimitivesAreFuzzedBesideTheBuiltins() {
        func run(_ p: any ScalarPrimitive.Type) -> SelfTestReport {
            var gen = GraphGenerator()
            gen.userPrimitives = [p]
            return SelfTest.run(graphs: 60, mutations: false, seed: 7, generator: gen)
        }
        for p in [SelfTestLogAddExp.self, SelfTestAbs.self] as [any ScalarPrimitive.Type] {
            let r = run(p)
            XCTAssertTrue(r.passed, r.renderTable())
            XCTAssertTrue(r.fuzz.primitivesCovered.contains(p.name), r.renderTable())
        }
        let wrong = run(SelfTestSoftsignWrongAbove2.self)
        XCTAssertFalse(wrong.passed)
        XCTAssertTrue(wrong.fuzz.disagreements.contains { $0.suspect == "selftest_softsign_region" && !$0.jacReplays },
                      wrong.renderTable())
    }
}

/// x·y whose second argument's sample range holds more sixteenths than an Int counts.
enum SelfTestWideMul: ScalarPrimitive {
    static let name = "selftest_wide_mul"
    static var arity: Int { 2 }
    static var sampleRanges: [ClosedRange<Double>] { [-3...3, -1e18...1e18] }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
}
/// x·y whose second argument's sample range holds no sixteenth.
enum SelfTestNarrowMul: ScalarPrimitive {
    static let name = "selftest_narrow_mul"
    static var arity: Int { 2 }
    static var sampleRanges: [ClosedRange<Double>] { [-3...3, 0.51...0.55] }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
}

extension SelfTestTests {
    /// A constant drawn for a user primitive's second argument comes from its declared range.
    /// −1e18...1e18 trapped the self-test (Int(hi − lo) in the generator, a review); 0.51...0.55
    /// holds no sixteenth and every drawn constant was 9/16 = 0.5625, outside it.
    func testConstantsComeFromAnyDeclaredRangeWithoutATrap() throws {
        for (p, range) in [(SelfTestWideMul.self, -1e18...1e18), (SelfTestNarrowMul.self, 0.51...0.55)]
            as [(any ScalarPrimitive.Type, ClosedRange<Double>)] {
            var gen = GraphGenerator()
            gen.userPrimitives = [p]
            var inRange = 0, nineSixteenths = 0
            for seed in 0..<200 as Range<UInt64> {
                let g = try gen.graph(seed: seed, focus: .user(0))
                for node in g.nodes where node.op == .custom && g.nodes[node.b].op == .constant && node.b != node.a {
                    let c = g.constants[g.nodes[node.b].n]
                    if range.contains(c) { inRange += 1 }
                    if c == 0.5625 { nineSixteenths += 1 }
                }
            }
            XCTAssertGreaterThan(inRange, 0, "no constant from \(range) was drawn for \(p.name)'s second argument")
            // (−1e18...1e18 may reuse a constant 9/16 drawn for another node.)
            if range.upperBound < 1 { XCTAssertEqual(nineSixteenths, 0, p.name) }
            let r = SelfTest.run(graphs: 40, mutations: false, seed: 7, generator: gen)
            XCTAssertTrue(r.fuzz.primitivesCovered.contains(p.name), r.renderTable())
        }
    }
}
