import AdjointCheck
import AdjointCore
import XCTest

/// t solving t³ + t = x, by bisection on [−10, 10] until the bracket is under 10⁻⁷: f moves at
/// dt/dx = 1/(3t² + 1) over steps above about 10⁻⁷ and is exactly constant over steps below it
/// (a staircase, as every solve stopped at a tolerance is).
private func bisectedRoot(_ x: [Double]) -> Double {
    var lo = -10.0, hi = 10.0
    while hi - lo > 1e-7 {
        let mid = 0.5 * (lo + hi)
        if mid * mid * mid + mid < x[0] { lo = mid } else { hi = mid }
    }
    return 0.5 * (lo + hi)
}

final class BlackBoxStaircaseTests: XCTestCase {
    /// The right claim was convicted at the first two points (a new user's review): the step
    /// scan's finest levels, inside one stair, settled on 0 "± 4·10⁻⁸". By hand at x = 0.50549975,
    /// t ≈ 0.4548 and dt/dx ≈ 0.646; nothing at the point refutes it, so the verdict may be agree
    /// or inconclusive, never rule-wrong. The wrong claim 1/(3t²) (≈ 1.61 there, 1 off) is never
    /// passed, and is convicted where a rung's difference disagrees and coarse scan levels, at
    /// which the stairs are 10⁻⁵ of the step, confirm it.
    func testAStaircaseFlatBelowItsToleranceDoesNotConvictARightClaim() throws {
        var convicted = 0
        for x0 in [0.50549975, 2.6471605225454335, 0.7112482046752184, 1.3] {
            let right = try checkBlackBoxGradient(of: bisectedRoot, at: [x0], claimedGradient: { x in
                let t = bisectedRoot(x); return [1 / (3 * t * t + 1)]
            })
            if case .ruleWrong = right.entries[0][0].verdict { XCTFail("right claim convicted at \(x0):\n\(right)") }
            let wrong = try checkBlackBoxGradient(of: bisectedRoot, at: [x0], claimedGradient: { x in
                let t = bisectedRoot(x); return [1 / (3 * t * t)]
            })
            switch wrong.entries[0][0].verdict {
            case .agree: XCTFail("wrong claim passed at \(x0):\n\(wrong)")
            case .ruleWrong: convicted += 1
            default: break
            }
        }
        XCTAssertGreaterThan(convicted, 0)
    }
}
