import XCTest
import Foundation
@testable import AdjointCore

/// f: R³ → R², f(x) = (x0·x1 + sin x2, exp(x0) / x2). Jacobian by hand:
///   row 0: (x1, x0, cos x2); row 1: (e^x0/x2, 0, −e^x0/x2²).
struct R3toR2: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1] + sin(x[2]), exp(x[0]) / x[2]] }
    var inputCount: Int? { 3 }
}

/// 12 inputs, 1 output: exercises several forward chunks and the automatic choice of reverse.
struct Wide: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s: T = 0
        for i in 0..<x.count - 1 { s = s + x[i] * x[i + 1] + tanh(x[i]) }
        return [s]
    }
}

final class ModeTests: XCTestCase {
    func handJacobian(_ x: [Double]) -> [[Double]] {
        let e = Foundation.exp(x[0])
        return [[x[1], x[0], Foundation.cos(x[2])], [e / x[2], 0, -e / (x[2] * x[2])]]
    }

    func assertClose(_ a: [[Double]], _ b: [[Double]], _ tol: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (ra, rb) in zip(a, b) {
            XCTAssertEqual(ra.count, rb.count, file: file, line: line)
            for (u, v) in zip(ra, rb) { XCTAssertEqual(u, v, accuracy: tol * max(1, abs(v)), file: file, line: line) }
        }
    }

    func testJacobianForwardReverseAndHandAgree() throws {
        let x = [0.3, -1.2, 2.5]
        let fwd = try jacobian(of: R3toR2(), at: x, mode: .forward)
        let rev = try jacobian(of: R3toR2(), at: x, mode: .reverse)
        assertClose(fwd.jacobian, handJacobian(x), 1e-15)
        assertClose(rev.jacobian, handJacobian(x), 1e-15)
        XCTAssertEqual(fwd.passes, 1, "3 inputs fit one 4-lane chunk")
        XCTAssertEqual(rev.passes, 2, "one sweep per output")
        XCTAssertEqual(fwd.value, rev.value)
    }

    func testChunkedForwardPassesAndAutomaticChoice() throws {
        var rng = SeededGenerator(seed: 7)
        let x = (0..<12).map { _ in Double.random(in: -1...1, using: &rng) }
        let fwd = try jacobian(of: Wide(), at: x, mode: .forward)
        let rev = try jacobian(of: Wide(), at: x, mode: .reverse)
        XCTAssertEqual(fwd.passes, 2, "⌈12/8⌉ passes")
        XCTAssertEqual(rev.passes, 1)
        assertClose(fwd.jacobian, rev.jacobian, 1e-14)
        XCTAssertEqual(try jacobian(of: Wide(), at: x).mode, .reverse, "⌈12/8⌉ = 2 passes > 1 sweep picks reverse")
        XCTAssertEqual(try jacobian(of: R3toR2(), at: [1, 2, 3]).mode, .forward, "one 4-lane pass ≤ 2 sweeps picks forward")
        struct R8toR2: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.reduce(0, +), x.reduce(1, *)] } }
        XCTAssertEqual(try jacobian(of: R8toR2(), at: (1...8).map(Double.init)).mode, .forward, "1 pass of 8 lanes ≤ 2 sweeps")
        XCTAssertEqual(try jacobian(of: R8toR2(), at: (1...9).map(Double.init)).mode, .forward, "2 passes ≤ 2 sweeps")
        XCTAssertEqual(try jacobian(of: R8toR2(), at: (1...17).map(Double.init)).mode, .reverse, "3 passes > 2 sweeps")
        XCTAssertEqual([1, 2, 3, 4, 5, 8, 9, 16, 17].map { forwardPasses(inputs: $0) }, [1, 1, 1, 1, 1, 1, 2, 2, 3])
        struct Lift: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0], x[0] * x[0], sin(x[0])] } }
        XCTAssertEqual(try jacobian(of: Lift(), at: [0.5]).mode, .forward, "n = 1 < m = 3 picks forward")
        // One pass needs no count of the outputs (the plain evaluation is skipped), except that
        // m = 0 still answers as before: reverse mode, no sweep, an empty Jacobian.
        struct Nothing: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [] } }
        for n in [0, 1, 5, 8, 9] {
            let r = try jacobian(of: Nothing(), at: [Double](repeating: 1, count: n))
            XCTAssertEqual(r.mode, .reverse, "n = \(n), m = 0")
            XCTAssertEqual(r.passes, 0, "n = \(n), m = 0")
            XCTAssertTrue(r.jacobian.isEmpty && r.value.isEmpty)
        }
    }

    /// The dot-product test: ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ with random u and v (never unit seeds, which
    /// cannot see a pullback that ignores its incoming cotangent).
    func testDotProductJVPvsVJP() throws {
        var rng = SeededGenerator(seed: 99)
        for _ in 0..<20 {
            let x = [Double.random(in: 0.5...2, using: &rng), Double.random(in: -2...2, using: &rng), Double.random(in: 0.5...3, using: &rng)]
            let v = (0..<3).map { _ in Double.random(in: -1...1, using: &rng) }
            let u = (0..<2).map { _ in Double.random(in: -1...1, using: &rng) }
            let f = R3toR2()
            let (_, jv) = try jvp(of: { f($0) }, at: x, direction: v)
            let (_, ju) = try vjp(of: { f($0) }, at: x, cotangent: u)
            let lhs = zip(u, jv).map(*).reduce(0, +)
            let rhs = zip(ju, v).map(*).reduce(0, +)
            XCTAssertEqual(lhs, rhs, accuracy: 1e-13 * max(1, abs(lhs)))
        }
    }

    func testHessianOfQuadraticFormIsItsMatrix() throws {
        // f(x) = ½ xᵀAx + bᵀx with symmetric A: ∇²f = A exactly (every rule involved is + and ×).
        let a: [[Double]] = [[4, 1, -2], [1, 3, 0.5], [-2, 0.5, 5]]
        let b: [Double] = [1, -1, 2]
        func q<T: ADScalar>(_ x: [T]) -> T {
            var s: T = 0
            for i in 0..<3 {
                s = s + T(b[i]) * x[i]
                for j in 0..<3 { s = s + T(0.5 * a[i][j]) * x[i] * x[j] }
            }
            return s
        }
        XCTAssertEqual(try hessian(of: q, at: [0.3, -0.7, 1.1]), a)
        XCTAssertEqual(try hvp(of: q, at: [0.3, -0.7, 1.1], direction: [1, 2, 3]), [0.0, 8.5, 14])  // A·(1,2,3) = (4+2−6, 1+6+1.5, −2+1+15)
    }

    func testHessianOfNonlinearFunctionByHand() throws {
        // f = x²y + sin y: H = [[2y, 2x], [2x, −sin y]]
        func f<T: ADScalar>(_ x: [T]) -> T { x[0] * x[0] * x[1] + sin(x[1]) }
        let h = try hessian(of: f, at: [1.5, 0.4])
        assertClose(h, [[0.8, 3], [3, -Foundation.sin(0.4)]], 1e-15)
    }

    /// Siskind & Pearlmutter's perturbation-confusion example: d/dx [x · d/dy (x + y)] = 1 at any
    /// point. Confusing the two perturbations gives 2.
    func testNestedDerivativeHasNoPerturbationConfusion() {
        func outer<T: ADScalar>(_ x: T) -> T {
            x * derivative(of: { (y: Dual<T, T>) in Dual(constant: x) + y }, at: x)
        }
        for x in [-3.0, 0, 0.5, 7] { XCTAssertEqual(derivative(of: outer, at: x), 1) }
        // Second derivative by nesting: d²/dx² x³ = 6x.
        func cube<T: ADScalar>(_ x: T) -> T { x * x * x }
        func cubePrime<T: ADScalar>(_ x: T) -> T { derivative(of: cube, at: x) }
        XCTAssertEqual(derivative(of: cubePrime, at: 2.0), 12)
    }

    func testJVPAndVJPValuesByHand() throws {
        let r = try jvp(of: { x in [x[0] * x[1]] }, at: [2.0, 3.0], direction: [1, 0])
        XCTAssertEqual(r.value, [6]); XCTAssertEqual(r.jvp, [3])
        let s = try vjp(of: { x in [x[0] * x[1], x[0]] }, at: [2.0, 3.0], cotangent: [1, 10])
        XCTAssertEqual(s.value, [6, 2]); XCTAssertEqual(s.vjp, [13, 2])
    }

    func testTapeReuseAcrossCotangents() throws {
        let rec = try record({ x in [x[0] * x[1], x[0] + x[1], sin(x[0])] }, at: [2.0, 3.0])
        let entries = rec.tape.count
        let j = try rec.jacobian()
        XCTAssertEqual(rec.tape.count, entries, "sweeps must not record")
        assertClose(j, [[3, 2], [1, 1], [Foundation.cos(2), 0]], 1e-16)
        // Fan-out: x used three times in x·x + x accumulates 2x + 1.
        XCTAssertEqual(try gradient(of: { x in x[0] * x[0] + x[0] }, at: [4.0]), [9])
    }

    /// Tapes reuse pooled memory and keep their adjoint scratch zeroed between sweeps; no result
    /// may depend on what an earlier tape or sweep left behind. Sizes and types alternate so a
    /// large tape's buffers are reused by smaller ones and vice versa.
    func testPooledTapeMemoryNeverLeaksEarlierAdjoints() throws {
        func sumSquares<T: ADScalar>(_ x: [T]) -> T { x.reduce(0) { $0 + $1 * $1 } }   // ∇ = 2x
        for (k, n) in [3, 500, 2, 5000, 1, 40].enumerated() {
            let x = (0..<n).map { Double($0 % 7) - 3 + 0.25 * Double(k) }
            XCTAssertEqual(try gradient(of: sumSquares, at: x), x.map { 2 * $0 })
            let xf = x.prefix(3).map { Float($0) }
            XCTAssertEqual(try gradient(of: sumSquares, at: Array(xf)), xf.map { 2 * $0 })
            let rec = try record({ v in [v[0] * v[v.count - 1], v[0]] }, at: x)
            for _ in 0..<2 {   // repeated sweeps of one tape
                let last = x.count - 1
                var expected = [Double](repeating: 0, count: x.count)
                expected[0] += last == 0 ? 2 * x[0] : x[last]
                if last > 0 { expected[last] += x[0] }
                XCTAssertEqual(try rec.pullback([1, 0]), expected)
                var e1 = [Double](repeating: 0, count: x.count); e1[0] = 1
                XCTAssertEqual(try rec.pullback([0, 1]), e1)
            }
        }
    }

    func testFloatRunsTheSameGenericCode() throws {
        func f<T: ADScalar>(_ x: [T]) -> T { log(x[0]) + x[0] * x[1] - sin(x[1]) }
        let g = try gradient(of: f, at: [Float(2), Float(5)])
        XCTAssertEqual(g[0], 5.5, accuracy: 1e-6)
        XCTAssertEqual(g[1], Float(2 - Foundation.cos(5.0)), accuracy: 1e-6)
    }
}
