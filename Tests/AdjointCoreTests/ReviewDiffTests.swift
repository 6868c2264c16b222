import Foundation
import Synchronization
import XCTest
@testable import AdjointCore

// Review of the user-primitive specialisation (customRules, two-operand commonTape) and of the
// tape columns' placement (TapeBufferPool.allocate/deallocate): every expected value by hand.

/// x³ with its rule 3x², written in T (no escape); also UserPrimitiveSideTableReuseTests' primitive.
enum ReviewCube: UnaryPrimitive {
    static let name = "reviewcube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
}

/// x·y with its rules (y, x): a binary primitive for the stale/foreign checks.
private enum ReviewMul: ScalarPrimitive {
    static let name = "reviewmul"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
}

/// x³ whose rule reads x as a Double: right on Doubles, loses a nested derivative.
private enum ReviewEscapingCube: UnaryPrimitive {
    static let name = "reviewescapingcube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(3 * x.approximateDouble * x.approximateDouble) }
}

/// (x₀, x₀·x₁) as a vector primitive: a custom node with no specialised rule (customRules nil).
private enum ReviewPair: VectorPrimitive {
    static let name = "reviewpair"
    static func primal(_ x: [Double]) -> [Double] { [x[0], x[0] * x[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] + u[1] * x[1], u[1] * x[0]] }
}

/// Σₖ (x₀·x₁ + cube(x₀)) over n terms: ∂/∂x₀ = n(x₁ + 3x₀²), ∂/∂x₁ = n·x₀.
private func terms<T: ADScalar>(_ x: [T], _ n: Int) -> T {
    var s: T = 0
    for _ in 0..<n { s = s + x[0] * x[1] + ReviewCube.apply(x[0]) }
    return s
}

final class ReviewDiffTests: XCTestCase {
    // MARK: Column placement

    func testColumnsSitAtTheirOffsetAndFreeThroughThePair() {
        let huge = 1 << 21
        for bytes in [1, 8, 4095, 4096, 100_000, huge - 1, huge, huge + 1, 5 * huge + 3] {
            for column in [TapeBufferPool.Column.values, .partials, .adjoints] {
                let p = TapeBufferPool.allocate(byteCount: bytes, column: column)
                let address = Int(bitPattern: p)
                XCTAssertEqual(address % 4096, column.rawValue, "\(bytes) bytes, \(column)")
                #if os(Linux)
                if bytes >= huge { XCTAssertEqual((address - column.rawValue) % huge, 0, "\(bytes) bytes, \(column)") }
                #endif
                // Every byte asked for is writable (AddressSanitizer checks the bounds).
                memset(p, 0xA5, bytes)
                XCTAssertEqual(p.load(fromByteOffset: bytes - 1, as: UInt8.self), 0xA5)
                TapeBufferPool.deallocate(p, column: column)
            }
        }
    }

    /// Recording, growing past 2 MiB columns, sweeping and freeing (pool, shelf and growth),
    /// in Double, Float and Reverse over Dual, with a user primitive on every term.
    func testRecordGrowSweepFreeCyclesAcrossTheHugePageThreshold() throws {
        Tape<Double>.releaseCachedMemory()
        for n in [1, 700, 40_000, 150_000, 3, 150_000, 40_000] {
            let x0 = 0.5, x1 = 2.0
            let g = try gradient(of: { (x: [Reverse<Double>]) in terms(x, n) }, at: [x0, x1])
            XCTAssertEqual(g, [Double(n) * (x1 + 3 * x0 * x0), Double(n) * x0], "Double, n = \(n)")
            let gf = try gradient(of: { (x: [Reverse<Float>]) in terms(x, n) }, at: [Float(x0), Float(x1)])
            XCTAssertEqual(gf, [Float(n) * 2.75, Float(n) * 0.5], "Float, n = \(n)")
        }
        // Reverse over Dual (16-byte values): H of Σ (x₀x₁ + x₀³) = n·[[6x₀, 1], [1, 0]].
        for n in [2, 40_000, 70_000, 5] {
            let h = try hessian(of: { (x: [HessianScalar<Double>]) in terms(x, n) }, at: [0.5, 2.0])
            XCTAssertEqual(h, [[Double(n) * 3, Double(n)], [Double(n), 0]], "Hessian, n = \(n)")
        }
        Tape<Double>.releaseCachedMemory()
    }

    func testConcurrentTapesOfSeveralSizesAndTypes() {
        let failures = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for round in 0..<3 {
                let n = [10, 90_000, 300, 150_000][(t + round) % 4]
                if let g = try? gradient(of: { (x: [Reverse<Double>]) in terms(x, n) }, at: [0.5, 2.0]),
                   g == [Double(n) * 2.75, Double(n) * 0.5] {} else { failures.add(1, ordering: .relaxed) }
                if let g = try? gradient(of: { (x: [Reverse<Float>]) in terms(x, n) }, at: [0.5, 2.0]),
                   g == [Float(n) * 2.75, Float(n) * 0.5] {} else { failures.add(1, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
        Tape<Double>.releaseCachedMemory()
        Tape<Float>.releaseCachedMemory()
    }

    // MARK: customRules beside vector primitives and unspecialised callers

    func testScalarAndVectorPrimitivesInterleavedOnOneTape() throws {
        // f = cube(x₀) + pair(x)₁ + cube(x₁) + pair(x)₀ = x₀³ + x₀x₁ + x₁³ + x₀;
        // ∇f = (3x₀² + x₁ + 1, x₀ + 3x₁²) = (3·4 + 3 + 1, 2 + 27) = (16, 29) at (2, 3).
        let g = try gradient(of: { (x: [Reverse<Double>]) in
            let c0 = ReviewCube.apply(x[0])
            let p = ReviewPair.apply(x)
            let c1 = ReviewCube.apply(x[1])
            return c0 + p[1] + c1 + p[0]
        }, at: [2.0, 3.0])
        XCTAssertEqual(g, [16, 29])
    }

    func testACustomNodeRecordedThroughAnExistential() throws {
        let primitive: any ScalarPrimitive.Type = ReviewCube.self
        func open<P: ScalarPrimitive>(_: P.Type, _ x: Reverse<Double>) -> Reverse<Double> { P.apply(x) }
        // d/dx x³ at 2 = 12 by hand.
        XCTAssertEqual(try gradient(of: { (x: [Reverse<Double>]) in open(primitive, x[0]) }, at: [2.0]), [12])
    }

    // MARK: Mutations and counts

    func testAMutationOfAUserRuleReachesForwardAndReverse() throws {
        // Doubling ∂cube: d/dx (x³) at 2 becomes 24 (the true 12 doubled), in every mode.
        let m = RuleMutation(target: ReviewCube.name, kind: .scale(2))
        let reverse = try RuleMutations.withMutation(m) { try gradient(of: { (x: [Reverse<Double>]) in ReviewCube.apply(x[0]) }, at: [2.0]) }
        XCTAssertEqual(reverse, [24])
        let forward = RuleMutations.withMutation(m) { derivative(of: { ReviewCube.apply($0) }, at: 2.0) }
        XCTAssertEqual(forward, 24)
        // Reverse over Dual: the sweep runs the rule on the dual x = (2, 1), 3x² = (12, 12), and
        // the mutation doubles it to (24, 24), whose tangent is H = 24 (the true d²/dx² is 12).
        let h = try RuleMutations.withMutation(m) { try hessian(of: { (x: [HessianScalar<Double>]) in ReviewCube.apply(x[0]) }, at: [2.0]) }
        XCTAssertEqual(h, [[24]])
    }

    func testUserPrimitiveCountsMatchTheBuiltInsInEveryMode() throws {
        // A built-in with the same shape, counted by op: sqrt in place of the user's cube.
        func counts(_ user: Bool) throws -> [Int] {
            let plain = measureOperations { _ = ReviewCube.apply(2.0) }.counts
            let forward = measureOperations { _ = derivative(of: { user ? ReviewCube.apply($0) : sqrt($0) }, at: 2.0) }.counts
            let reverse = try measureOperations { try gradient(of: { (x: [Reverse<Double>]) in user ? ReviewCube.apply(x[0]) : sqrt(x[0]) }, at: [2.0]) }.counts
            let nested = try measureOperations { try hessian(of: { (x: [HessianScalar<Double>]) in user ? ReviewCube.apply(x[0]) : sqrt(x[0]) }, at: [2.0]) }.counts
            return [plain, forward, reverse, nested].map { user ? $0.byName[ReviewCube.name, default: 0] : $0.byOp[.sqrt, default: 0] }
        }
        let user = try counts(true), builtIn = try counts(false)
        // Jacobians of f(x) = (prim(x₀)·x₁, x₀ + prim(x₁)) in forward and reverse mode.
        struct F: ADFunction {
            let user: Bool
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                user ? [ReviewCube.apply(x[0]) * x[1], x[0] + ReviewCube.apply(x[1])] : [sqrt(x[0]) * x[1], x[0] + sqrt(x[1])]
            }
        }
        // Forward: as many applications as the built-in's (the passes carry tangent lanes).
        let u = try measureOperations { try jacobian(of: F(user: true), at: [2.0, 3.0], mode: .forward) }.counts
        let b = try measureOperations { try jacobian(of: F(user: false), at: [2.0, 3.0], mode: .forward) }.counts
        XCTAssertEqual(u.byName[ReviewCube.name], b.byOp[.sqrt])
        XCTAssertEqual(u.flops, b.flops)
        // Reverse: 2 recorded, and each of the 2 rows sweeps the whole tape (a tape holding a user
        // primitive is swept from its end, Tape.pullbackToAllInputs): 2 + 2·2 = 6. The built-in's
        // first row starts at its own output, before √x₁, so it counts 5 (as before this diff).
        let ur = try measureOperations { try jacobian(of: F(user: true), at: [2.0, 3.0], mode: .reverse) }.counts
        XCTAssertEqual(ur.byName[ReviewCube.name], 6)
        // Plain and forward: one application; reverse: recorded and swept.
        XCTAssertEqual(Array(user.prefix(3)), [1, 1, 2])
        XCTAssertEqual(Array(user[1...]), Array(builtIn[1...]), "forward, reverse and Reverse over Dual")
    }

    // MARK: Escapes

    func testAnEscapingRuleIsStillNamedOnEveryRouteThatCarriesADerivative() throws {
        // Reverse over Dual: the sweep runs the rule on duals (the specialised customRules closure).
        XCTAssertThrowsError(try hessian(of: { (x: [HessianScalar<Double>]) in ReviewEscapingCube.apply(x[0]) }, at: [2.0]))
        // Nested forward: d/dx d/dy y³ at 2 is 12 by hand; the escaping rule gives NaN and a report.
        let (d, diagnostics) = Diagnostics.collect {
            derivative(of: { (x: Dual<Double, Double>) in
                derivative(of: { (y: Dual<Dual<Double, Double>, Dual<Double, Double>>) in ReviewEscapingCube.apply(y) }, at: x)
            }, at: 2.0)
        }
        XCTAssertTrue(d.isNaN)
        XCTAssertFalse(diagnostics.errors.isEmpty)
        // On Doubles the same rule is right: 12 at 2, and nothing is reported.
        let (g, plain) = try Diagnostics.collect { try gradient(of: { (x: [Reverse<Double>]) in ReviewEscapingCube.apply(x[0]) }, at: [2.0]) }
        XCTAssertEqual(g, [12])
        XCTAssertEqual(plain.escapingRules, [])
    }

    // MARK: commonTape(_:_:_:)

    private func foreign(_ body: () -> Reverse<Double>) -> (Reverse<Double>, [ADError]) {
        let (r, d) = Diagnostics.collect(body)
        return (r, d.errors)
    }

    func testStaleAndForeignOperandsOfAUserPrimitive() {
        let message = ADError.foreignVariable("reviewmul combined variables of two different tapes, or of a tape that no longer exists")
        var stale: Reverse<Double>?
        do { let dead = Tape<Double>(); stale = dead.variable(5) }
        let tape = Tape<Double>(), other = Tape<Double>()
        let x = tape.variable(2), y = other.variable(3)
        // A variable of a dead tape, first or second, beside a live one or a constant.
        for (a, b) in [(stale!, x), (x, stale!), (stale!, Reverse(7)), (Reverse(7), stale!)] {
            let (r, errors) = foreign { ReviewMul.apply(a, b) }
            XCTAssertEqual(errors, [message])
            XCTAssertNil(r.tape, "a constant")
        }
        // Variables of two live tapes, either order.
        for (a, b) in [(x, y), (y, x)] {
            let (r, errors) = foreign { ReviewMul.apply(a, b) }
            XCTAssertEqual(errors, [message])
            XCTAssertNil(r.tape)
            XCTAssertEqual(r.value, 6)
        }
        // A constant beside a variable, either side: recorded on the variable's tape, no error.
        for (a, b) in [(x, Reverse<Double>(7)), (Reverse<Double>(7), x)] {
            let (r, errors) = foreign { ReviewMul.apply(a, b) }
            XCTAssertEqual(errors, [])
            XCTAssertTrue(tape.owns(r) && r.tape != nil)
            XCTAssertEqual(tape.pullback(from: [(r, 1)], to: [x]), [7])
        }
        // Two constants: no tape, no error.
        let (r, errors) = foreign { ReviewMul.apply(Reverse<Double>(2), Reverse<Double>(3)) }
        XCTAssertEqual(errors, [])
        XCTAssertNil(r.tape)
        XCTAssertEqual(r.value, 6)
        // The same variable twice in a binary primitive: ∂(x·x)/∂x = 2x = 4.
        let sq = ReviewMul.apply(x, x)
        XCTAssertEqual(tape.pullback(from: [(sq, 1)], to: [x]), [4])
    }

    /// The shelf's byte limit reads `Buffers.byteCount`: it counts the value columns as they are
    /// reserved. By hand, capacity 2¹⁸ of Doubles: ops 2¹⁸ B, lhs and rhs 2·4·2¹⁸ B; values exactly
    /// 2 MiB at offset 0 (one huge page), partials 2 MiB + 1024 (two huge pages), adjoints 2 MiB +
    /// 2048 (two); it counted 2 MiB for each.
    func testBuffersCountTheBytesTheirColumnsReserve() {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
        defer { p.deallocate() }
        let n = 1 << 18
        var b = TapeBufferPool.Buffers(ops: p, lhs: p, rhs: p, values: p, partials: p, adjoints: nil, capacity: n, valueStride: 8)
        let mib = 1 << 20
        XCTAssertEqual(b.byteCount, n + 8 * n + 2 * mib + 4 * mib)
        b.adjoints = p
        XCTAssertEqual(b.byteCount, n + 8 * n + 2 * mib + 4 * mib + 4 * mib)
        // Below 2 MiB a column reserves its bytes and its page offset only.
        let small = TapeBufferPool.Buffers(ops: p, lhs: p, rhs: p, values: p, partials: p, adjoints: p, capacity: 1000, valueStride: 8)
        XCTAssertEqual(small.byteCount, 1000 + 8 * 1000 + (8000 + 0) + (8000 + 1024) + (8000 + 2048))
    }
}
