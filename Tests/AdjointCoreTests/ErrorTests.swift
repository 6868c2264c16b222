import XCTest
import Foundation
@testable import AdjointCore

/// Domain errors, kinks, non-finite results and misuse: each must be a typed error or report that
/// names the op, never a crash or a silent NaN.
final class ErrorTests: XCTestCase {
    func unary(_ op: Op) -> ([Reverse<Double>]) -> Reverse<Double> {
        { v in op.arity == 2 ? Reverse.applyBinary(op, v[0], v[1]) : Reverse.applyUnary(op, v[0], op == .powi ? -1 : 0) }
    }

    /// Hand-listed violations (independent of the registry's predicate): each must throw a domain
    /// error naming the op, in reverse and in forward mode.
    func testHandListedDomainErrorsNameTheOp() {
        let cases: [(Op, [Double])] = [
            (.log, [-1]), (.log, [0]), (.sqrt, [-4]), (.div, [1, 0]), (.log1p, [-2]),
            (.powi, [0]), (.pow, [-2, 0.5]), (.pow, [0, -1]),
        ]
        for (op, x) in cases {
            XCTAssertThrowsError(try gradient(of: unary(op), at: x), "\(op) at \(x)") { e in
                guard case let ADError.domain(name, node, _, _) = e else { return XCTFail("\(op): got \(e)") }
                XCTAssertEqual(name, op.info.name)
                XCTAssertEqual(node, x.count, "the op is the node after the \(x.count) inputs")
            }
            XCTAssertThrowsError(try jvp(of: { v in [op.arity == 2 ? Dual.applyBinary(op, v[0], v[1]) : Dual.applyUnary(op, v[0], op == .powi ? -1 : 0)] },
                                         at: x, direction: x.map { _ in 1 })) { e in
                guard case let ADError.domain(name, _, _, _) = e else { return XCTFail("\(op) forward: got \(e)") }
                XCTAssertEqual(name, op.info.name)
            }
        }
    }

    /// A NaN made earlier fails every domain test (NaN > 0 is false): the error says the argument
    /// was NaN, not that it was "non-positive" (a new user was sent looking for a negative x).
    func testADomainErrorOnANaNArgumentSaysNaN() {
        for op in [Op.log, .log1p, .pow, .sqrt] {
            let (_, diag) = Diagnostics.collect { _ = Reverse<Double>.applyBinaryOrUnary(op, .nan, .nan, 0) }
            let domain = diag.errors.compactMap { e -> (String, [Double], String)? in
                if case let .domain(name, _, inputs, reason) = e { return (name, inputs, reason) }
                return nil
            }
            XCTAssertEqual(domain.count, 1, "\(op): \(diag.errors)")
            guard let (name, inputs, reason) = domain.first else { continue }
            XCTAssertEqual(name, op.info.name)
            XCTAssertTrue(inputs.first?.isNaN ?? false)
            XCTAssertTrue(reason.contains("NaN"), reason)
            XCTAssertFalse(reason.contains("non-positive") || reason.contains("negative") || reason.contains("≤"), reason)
        }
    }

    /// Found by review: where the other argument alone fails the test, the NaN is not the cause.
    /// NaN/0 is a division by zero whatever the numerator is (`jac diff "x/0"`, x unbound, said
    /// "div of NaN"). Where the NaN is what fails it, the error still says NaN: pow(0, NaN) fails
    /// only because NaN > 0 is false (pow(0, 1) is fine).
    func testANaNBesideAnArgumentThatFailsAloneKeepsTheRealReason() {
        func reason(_ op: Op, _ x: Double, _ y: Double) -> String? {
            let (_, diag) = Diagnostics.collect { _ = Reverse<Double>.applyBinaryOrUnary(op, x, y, 0) }
            return diag.errors.compactMap { e -> String? in
                if case let .domain(_, _, _, reason) = e { return reason }
                return nil
            }.first
        }
        XCTAssertEqual(reason(.div, .nan, 0), "division by zero")
        XCTAssertEqual(reason(.div, 1, 0), "division by zero")
        XCTAssertNil(reason(.div, .nan, 2))
        let nanExponent = reason(.pow, 0, .nan)
        XCTAssertTrue(nanExponent?.contains("of NaN") ?? false, nanExponent ?? "no error")
        let nanBase = reason(.pow, .nan, 0.5)
        XCTAssertTrue(nanBase?.contains("of NaN") ?? false, nanBase ?? "no error")
    }

    /// In generic code `<=` and `>=` are false at a NaN, as they are for Double (they were
    /// derived as "not greater" and "not less", which a NaN satisfies).
    func testGenericComparisonsAreFalseAtANaN() {
        func le<T: ADScalar>(_ a: T, _ b: T) -> Bool { a <= b }
        func ge<T: ADScalar>(_ a: T, _ b: T) -> Bool { a >= b }
        for (a, b) in [(Double.nan, 0.0), (0.0, .nan), (.nan, .nan)] {
            XCTAssertFalse(le(a, b)); XCTAssertFalse(ge(a, b))
            XCTAssertFalse(le(Float(a), Float(b))); XCTAssertFalse(ge(Float(a), Float(b)))
            XCTAssertFalse(le(Dual(a, tangent: 1.0), Dual(b, tangent: 1.0)))
        }
        // Ordinary values as for Double.
        XCTAssertTrue(le(1.0, 1.0) && ge(1.0, 1.0) && le(-0.0, 0.0) && ge(0.0, -0.0))
        XCTAssertTrue(le(1.0, 2.0) && !ge(1.0, 2.0) && ge(2.0, 1.0) && !le(2.0, 1.0))
    }

    /// Generated from the registry: on a grid of probe points, the interpreters throw exactly where
    /// `Rules.domainViolation` says and nowhere else.
    func testDomainErrorsRaisedExactlyWhereRegistrySays() throws {
        let probes: [Double] = [-2, -1, -0.5, 0, 0.5, 1, 2]
        for op in Op.primitives {
            for x in probes {
                for y in (op.arity == 2 ? probes : [x]) {
                    let n = op == .powi ? -1 : 0
                    let expected = Rules.domainViolation(op, x, y, n) != nil
                    let (_, diag) = Diagnostics.collect { _ = Reverse<Double>.applyBinaryOrUnary(op, x, y, n) }
                    let raised = diag.errors.contains { if case .domain = $0 { return true }; return false }
                    XCTAssertEqual(raised, expected, "\(op.info.name)(\(x), \(y))")
                }
            }
        }
    }

    func testKinksAreReportedWithTheirNode() throws {
        let rec = try record({ v in [relu(v[0]) + Reverse.abs(v[1]) + Reverse.max(v[0], v[1])] }, at: [0.0, 0.0])
        let kinks = rec.diagnostics.kinks.map(\.op)
        XCTAssertEqual(kinks, [.relu, .abs, .max])
        XCTAssertEqual(rec.diagnostics.kinks.first?.node, 2)
        // Conventions: relu′(0) = 0, abs′(0) = 0, max tie gives ½ each.
        XCTAssertEqual(try rec.pullback([1]), [0.5, 0.5])
        // Away from kinks, nothing is reported.
        let smooth = try record({ v in [relu(v[0])] }, at: [1.0])
        XCTAssertEqual(smooth.diagnostics.kinkCount, 0)
        // Forward mode reports the same kinks.
        let (_, d) = Diagnostics.collect { relu(Dual<Double, Double>(0, tangent: 1)) }
        XCTAssertEqual(d.kinks.map(\.op), [.relu])
    }

    func testNestedCollectionsCountEveryEvent() {
        let n = Diagnostics.storedEventLimit + 36
        let (_, outer) = Diagnostics.collect {
            _ = Diagnostics.collect { for _ in 0..<n { _ = relu(Dual<Double, Double>(0, tangent: 1)) } }
        }
        XCTAssertEqual(outer.kinkCount, n)
        XCTAssertEqual(outer.kinks.count, Diagnostics.storedEventLimit)
    }

    /// 1e308·10 overflows in a product of constants, which no tape records: the tape first held
    /// the ∞ as a constant entry, and the error named "constant". The op is named (no node, as
    /// forward mode names it); a constant that is ∞ as given still names its entry.
    func testAnOverflowAmongConstantsNamesItsOp() {
        XCTAssertThrowsError(try record({ v in [Reverse<Double>(1e308) * Reverse(10) * v[0]] }, at: [1.0])) { e in
            XCTAssertEqual(e as? ADError, .nonFinite(what: "output 0", op: "mul", node: nil))
        }
        XCTAssertThrowsError(try record({ v in [exp(Reverse<Double>(1000)) + v[0]] }, at: [1.0])) { e in
            XCTAssertEqual(e as? ADError, .nonFinite(what: "output 0", op: "exp", node: nil))
        }
        XCTAssertThrowsError(try record({ v in [Reverse<Double>(.infinity) * v[0]] }, at: [1.0])) { e in
            XCTAssertEqual(e as? ADError, .nonFinite(what: "output 0", op: "constant", node: 1))
        }
    }

    func testNonFiniteResultsNameTheOpThatProducedThem() {
        XCTAssertThrowsError(try gradient(of: { v in exp(v[0]) * 2 }, at: [1000.0])) { e in
            XCTAssertEqual(e as? ADError, .nonFinite(what: "output 0", op: "exp", node: 1))
        }
        // sqrt(x²) at 0: every value is finite but sqrt′(0) = ∞ and ∞·0 = NaN.
        XCTAssertThrowsError(try gradient(of: { v in sqrt(v[0] * v[0]) }, at: [0.0])) { e in
            guard case let ADError.nonFinite(_, op, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "sqrt")
        }
        // NaN is not hidden by relu or max.
        XCTAssertTrue(Double.relu(.nan).isNaN)
        XCTAssertTrue(Double.max(1, .nan).isNaN)
        XCTAssertTrue(Double.max(.nan, 1).isNaN)
    }

    func testMisuseGivesTypedErrors() {
        XCTAssertThrowsError(try jvp(of: { $0 }, at: [1.0, 2.0], direction: [1])) { e in
            XCTAssertEqual(e as? ADError, .dimensionMismatch(what: "direction length (number of inputs)", expected: 2, got: 1))
        }
        XCTAssertThrowsError(try vjp(of: { $0 }, at: [1.0], cotangent: [1, 2]))
        XCTAssertThrowsError(try jacobian(of: R3toR2(), at: [1.0]))
        struct Two: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0], x[0]] } }
        XCTAssertThrowsError(try hessian(of: Two(), at: [1.0]))
        // A variable escaping one recording and returned from another is caught.
        var escaped: Reverse<Double>?
        _ = try? gradient(of: { v in escaped = v[0]; return v[0] }, at: [1.0])
        XCTAssertThrowsError(try record({ _ in [escaped ?? 0] }, at: [2.0]))
        // …and so is one mixed into a new computation, even when the new tape's header happens to
        // sit at the old address (tapes carry generation numbers).
        for _ in 0..<3 {
            XCTAssertThrowsError(try record({ v in [v[0] * (escaped ?? 0)] }, at: [2.0])) { e in
                guard case ADError.foreignVariable = e else { return XCTFail("\(e)") }
            }
        }
    }

    func testTapeLimitIsAnErrorNotACrash() {
        XCTAssertThrowsError(try record({ v in
            var s = v[0]
            for _ in 0..<100 { s = s * v[0] }
            return [s]
        }, at: [1.0], tapeLimit: 50)) { e in
            XCTAssertEqual(e as? ADError, .limitExceeded(what: "tape length", limit: 50))
        }
    }

    /// Testing the tester: a planted wrong rule changes what both modes compute.
    func testPlantedMutationIsSeenByBothModes() throws {
        let good = try gradient(of: { v in sin(v[0]) }, at: [0.3])[0]
        RuleMutations.withMutation(RuleMutation(op: .sin, factor: -1)) {
            XCTAssertEqual(try? gradient(of: { v in sin(v[0]) }, at: [0.3])[0], -good)
            XCTAssertEqual(derivative(of: { sin($0) }, at: 0.3), -good)
        }
        XCTAssertEqual(try gradient(of: { v in sin(v[0]) }, at: [0.3])[0], good, "mutation removed afterwards")
    }
}

extension Reverse where V == Double {
    static func applyBinaryOrUnary(_ op: Op, _ x: Double, _ y: Double, _ n: Int) -> Reverse {
        op.arity == 2 ? applyBinary(op, Reverse(constant: x), Reverse(constant: y))
                      : applyUnary(op, Reverse(constant: x), n)
    }
}

/// Limits found by review: each was a silent truncation, an overflow or an unbounded allocation.
final class LimitTests: XCTestCase {
    func testPowiExponentBeyondInt32IsReportedOnATape() {
        // (−1)^4294967299 = −1 and its derivative is 4294967299·(−1)^4294967298 = 4294967299;
        // truncated to 32 bits the exponent would be 3. The tape cannot hold it: a typed error.
        XCTAssertThrowsError(try gradient(of: { v in Reverse.powi(v[0], 4_294_967_299) }, at: [-1.0])) { e in
            guard case ADError.limitExceeded = e else { return XCTFail("\(e)") }
        }
        // Forward mode keeps the full exponent.
        XCTAssertEqual(derivative(of: { Dual.powi($0, 4_294_967_299) }, at: -1.0), 4_294_967_299)
    }

    func testPowiExponentIntMinIsALimitInEveryMode() {
        // n·x^(n−1) has no n − 1 in Int for n = Int.min: forward and Hessian modes trapped there.
        // Every mode reports the exponent as out of range instead (reverse mode already did: the
        // tape keeps 32 bits of exponent).
        func assertLimit(_ what: String, _ body: () throws -> Any) {
            XCTAssertThrowsError(try body(), what) { e in
                guard case ADError.limitExceeded = e else { return XCTFail("\(what): \(e)") }
            }
        }
        assertLimit("forward, chunked") { try jacobianForward(of: { x in [pow(x[0], Int.min)] }, at: [1.0]).jacobian }
        assertLimit("forward, one direction") { try jvp(of: { x in [Dual.powi(x[0], .min)] }, at: [2.0], direction: [1]).jvp }
        assertLimit("forward, Float") { try jvp(of: { x in [Dual.powi(x[0], .min)] }, at: [Float(1)], direction: [1]).jvp }
        assertLimit("reverse") { try gradient(of: { x in pow(x[0], Int.min) }, at: [1.0]) }
        assertLimit("hessian") { try hessian(of: { x in pow(x[0], Int.min) }, at: [1.0]) }
        // The rule on its own: a NaN partial and the report, no trap.
        let (p, d) = Diagnostics.collect { Builtin.Powi.partials(2.0, 2.0, .min, output: 0) }
        XCTAssertTrue(p.0.isNaN)
        guard case .limitExceeded? = d.errors.first else { return XCTFail("\(d.errors)") }
        // One past it is an ordinary exponent: (−1)^(Int.min + 1) = −1 (odd), derivative
        // (Int.min + 1)·(−1)^Int.min = Int.min + 1.
        XCTAssertEqual(derivative(of: { Dual.powi($0, .min + 1) }, at: -1.0), Double(Int.min + 1))
    }

    func testHessianDimensionIsBounded() {
        XCTAssertThrowsError(try hessian(of: { v in v[0] * v[1] }, at: [1.0, 2.0, 3.0], maximumDimension: 2)) { e in
            XCTAssertEqual(e as? ADError, .limitExceeded(what: "Hessian dimension 3", limit: 2))
        }
    }

    func testHugeCapacityAndLimitDoNotOverflow() throws {
        let tape = Tape<Double>(capacity: .max, limit: .max)
        let x = tape.variable(2)
        XCTAssertEqual(tape.pullback(from: [(x * x, 1)], to: [x]), [4])
    }
}

extension ErrorTests {
    /// `tapeLimit: 0` was reported as "tape length exceeds the limit of 1": the tape clamps its
    /// limit to 1. A limit below 1 is now named as the argument it is; 1 still means 1.
    func testATapeLimitBelowOneIsNamed() throws {
        XCTAssertThrowsError(try record({ x in [x[0] * x[1]] }, at: [1.0, 2.0], tapeLimit: 0)) { e in
            XCTAssertEqual("\(e)".contains("tapeLimit must be at least 1 (got 0)"), true, "\(e)")
        }
        XCTAssertThrowsError(try record({ x in [x[0] * x[1]] }, at: [1.0, 2.0], tapeLimit: 1)) { e in
            guard case ADError.limitExceeded(_, let limit) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(limit, 1)
        }
    }
}

/// √ with the rule 0.5/z written by hand: infinite at 0, like the built-in's.
private enum HandSqrt: UnaryPrimitive {
    static let name = "usqrt"
    static func primal<T: ADScalar>(_ x: T) -> T { T.sqrt(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(0.5) / z }
}

/// √ of column 2 at 0 (∂/∂x₂ = 1/(2√x₂) = ∞ there, by hand) beside finite terms; five inputs so
/// forward mode chunks them (one pass of 8 lanes serially, several with tasks).
private struct SqrtOfAZeroColumn: ADFunction, Sendable {
    let userRule: Bool
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let root = userRule ? HandSqrt.apply(x[2]) : T.sqrt(x[2])
        return [x[0] * x[1] + root + x[3] * x[4]]
    }
}

extension ErrorTests {
    /// Forward and automatic modes, serial and on several tasks, said "non-finite Jacobian entry
    /// 2" with no op, where reverse mode named √.
    func testForwardModeNamesTheOpOfANonFiniteEntry() async {
        let x = [0.7, 1.3, 0.0, 0.4, 2.0]
        for (f, op) in [(SqrtOfAZeroColumn(userRule: false), "sqrt"), (SqrtOfAZeroColumn(userRule: true), "usqrt")] {
            func expectNamed(_ e: Error, _ how: String) {
                guard case let ADError.nonFinite(what, named, _) = e else { return XCTFail("\(how): \(e)") }
                XCTAssertEqual(what, "Jacobian entry 2", how)
                XCTAssertEqual(named, op, how)
            }
            // The reverse mode's naming, the reference.
            XCTAssertThrowsError(try jacobian(of: f, at: x, mode: .reverse)) { e in
                guard case let ADError.nonFinite(_, named, _) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(named, op)
            }
            for mode in [JacobianMode.forward, .automatic] {
                XCTAssertThrowsError(try jacobian(of: f, at: x, mode: mode)) { expectNamed($0, "\(mode)") }
                for tasks in [2, 3] {
                    do {
                        _ = try await jacobian(of: f, at: x, mode: mode, tasks: tasks)
                        XCTFail("\(mode), \(tasks) tasks: no error")
                    } catch { expectNamed(error, "\(mode), \(tasks) tasks") }
                }
            }
            XCTAssertThrowsError(try jvp(of: { f($0) }, at: x, direction: [0, 0, 1, 0, 0])) { e in
                XCTAssertEqual(e as? ADError, .nonFinite(what: "directional derivative 0", op: op, node: nil))
            }
        }
    }
}
