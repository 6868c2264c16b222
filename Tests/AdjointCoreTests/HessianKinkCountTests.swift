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
