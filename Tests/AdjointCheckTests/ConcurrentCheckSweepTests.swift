import Foundation
import XCTest
import AdjointCore
import RealModule
@testable import AdjointCheck

/// A review of the concurrent check (s8): random functions, points, claims, ladders and options,
/// each checked serially and on child tasks. The serial report is the reference (the concurrent
/// check promises its JSON text, table and entries); the user's claimed Jacobian and custom
/// witnesses are counted, since they are user code the serial check calls once.
final class ConcurrentCheckSweepTests: XCTestCase {
    /// A small expression over the inputs, evaluated in any scalar type (test code: its depth is
    /// the generator's, at most 4).
    indirect enum Expr: Sendable, CustomStringConvertible {
        case input(Int)
        case constant(Double)
        case unary(Op, Expr)
        case binary(Op, Expr, Expr)
        case powi(Expr, Int)
        /// A user primitive: 0 LambertW, 1 UserAbs (kink declared), 2 LambertWWrong (wrong rule).
        case user(Int, Expr)
        case kepler(Expr, Expr)
        /// Leaves the AD types through a Double: derivative lost in every mode.
        case escape(Expr)
        /// a < 0 ? b : c, a jump the tape does not see.
        case branch(Expr, Expr, Expr)

        func eval<T: ADScalar>(_ x: [T]) -> T {
            switch self {
            case .input(let j): return x[j]
            case .constant(let c): return T(c)
            case .unary(let op, let a): let v = a.eval(x); return T.apply(op, v, v, 0)
            case .binary(let op, let a, let b): return T.apply(op, a.eval(x), b.eval(x), 0)
            case .powi(let a, let n): return T.powi(a.eval(x), n)
            case .user(0, let a): return LambertW.apply(a.eval(x))
            case .user(1, let a): return UserAbs.apply(a.eval(x))
            case .user(_, let a): return LambertWWrong.apply(a.eval(x))
            case .kepler(let a, let b): return Kepler.apply(a.eval(x), b.eval(x))
            case .escape(let a): return T(a.eval(x).approximateDouble)
            case .branch(let a, let b, let c): return a.eval(x) < T(0) ? b.eval(x) : c.eval(x)
            }
        }

        var description: String {
            switch self {
            case .input(let j): return "x\(j)"
            case .constant(let c): return "\(c)"
            case .unary(let op, let a): return "\(op.info.name)(\(a))"
            case .binary(let op, let a, let b): return "\(op.info.name)(\(a), \(b))"
            case .powi(let a, let n): return "powi(\(a), \(n))"
            case .user(let k, let a): return "user\(k)(\(a))"
            case .kepler(let a, let b): return "kepler(\(a), \(b))"
            case .escape(let a): return "escape(\(a))"
            case .branch(let a, let b, let c): return "(\(a) < 0 ? \(b) : \(c))"
            }
        }
    }

    struct RandomFunction: ADFunction, Sendable {
        let outputs: [Expr]
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { outputs.map { $0.eval(x) } }
    }

    /// SplitMix64: the sweep is reproducible from its seed.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ p: Double) -> Bool { unit() < p }
        mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
    }

    static let unaryOps: [Op] = [.neg, .square, .sqrt, .exp, .expm1, .log, .log1p, .sin, .cos, .tan, .atan, .sinh,
                                 .cosh, .tanh, .asinh, .erf, .sigmoid, .softplus, .relu, .swish, .gelu, .abs]
    static let binaryOps: [Op] = [.add, .sub, .mul, .div, .pow, .max, .min, .hypot, .leakyRelu, .elu]

    static func expr(_ r: inout Rng, inputs n: Int, depth: Int) -> Expr {
        if depth == 0 || r.chance(0.25) {
            return r.chance(0.8) ? .input(r.below(n)) : .constant(r.pick([0, 1, -1, 0.5, 2, 1e8, 1e-8, 3]))
        }
        switch r.below(20) {
        case 0..<8: return .unary(r.pick(unaryOps), expr(&r, inputs: n, depth: depth - 1))
        case 8..<15: return .binary(r.pick(binaryOps), expr(&r, inputs: n, depth: depth - 1), expr(&r, inputs: n, depth: depth - 1))
        case 15: return .powi(expr(&r, inputs: n, depth: depth - 1), r.pick([-2, 0, 1, 2, 3]))
        case 16: return .user(r.below(3), expr(&r, inputs: n, depth: depth - 1))
        case 17: return .kepler(expr(&r, inputs: n, depth: depth - 1), .constant(r.pick([0.1, 0.5])))
        case 18: return .escape(expr(&r, inputs: n, depth: depth - 1))
        default: return .branch(expr(&r, inputs: n, depth: depth - 1), expr(&r, inputs: n, depth: depth - 1),
                                expr(&r, inputs: n, depth: depth - 1))
        }
    }

    /// Counts calls from any thread (custom witnesses run wherever the check runs them).
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func tick() { lock.lock(); n += 1; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    struct Case {
        var f: RandomFunction
        var x: [Double]
        var options: CheckOptions
        /// Per entry a factor on AD's reverse Jacobian (nil: no claim).
        var claimScale: [[Double]]?
        var claimShapeWrong = false
        var claimThrows = false
        var summary: String
    }

    static func makeCase(seed: UInt64, witnessCounter: Counter) -> Case {
        var r = Rng(state: seed)
        let wide = ProcessInfo.processInfo.environment["SWEEP_WIDE"] != nil
        let n = 1 + r.below(wide ? 8 : 4), m = 1 + r.below(wide ? 5 : 3)
        let f = RandomFunction(outputs: (0..<m).map { _ in expr(&r, inputs: n, depth: 1 + r.below(4)) })
        let x: [Double] = (0..<n).map { _ in
            switch r.below(12) {
            case 0: return 0
            case 1: return r.pick([1e8, -1e8, 3e8])
            case 2: return r.pick([1e-8, -1e-8])
            case 3: return -1
            case 4: return wide && r.chance(0.05) ? r.pick([.nan, .infinity]) : 1
            default: return (r.unit() * 4 - 2).rounded(toPlaces: 3)
            }
        }
        var o = CheckOptions()
        if r.chance(0.6) {
            var rungs: [WitnessRung] = DifferenceMethod.allCases.map { .differences($0) } + [.exactRationals]
            let reference = f
            rungs.append(.custom(name: "ad-reverse", errorEstimate: r.pick([0, 1e-12]), jacobian: { x in
                witnessCounter.tick()
                return try jacobian(of: reference, at: x, mode: .reverse).jacobian
            }))
            rungs.append(.custom(name: "throws", errorEstimate: 0, jacobian: { _ in
                witnessCounter.tick()
                throw ADError.invalidArgument("no witness here")
            }))
            rungs.append(.custom(name: "zeros", errorEstimate: 1e-9, jacobian: { x in
                witnessCounter.tick()
                return (0..<m).map { _ in x.map { _ in 0 } }
            }))
            var ladder: [WitnessRung] = []
            for _ in 0..<(1 + r.below(6)) { ladder.append(r.pick(rungs)) }
            o.ladder = ladder
        }
        if r.chance(0.15) { o.checkForward = false }
        if r.chance(0.15) { o.checkReverse = false }
        if r.chance(0.2) { o.localizeFaults = false }
        if r.chance(0.3) { o.directionSeed = r.chance(0.5) ? nil : r.next() }
        if r.chance(0.1) { o.rtol = r.pick([0, 1e-6]) }
        if r.chance(0.1) { o.atol = r.pick([0, 1e-9]) }
        if r.chance(0.15) { o.step = r.pick([.absolute(1e-4), .relative(1e-6), .absolute(1e-300)]) }
        var claimScale: [[Double]]? = nil
        if r.chance(0.7) {
            claimScale = (0..<m).map { _ in (0..<n).map { _ in
                switch r.below(10) {
                case 0: return -1
                case 1: return 1.5
                case 2: return 1 + 1e-6
                case 3: return .nan
                default: return 1
                }
            } }
        }
        let summary = "f = \(f.outputs) at \(x), ladder \(o.ladder.map(\.name)), forward \(o.checkForward), "
            + "reverse \(o.checkReverse), step \(o.step), claim \(claimScale.map { "\($0)" } ?? "none")"
        var c = Case(f: f, x: x, options: o, claimScale: claimScale, summary: summary)
        c.claimShapeWrong = claimScale != nil && r.chance(0.03)
        c.claimThrows = claimScale != nil && r.chance(0.03)
        return c
    }

    struct Refused: Error, Equatable {}

    /// The serial and concurrent outcomes of one case in one scalar type: report JSON and table,
    /// or the error's description; with the claim's and the witnesses' call counts.
    func outcomes<V: ADScalar & BinaryFloatingPoint & Real & Sendable & SIMDScalar>(
        _ c: Case, _ type: V.Type, counter: Counter, tasks: Int
    ) async -> (serial: String, parallel: String, claims: (Int, Int), witnesses: (Int, Int), verdicts: Set<String>) {
        let x = c.x.map { V($0) }
        let ad = (try? jacobian(of: c.f, at: x, mode: .reverse).jacobian) ?? []
        var claimCalls = 0
        let claimed: (([V]) throws -> [[V]])? = c.claimScale.map { scale in { _ in
            claimCalls += 1
            if c.claimThrows { throw Refused() }
            var rows = scale.indices.map { i in scale[i].indices.map { j in
                i < ad.count && j < ad[i].count ? ad[i][j] * V(scale[i][j]) : V(scale[i][j])
            } }
            if c.claimShapeWrong { rows.append([]) }
            return rows
        } }
        var verdicts: Set<String> = []
        let w0 = counter.count
        let serial: String
        do {
            let r = try checkJacobian(of: c.f, at: x, claimed: claimed, claimedName: "hand", options: c.options)
            serial = r.toJSON() + "\n" + r.renderTable()
            verdicts = Set(r.entries.joined().map(\.verdict.name))
            if r.problem != nil { verdicts.insert("problem") }
            if r.fault != nil { verdicts.insert("fault") }
            if r.directional != nil { verdicts.insert("directional") }
            if r.rungsUsed.count > 2 { verdicts.insert("3+ rungs") }
        } catch {
            serial = "threw \(error)"
            verdicts = ["threw"]
        }
        let serialClaims = claimCalls, w1 = counter.count
        claimCalls = 0
        let parallel: String
        do {
            let r = try await checkJacobian(of: c.f, at: x, claimed: claimed, claimedName: "hand", options: c.options, tasks: tasks)
            parallel = r.toJSON() + "\n" + r.renderTable()
        } catch {
            parallel = "threw \(error)"
        }
        return (serial, parallel, (serialClaims, claimCalls), (w1 - w0, counter.count - w1), verdicts)
    }

    /// The sweep: every case's concurrent report is the serial one's text, and the user's
    /// closures are called as often as by the serial check. 300 cases by default; by hand,
    /// SWEEP_CASES, SWEEP_FIRST (first seed) and SWEEP_WIDE (up to 8 inputs and 5 outputs, a few
    /// non-finite points) widen it.
    func testRandomCasesGiveTheSerialReport() async throws {
        let counter = Counter()
        var mismatches: [String] = []
        var verdicts: [String: Int] = [:]
        let cases = Int(ProcessInfo.processInfo.environment["SWEEP_CASES"] ?? "") ?? 300
        let first = UInt64(ProcessInfo.processInfo.environment["SWEEP_FIRST"] ?? "") ?? 0
        for seed in first..<first + UInt64(cases) {
            let c = Self.makeCase(seed: seed &* 7919 &+ 17, witnessCounter: counter)
            let float = seed % 5 == 4
            let o = float ? await outcomes(c, Float.self, counter: counter, tasks: 2 + Int(seed % 2))
                          : await outcomes(c, Double.self, counter: counter, tasks: 2 + Int(seed % 2))
            for v in o.verdicts { verdicts[v, default: 0] += 1 }
            if o.serial != o.parallel {
                mismatches.append("seed \(seed) (\(float ? "Float" : "Double")): \(c.summary)\nserial:\n\(o.serial.suffix(1500))\nparallel:\n\(o.parallel.suffix(1500))")
            }
            if o.claims.0 != o.claims.1 { mismatches.append("seed \(seed): claim called \(o.claims.0) serially, \(o.claims.1) concurrently: \(c.summary)") }
            if o.witnesses.0 != o.witnesses.1 {
                mismatches.append("seed \(seed): custom witnesses called \(o.witnesses.0) serially, \(o.witnesses.1) concurrently: \(c.summary)")
            }
        }
        print("concurrent sweep: \(cases) cases, reports containing each verdict: \(verdicts.sorted { $0.key < $1.key })")
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) mismatches:\n" + mismatches.filter { !$0.contains("called") }.prefix(3).joined(separator: "\n\n"))
        // The sweep reaches what it is meant to: wrong claims escalating up the ladder, kinks,
        // fault localisation, failed evaluations and throwing claims all occur.
        for (what, least) in [("rule-wrong", 20), ("3+ rungs", 20), ("kink", 5), ("fault", 1), ("problem", 5), ("threw", 1)] {
            XCTAssertGreaterThanOrEqual(verdicts[what, default: 0], least, what)
        }
    }
}

private extension Double {
    func rounded(toPlaces p: Int) -> Double {
        let s = Foundation.pow(10, Double(p))
        return (self * s).rounded() / s
    }
}

/// Shapes the sweep does not draw: an output count that changes near x, no ladder, task counts
/// that fall back to the serial path or exceed the columns.
final class ConcurrentCheckEdgeTests: XCTestCase {
    /// Two outputs below x₀ = 1, one from there on (and the reverse): the differences at x ± h see
    /// another output count than f(x).
    struct Ragged: ADFunction, Sendable {
        let fewerAbove: Bool
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            (x[0] < T(1)) == fewerAbove ? [T.sin(x[0] * x[1]), x[1] * x[1]] : [T.sin(x[0] * x[1])]
        }
    }

    func sameReports<F: ADFunction & Sendable>(_ f: F, at x: [Double], options: CheckOptions = CheckOptions(), tasks: Int = 2,
                                               claimed: (([Double]) throws -> [[Double]])? = nil, _ what: String) async throws {
        let serial = try checkJacobian(of: f, at: x, claimed: claimed, options: options)
        let parallel = try await checkJacobian(of: f, at: x, claimed: claimed, options: options, tasks: tasks)
        XCTAssertEqual(parallel.toJSON(), serial.toJSON(), what)
        XCTAssertEqual(parallel.renderTable(), serial.renderTable(), what)
    }

    func testEdgeShapesGiveTheSerialReport() async throws {
        for fewerAbove in [true, false] {
            for x in [[1.0, 0.5], [1 - 1e-9, 0.5]] {
                try await sameReports(Ragged(fewerAbove: fewerAbove), at: x, "output count changing near \(x)")
            }
        }
        let x = [0.3, -0.7, 1.1, 0.2, 0.9, -1.4]
        var noLadder = CheckOptions()
        noLadder.ladder = []
        try await sameReports(ConcurrentCheckTests.Wide(), at: x, options: noLadder, "no ladder")
        // A claim of x itself in every row: wrong almost everywhere, so the ladder escalates.
        for tasks in [-1, 0, 1, 64] {
            try await sameReports(ConcurrentCheckTests.Wide(), at: x, tasks: tasks, claimed: { x in (0..<4).map { _ in x } }, "\(tasks) tasks")
        }
    }
}

extension ConcurrentCheckEdgeTests {
    /// The user primitives of `UserPrimitiveTests` (scalar and vector, right and wrong rules, a
    /// declared kink, a bad arity, an escape), with and without a wrong claim, on the default
    /// ladder and on one with the exact rung between difference rungs.
    func testUserPrimitivesGiveTheSerialReport() async throws {
        typealias U = UserPrimitiveTests
        func both<F: ADFunction & Sendable>(_ f: F, _ x: [Double], _ what: String) async throws {
            let m = f(x).count
            let wrong: ([Double]) -> [[Double]] = { x in (0..<m).map { i in x.map { $0 * Double(i + 2) } } }
            var exactBetween = CheckOptions()
            exactBetween.ladder = [.differences(.central), .exactRationals, .differences(.richardson),
                                   .differences(.complexStep), .differences(.adaptive)]
            for options in [CheckOptions(), exactBetween] {
                for claimed in [nil, wrong] {
                    try await sameReports(f, at: x, options: options, claimed: claimed, "\(what), \(options.ladder.map(\.name))")
                }
            }
        }
        try await both(U.UsesW<LambertW>(), [1.1, 0.8], "W")
        try await both(U.UsesW<LambertWWrong>(), [1.1, 0.8], "W, wrong rule")
        try await both(U.KeplerFunction<KeplerWrong>(), [1.2, 0.3], "Kepler, wrong rule")
        try await both(U.ScaledSum<ScaleLongJVP>(), [1, 2], "JVP of the wrong length")
        try await both(U.ScaledSum<ScaleJVPOnly>(), [1, 2], "JVP only")
        try await both(ThroughProdSin<ProdSinWrongJVPOnly>(), [0.5, 2.0], "wrong JVP only")
        try await both(ThroughProdSin<ProdSinVJPOnly>(), [0.5, 2.0], "VJP only")
        try await both(ThroughProdSin<ProdSinNoRule>(), [0.5, 2.0], "no rule")
        try await both(ThroughProdSin<ProdSinVJPNilInSweep>(), [0.5, 2.0], "VJP nil in the sweep")
        try await both(U.SolveLoss<LinearSolve>(), [2.0, 0.5, -0.25, 3.0, 1.0, -2.0], "linear solve")
        try await both(U.SolveLoss<LinearSolveWrongVJP>(), [2.0, 0.5, -0.25, 3.0, 1.0, -2.0], "linear solve, wrong VJP")
        try await both(U.UserAbsFunction(), [0.0], "user |x| at its kink")
        try await both(U.CallsTri(), [1.0, 2.0], "arity 3")
        try await both(U.UsesCube<U.EscapingWrong>(), [0.7], "escaping")
    }
}

/// What a judging given up at a missing rung must not repeat: the user's witnesses, f's
/// evaluations, the exact rung.
final class ConcurrentCheckRestartTests: XCTestCase {
    /// Wide's shape (ℝ⁴ → ℝ⁴, every output reading every input), counting its evaluations in
    /// every scalar type (differences, complex step, exact rationals, kink probes).
    struct Counted: ADFunction, Sendable {
        let counter: ConcurrentCheckSweepTests.Counter
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            counter.tick()
            return (0..<4).map { i in
                var s: T = 0
                for (j, xj) in x.enumerated() { s = s + T.sin(xj * T(Double(i + j + 1) * 0.3)) * xj }
                return s + T.exp(x[i] * 0.1)
            }
        }
    }

    /// Every entry of the claim has the wrong sign, so every entry escalates through the whole
    /// ladder: the serial check reaches each rung, and the concurrent one computes each
    /// difference rung on child tasks after a judging that stopped for it.
    func wrongClaim(_ f: Counted, at x: [Double]) throws -> ([Double]) -> [[Double]] {
        let ad = try jacobian(of: f, at: x, mode: .reverse).jacobian
        return { _ in ad.map { $0.map { -$0 } } }
    }

    func testACustomWitnessIsCalledAsOftenAsByTheSerialCheck() async throws {
        // A custom witness between two difference rungs: the serial check calls it once; a
        // judging given up at the rung after it must not call it again.
        let calls = ConcurrentCheckSweepTests.Counter()
        let f = Counted(counter: ConcurrentCheckSweepTests.Counter())
        let x = [0.3, -0.7, 1.1, 0.2]
        var o = CheckOptions()
        o.ladder = [.differences(.central),
                    .custom(name: "by-reverse", errorEstimate: 1e-12, jacobian: { x in
                        calls.tick()
                        return try jacobian(of: f, at: x, mode: .reverse).jacobian
                    }),
                    .differences(.richardson)]
        let claimed = try wrongClaim(f, at: x)
        let serial = try checkJacobian(of: f, at: x, claimed: claimed, options: o)
        XCTAssertEqual(calls.count, 1, "the serial check calls the witness once")
        XCTAssertEqual(serial.rungsUsed.map(\.0), ["central", "by-reverse", "richardson"], "the premise: every rung is reached")
        let parallel = try await checkJacobian(of: f, at: x, claimed: claimed, options: o, tasks: 2)
        XCTAssertEqual(calls.count - 1, 1, "the concurrent check calls the witness once too")
        XCTAssertEqual(parallel.toJSON(), serial.toJSON())
    }

    func testAJudgingGivenUpEvaluatesNothingTheSerialCheckDoesNot() async throws {
        // When the serial check reaches every rung, the concurrent one computes the same
        // witnesses, directional samples and probes, only elsewhere: the same evaluations of f.
        // A judging that went on past its missing rung sent every later entry, with no witness
        // left, to the jump test (six evaluations each) and repeated the complex-step and exact
        // rungs in every restart.
        let counter = ConcurrentCheckSweepTests.Counter()
        let f = Counted(counter: counter)
        let x = [0.3, -0.7, 1.1, 0.2]
        let claimed = try wrongClaim(f, at: x)
        let before = counter.count
        let serial = try checkJacobian(of: f, at: x, claimed: claimed)
        let serialEvaluations = counter.count - before
        XCTAssertEqual(serial.rungsUsed.count, WitnessRung.defaultLadder.count, "the premise: every rung is reached")
        let parallel = try await checkJacobian(of: f, at: x, claimed: claimed, tasks: 2)
        XCTAssertEqual(counter.count - before - serialEvaluations, serialEvaluations)
        XCTAssertEqual(parallel.toJSON(), serial.toJSON())
    }
}
