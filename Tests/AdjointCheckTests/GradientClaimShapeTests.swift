import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A claimed gradient of the wrong length is named as a gradient: checked as the one row of a
/// Jacobian, it was "columns of the claimed Jacobian (inputs): expected 4, got 3", and a new user
/// who had written a gradient (a spring's, one entry short) looked for a Jacobian in their code.
final class GradientClaimShapeTests: XCTestCase {
    struct Spring: ADFunction {
        func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
            let dx = p[2] - p[0], dy = p[3] - p[1]
            return [0.5 * (dx * dx + dy * dy)]
        }
    }
    /// ∇E = (−dx, −dy, dx, dy), by hand; the claims drop its last entry.
    static func shortGradient(_ p: [Double]) -> [Double] { [p[0] - p[2], p[1] - p[3], p[2] - p[0]] }
    let gradientLength = ADError.dimensionMismatch(what: "claimed gradient length (one entry per input)", expected: 4, got: 3)

    func testAShortGradientOfAGenericFunctionIsNamedAGradient() {
        XCTAssertThrowsError(try checkGradient(of: Spring(), at: [0.1, 0.2, 1.3, -0.4], claimedGradient: Self.shortGradient)) { error in
            XCTAssertEqual(error as? ADError, gradientLength)
        }
    }

    func testAShortGradientOfABlackBoxIsNamedAGradient() {
        let f: ([Double]) -> Double = { p in 0.5 * ((p[2] - p[0]) * (p[2] - p[0]) + (p[3] - p[1]) * (p[3] - p[1])) }
        XCTAssertThrowsError(try checkBlackBoxGradient(of: f, at: [0.1, 0.2, 1.3, -0.4], claimedGradient: Self.shortGradient)) { error in
            XCTAssertEqual(error as? ADError, gradientLength)
        }
    }

    /// A researcher passed a two-output map, (r cos θ, r sin θ), with the gradient of its first
    /// output, as the doc ("for output 0") suggested: it threw "rows of the claimed Jacobian
    /// (outputs): expected 2, got 1", a Jacobian they never wrote. It names the outputs and
    /// checkJacobian now.
    struct Polar: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * cos(x[1]), x[0] * sin(x[1])] }
    }

    func testAGradientClaimedForAFunctionWithSeveralOutputsNamesTheOutputs() {
        XCTAssertThrowsError(try checkGradient(of: Polar(), at: [2.0, 0.5],
                                               claimedGradient: { (x: [Double]) -> [Double] in [cos(x[1]), -x[0] * sin(x[1])] })) { error in
            guard case let .dimensionMismatch(what, expected, got)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertEqual(expected, 1)
            XCTAssertEqual(got, 2)
            XCTAssertTrue(what.hasPrefix("outputs of f"), what)
            XCTAssertTrue(what.contains("checkJacobian"), what)
        }
        // Without a claim the modes' whole Jacobian is checked, as before.
        XCTAssertNoThrow(try checkGradient(of: Polar(), at: [2.0, 0.5]))
    }

    /// The refusal is decided by what the claim was written as, where the shapes are compared, not
    /// by recognising the start of the Jacobian's row-count message (which a change of its wording
    /// would have dropped, silently). The same one row, for the two-output `Polar`, is refused as a
    /// gradient when claimed as one and keeps the Jacobian's words when claimed as a Jacobian.
    func testTheRefusalFollowsTheKindOfClaimNotAMessage() {
        let row: ([Double]) throws -> [[Double]] = { x in [[cos(x[1]), -x[0] * sin(x[1])]] }
        XCTAssertThrowsError(try checkJacobianOfSpecialised(SpecialisedFunction<Double>(Polar()), at: [2.0, 0.5], claimed: row,
                                                            claimedName: "claimed", options: CheckOptions(), claimShape: .gradient)) { error in
            guard case let .dimensionMismatch(what, expected, got)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertEqual(expected, 1)
            XCTAssertEqual(got, 2)
            XCTAssertTrue(what.hasPrefix("outputs of f for a claimed gradient"), what)
        }
        XCTAssertThrowsError(try checkJacobianOfSpecialised(SpecialisedFunction<Double>(Polar()), at: [2.0, 0.5], claimed: row,
                                                            claimedName: "claimed", options: CheckOptions(), claimShape: .jacobian)) { error in
            XCTAssertEqual(error as? ADError, .dimensionMismatch(what: "rows of the claimed Jacobian (outputs)", expected: 2, got: 1))
        }
    }

    /// A claimed Jacobian of the wrong width keeps its own wording (rows are outputs, columns inputs).
    func testAJacobianOfTheWrongWidthIsStillNamedAJacobian() {
        XCTAssertThrowsError(try checkJacobian(of: Spring(), at: [0.1, 0.2, 1.3, -0.4], claimed: { p in [Self.shortGradient(p)] })) { error in
            XCTAssertEqual(error as? ADError, .dimensionMismatch(what: "columns of the claimed Jacobian (inputs)", expected: 4, got: 3))
        }
    }
}
