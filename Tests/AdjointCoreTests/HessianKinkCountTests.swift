import XCTest
@testable import AdjointCore

/// A Hessian's diagnostics count the kinks f touches at x, as a gradient's do. Each of its n
/// Hessian–vector products evaluates f in a tape of duals, where the tape's op and the dual
/// arithmetic under it both reported the kink: x·|x| at 0 (one abs at 0, by hand) counted 2 for
/// n = 1 and 6 for n = 3.
final class HessianKinkCountTests: XCTestCase {
    static func xAbsX(_ n: Int) -> ([HessianScalar<Double>]) -> HessianScalar<Double> {
        { x in
            var s = x[0] * HessianScalar<Double>.abs(x[0])
            for k in 1..<n { s = s + x[k] * x[k] }
            return s
        }
    }

    func testAHessianCountsEachKinkOnce() throws {
        for n in [1, 3] {
            let (_, d) = try Diagnostics.collect { try hessian(of: Self.xAbsX(n), at: [Double](repeating: 0, count: n)) }
            XCTAssertEqual(d.kinkCount, 1, "n = \(n): \(d.kinks)")
            XCTAssertEqual(d.kinks.map(\.op), [.abs], "n = \(n)")
            XCTAssertNotNil(d.kinks.first?.node, "the tape's report, with its node, is the one kept")
        }
        // Away from the kink nothing is reported.
        let (_, smooth) = try Diagnostics.collect { try hessian(of: Self.xAbsX(3), at: [1, 0, 0]) }
        XCTAssertEqual(smooth.kinkCount, 0)
    }

    func testTwoKinksAtTheSameValueAreTwo() throws {
        // relu(x₀) + relu(x₁) at (0, 0): two ops at their kink, both with input 0.
        let f: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in
            HessianScalar<Double>.relu(x[0]) + HessianScalar<Double>.relu(x[1])
        }
        let (_, d) = try Diagnostics.collect { try hessian(of: f, at: [0, 0]) }
        XCTAssertEqual(d.kinkCount, 2, "\(d.kinks)")
        XCTAssertEqual(Set(d.kinks.compactMap(\.node)).count, 2, "\(d.kinks)")
    }

    func testAHessianVectorProductCountsEachKinkOnce() throws {
        let (_, d) = try Diagnostics.collect { try hvp(of: Self.xAbsX(2), at: [0, 0], direction: [0.5, -1]) }
        XCTAssertEqual(d.kinkCount, 1, "\(d.kinks)")
    }
}

/// A forward Jacobian over several passes (SIMD8 lanes: 20 inputs take 3) evaluates f once per
/// pass at the same point; its result counted the first pass's kinks, but every pass's reached an
/// enclosing collection: |x₀| + Σ xₖ at x₀ = 0 (one abs at 0, by hand) counted 3 there.
final class ForwardPassKinkCountTests: XCTestCase {
    struct AbsPlusSum: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.dropFirst().reduce(T.abs(x[0]), +)] }
    }

    func testEveryForwardPassReportsTheKinkOnceInAll() throws {
        let x = [Double](repeating: 0.5, count: 20).enumerated().map { $0.offset == 0 ? 0 : $0.element }
        let (r, d) = try Diagnostics.collect { try jacobian(of: AbsPlusSum(), at: x, mode: .forward) }
        XCTAssertEqual(r.passes, 3)
        XCTAssertEqual(r.diagnostics.kinkCount, 1, "\(r.diagnostics.kinks)")
        XCTAssertEqual(d.kinkCount, 1, "\(d.kinks)")
        // The compressed driver: 20 groups of one column each, 3 passes.
        let (c, dc) = try Diagnostics.collect {
            try forwardCompressedJacobian(of: { (z: [Dual<Double, SIMD8<Double>>]) in AbsPlusSum()(z) }, at: x,
                                          groups: Array(0..<20), groupCount: 20)
        }
        XCTAssertEqual(c.passes, 3)
        XCTAssertEqual(c.diagnostics.kinkCount, 1, "\(c.diagnostics.kinks)")
        XCTAssertEqual(dc.kinkCount, 1, "\(dc.kinks)")
    }
}
