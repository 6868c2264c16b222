import AdjointCheck
import AdjointCore
import Foundation
import XCTest
import AdjointTesting

/// The harness's black-box VJP at the softmax of `BlackBoxGridRoundingTests` (no max shift, first
/// output minus 1), replayed at z = (19.459929, 0, −3.0194324999999997), u = (−1, 0, 1): the
/// textbook p ⊙ u − p(p·u) failed `assertVJP` as rule-wrong on entry 0, where mpmath at 40 digits
/// gives −3.8826406598699745876·10⁻⁹ and the claim is within 6.4·10⁻¹⁸ of it.
final class GridRoundedVJPPropertyTests: XCTestCase {
    static let softmaxMinusOne: @Sendable ([Double]) -> [Double] = { z in
        let e = z.map { Foundation.exp($0) }
        let s = e.reduce(0, +)
        return [e[0] / s - 1, e[1] / s, e[2] / s]
    }
    static let textbookVJP: @Sendable ([Double], [Double]) -> [Double] = { z, u in
        let e = z.map { Foundation.exp($0) }
        let s = e.reduce(0, +)
        let p = e.map { $0 / s }
        let pu = zip(p, u).reduce(0) { $0 + $1.0 * $1.1 }
        return (0..<3).map { p[$0] * u[$0] - p[$0] * pu }
    }

    func testTheRightTextbookVJPPassesTheHarnessAtThePoint() {
        var o = AdjointTestOptions()
        o.trials = 1
        let r = checkProperty(.blackBoxVJP(of: Self.softmaxMinusOne, outputs: 3, claimed: Self.textbookVJP,
                                           inputs: .point([19.459929, 0, -3.0194324999999997], cotangent: [-1, 0, 1])), options: o)
        XCTAssertTrue(r.passed, r.message)
    }
}
