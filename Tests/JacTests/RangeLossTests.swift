import XCTest
import Foundation

/// Found by trial Q: `jac jacobian "x^2/x^300" --at x=10` (reverse, the default mode) printed
/// 2e-299, with no warning, where d/dx x⁻²⁹⁸ = −298·10⁻²⁹⁹ = −2.98e-297 by hand. The adjoint of
/// x³⁰⁰, −x²/(x³⁰⁰)² = −10⁻⁵⁹⁸, is below the least Double, so its term vanished. jac now reruns
/// each pass seeded by a power of two (which scales every adjoint exactly unless one leaves the
/// range) and calls an entry unreliable when the two differ.
final class RangeLossTests: XCTestCase {
    func entry(_ r: JacRunner.Output) throws -> (value: Double, unreliable: [[Bool]]?) {
        let json = try JacRunner.json(r.stdout)
        let v = try XCTUnwrap((json["jacobian"] as? [[Double]])?.first?.first, r.stdout)
        return (v, json["unreliable"] as? [[Bool]])
    }

    func testAnAdjointThatUnderflowsMakesTheEntryUnreliable() throws {
        let truth = -2.98e-297
        let reverse = try JacRunner.run(["jacobian", "x^2/x^300", "--at", "x=10", "--format", "json"])
        XCTAssertEqual(reverse.status, 0, reverse.stderr)
        let (v, unreliable) = try entry(reverse)
        XCTAssertGreaterThan(Swift.abs(v - truth), 0.5 * Swift.abs(truth), "the unscaled sweep loses the term: \(v)")
        XCTAssertEqual(unreliable, [[true]])
        XCTAssertTrue(reverse.stderr.contains("left Double's normal range"), reverse.stderr)
        // The note gives the seeded pass's value, which kept the term.
        XCTAssertTrue(reverse.stderr.contains("gives -2.98e-297"), reverse.stderr)
        // So does the JSON, for a script that reads only standard output.
        let seeded = try XCTUnwrap(try JacRunner.json(reverse.stdout)["range_loss"] as? [[Double]], reverse.stdout)
        XCTAssertEqual(seeded[0][0], truth, accuracy: 1e-14 * Swift.abs(truth))
        // Forward mode's tangents stay in range here: its entry is right and not flagged.
        let forward = try JacRunner.run(["jacobian", "x^2/x^300", "--at", "x=10", "--mode", "forward", "--format", "json"])
        let (fv, funreliable) = try entry(forward)
        XCTAssertEqual(fv, truth, accuracy: 1e-14 * Swift.abs(truth))
        XCTAssertNil(funreliable, forward.stdout)
    }

    /// jac hessian printed gradient 2e-299 and second derivative −5.98e-298 there, both silently;
    /// by hand f′ = −298·10⁻²⁹⁹ = −2.98e-297 and f″ = 298·299·10⁻³⁰⁰ = 8.9102e-296. The gradient
    /// is flagged with the seeded pass's value; the Hessian is right, since the library's
    /// products recover the adjoint that underflowed (HessianRangeRecoveryTests), and not flagged.
    func testTheHessianCommandFlagsTheSameLoss() throws {
        let r = try JacRunner.run(["hessian", "x^2/x^300", "--at", "x=10", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JacRunner.json(r.stdout)
        XCTAssertEqual((json["hessian"] as? [[Double]])?[0][0] ?? .nan, 8.9102e-296, accuracy: 1e-12 * 8.9102e-296)
        let unreliable = try XCTUnwrap(json["unreliable"] as? [String: Any], r.stdout)
        XCTAssertEqual(unreliable["gradient"] as? [Bool], [true])
        XCTAssertNil(unreliable["hessian"], r.stdout)
        XCTAssertFalse(r.stderr.contains("d2f/dxdx"), r.stderr)
        let seeded = try XCTUnwrap(json["range_loss"] as? [String: Any], r.stdout)
        XCTAssertEqual((seeded["gradient"] as? [Double])?[0] ?? .nan, -2.98e-297, accuracy: 1e-14 * 2.98e-297)
        let fine = try JacRunner.run(["hessian", "x^2*y + exp(y)", "--at", "x=1,y=0", "--format", "json"])
        XCTAssertNil(try JacRunner.json(fine.stdout)["unreliable"], fine.stdout)
        XCTAssertTrue(fine.stderr.isEmpty, fine.stderr)
    }

    /// jac hessian printed ∂²(x·log x)/∂x² = 2e-200 at x = 1e200 silently, where by hand it is
    /// 1/x = 1e-200 and `jac diff --order 2` printed 1e-200: log's partial 1/x has the tangent
    /// −1/x² = −10⁻⁴⁰⁰ along the unit direction, which underflows before x multiplies it. It was
    /// then flagged; now the library's product recovers the term and the entry is right.
    func testTheHessianCommandFlagsALossInTheDirectionsTangent() throws {
        let r = try JacRunner.run(["hessian", "x*log(x)", "--at", "x=1e200", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JacRunner.json(r.stdout)
        XCTAssertEqual((json["hessian"] as? [[Double]])?[0][0] ?? .nan, 1e-200, accuracy: 1e-14 * 1e-200)
        XCTAssertNil(json["unreliable"], r.stdout)
        XCTAssertTrue(r.stderr.isEmpty, r.stderr)
        // Where no tangent leaves the range the direction's seeding changes nothing.
        let fine = try JacRunner.run(["hessian", "x*log(x) + sin(x*y)", "--at", "x=3,y=0.5", "--format", "json"])
        XCTAssertNil(try JacRunner.json(fine.stdout)["unreliable"], fine.stdout)
        XCTAssertTrue(fine.stderr.isEmpty, fine.stderr)
    }

    /// `jac check "x^2/x^300" --at x=10` said "rule-wrong: reverse differ from exact-rationals
    /// (-2.98e-297)" and named the division rule at fault: the adjoint's underflow is no wrong rule.
    func testCheckSaysRangeLossAndBlamesNoRule() throws {
        let r = try JacRunner.run(["check", "x^2/x^300", "--at", "x=10", "--format", "json"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let json = try JacRunner.json(r.stdout)
        XCTAssertEqual(json["verdict"] as? String, "range-loss", r.stdout)
        let entry = try XCTUnwrap((json["entries"] as? [[String: Any]])?.first, r.stdout)
        XCTAssertEqual(entry["range_loss"] as? [String], ["reverse"])
        let seeded = try XCTUnwrap((entry["seeded_passes"] as? [[String: Any]])?.first, r.stdout)
        // By hand −298·10⁻²⁹⁹, from the cotangent seeded by 2¹⁰⁰⁰.
        XCTAssertEqual(seeded["value"] as? Double ?? .nan, -2.98e-297, accuracy: 1e-13 * 2.98e-297)
        XCTAssertEqual(seeded["seed"] as? Double, 0x1p1000)
        XCTAssertEqual(seeded["agrees_with_witness"] as? Bool, true)
        let modes = try XCTUnwrap(json["modes"] as? [[String: Any]])
        XCTAssertEqual(modes.first { $0["mode"] as? String == "reverse" }?["verdict"] as? String, "range-loss")
        XCTAssertEqual(modes.first { $0["mode"] as? String == "forward" }?["verdict"] as? String, "agree")
        XCTAssertFalse(r.stderr.contains("rule-wrong"), r.stderr)
        XCTAssertTrue(r.stderr.contains("df/dx: range-loss: reverse 2e-299 lost a term to an adjoint"), r.stderr)
        let table = try JacRunner.run(["check", "x^2/x^300", "--at", "x=10"])
        XCTAssertFalse(table.stdout.contains("first wrong rule"), table.stdout)
        XCTAssertTrue(table.stdout.contains("range-loss (reverse)"), table.stdout)
    }

    /// x³⁰⁷/x³⁰⁶ at 10 is x, f′ = 1 by hand, but forward mode's tangent of x³⁰⁷, 307·10³⁰⁶, is
    /// beyond Double: "df/dx is +∞ in forward mode" said the derivative was infinite. The pass
    /// seeded by 2⁻⁵⁰⁰ (and 2⁻⁵⁰¹) keeps every tangent in range and gives the finite value. Where
    /// the scaled-down passes lose terms instead (x²/x³⁰⁷, whose tangents span 10³⁰⁸ to 10⁻³⁰⁴,
    /// gave 0), no value is offered.
    func testAnInfiniteEntryOfAFiniteDerivativeSaysATangentOverflowed() throws {
        let r = try JacRunner.run(["jacobian", "x^307/x^306", "--at", "x=10", "--mode", "forward"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("a tangent or adjoint on the way overflowed"), r.stderr)
        let given = try XCTUnwrap(r.stderr.range(of: "gives ").map { r.stderr[$0.upperBound...].prefix { $0 != "," } })
        XCTAssertEqual(try XCTUnwrap(Double(given)), 1, accuracy: 1e-12, r.stderr)
        let lost = try JacRunner.run(["jacobian", "x^2/x^307", "--at", "x=10", "--mode", "forward"])
        XCTAssertEqual(lost.status, 3, lost.stderr)
        XCTAssertFalse(lost.stderr.contains("gives"), lost.stderr)
    }

    /// x/y at x = 3e-300, y = 7e-161: every adjoint of the plain sweep is normal, but g/y =
    /// 1.4e160 overflows when g = 2⁵⁰⁰, and division's vjp then multiplies in another order; the
    /// seeded ∂f/∂y came out 2 ulps away and the entry was called unreliable ("a tangent or adjoint
    /// left Double's normal range", which none had). −x/y² rounded once, by Python's fractions on
    /// the two Doubles: −6.122448979591836e+20.
    func testASeededSweepThatOverflowsIsNotARangeLoss() throws {
        let truth = -6.122448979591836e+20
        for formula in ["x/y", "3e-300/y + 0*x"] {
            let r = try JacRunner.run(["jacobian", formula, "--vars", "x,y", "--at", "x=3e-300,y=7e-161", "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let json = try JacRunner.json(r.stdout)
            XCTAssertNil(json["unreliable"], "\(formula): \(r.stdout)")
            XCTAssertTrue(r.stderr.isEmpty, "\(formula): \(r.stderr)")
            let dy = try XCTUnwrap((json["jacobian"] as? [[Double]])?.first?.last, r.stdout)
            XCTAssertEqual(dy, truth, accuracy: 1e-15 * Swift.abs(truth), formula)
        }
    }

    func testEntriesInRangeAreNotFlagged() throws {
        for mode in ["reverse", "forward"] {
            // By hand: ∂/∂x x·y·1e-300 = y·1e-300 = 2e-300, normal, exact in both passes.
            let r = try JacRunner.run(["jacobian", "x*y*1e-300", "--at", "x=3,y=2", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertNil(try JacRunner.json(r.stdout)["unreliable"], "\(mode): \(r.stdout)")
            XCTAssertTrue(r.stderr.isEmpty, r.stderr)
        }
    }
}

/// Found by review: `jac jacobian "x^2/x^300" --at x=10 --sparse --mode reverse` printed 2e-299
/// with status 0 and no note, where the dense Jacobian flags the entry (by hand −2.98e-297). The
/// sparse Jacobian reruns each colour's compressed pass seeded by a power of two.
final class SparseRangeLossTests: XCTestCase {
    func testAReverseColourWhoseAdjointsUnderflowFlagsItsEntriesOnly() throws {
        // Three rows of one colour (no shared column): the first and last lose their term.
        let r = try JacRunner.run(["jacobian", "x^2/x^300; y^2; z^2/z^300", "--at", "10,3,10", "--sparse", "--mode", "reverse",
                                   "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JacRunner.json(r.stdout)
        XCTAssertEqual(json["colors"] as? Int, 1, r.stdout)
        let loss = try XCTUnwrap(json["range_loss"] as? [[Double]], r.stdout)
        XCTAssertEqual(loss.map { [$0[0], $0[1]] }, [[0, 0], [2, 2]], r.stdout)
        for e in loss { XCTAssertEqual(e[2], -2.98e-297, accuracy: 1e-14 * 2.98e-297) }
        XCTAssertTrue(r.stderr.contains("df1/dx = 2e-299 is unreliable"), r.stderr)
        XCTAssertTrue(r.stderr.contains("df3/dz = 2e-299 is unreliable"), r.stderr)
        XCTAssertFalse(r.stderr.contains("df2/dy"), r.stderr)
    }

    /// Found by review: with 1e8·y in the same colour, the group's pass at 2¹⁰⁰⁰ overflowed and
    /// was dropped, and 2⁵⁰⁰ does not lift x³⁰⁰'s adjoint: x²/x³⁰⁰'s entry went unflagged.
    func testAnOverflowingRowOfTheColourDoesNotHideAnotherRowsLoss() throws {
        let r = try JacRunner.run(["jacobian", "x^2/x^300; 1e8*y", "--at", "x=10,y=1", "--sparse", "--mode", "reverse",
                                   "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try JacRunner.json(r.stdout)["colors"] as? Int, 1, r.stdout)
        let loss = try XCTUnwrap(try JacRunner.json(r.stdout)["range_loss"] as? [[Double]], r.stdout)
        XCTAssertEqual(loss.map { [$0[0], $0[1]] }, [[0, 0]], r.stdout)
        XCTAssertEqual(loss[0][2], -2.98e-297, accuracy: 1e-14 * 2.98e-297)
    }

    func testAForwardColourWhoseTangentUnderflowsIsFlaggedAndReverseModeIsNot() throws {
        // d/dx of ((x·10⁻²⁰⁰)·10⁻²⁰⁰)·10³⁰⁰ is 10⁻¹⁰⁰ by hand; forward mode's tangent passes
        // through 10⁻⁴⁰⁰, below the least Double, and comes out 0. Reverse mode's adjoints stay in
        // range (10³⁰⁰, 10¹⁰⁰, 10⁻¹⁰⁰).
        let f = "x*1e-200*1e-200*1e300"
        let forward = try JacRunner.run(["jacobian", f, "--at", "x=2", "--sparse", "--mode", "forward", "--format", "json"])
        XCTAssertEqual(forward.status, 0, forward.stderr)
        let loss = try XCTUnwrap(try JacRunner.json(forward.stdout)["range_loss"] as? [[Double]], forward.stdout)
        XCTAssertEqual(loss.count, 1)
        XCTAssertEqual(loss[0][2], 1e-100, accuracy: 1e-114)
        let reverse = try JacRunner.run(["jacobian", f, "--at", "x=2", "--sparse", "--mode", "reverse", "--format", "json"])
        XCTAssertNil(try JacRunner.json(reverse.stdout)["range_loss"], reverse.stdout)
        let entries = try XCTUnwrap(try JacRunner.json(reverse.stdout)["entries"] as? [[Double]], reverse.stdout)
        XCTAssertEqual(entries[0][2], 1e-100, accuracy: 1e-114)
    }
}

/// Found by review: where another input's adjoint is large, the fixed seeds show nothing
/// (2¹⁰⁰⁰ overflows it, 2⁵⁰⁰ lifts too little); jac jacobian printed 2e-299 silently.
final class RangeLossBesideALargeAdjointTests: XCTestCase {
    func testTheRowsLargestSafeSeedFindsTheLoss() throws {
        let r = try JacRunner.run(["jacobian", "x^2/x^300 + 1e10*y", "--at", "x=10,y=1", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let seeded = try XCTUnwrap(try JacRunner.json(r.stdout)["range_loss"] as? [[Any]], r.stdout)
        XCTAssertEqual(seeded[0][0] as? Double ?? .nan, -2.98e-297, accuracy: 1e-14 * 2.98e-297)
        let sparse = try JacRunner.run(["jacobian", "x^2/x^300 + 1e10*y", "--at", "x=10,y=1", "--sparse", "--mode", "reverse",
                                        "--format", "json"])
        let loss = try XCTUnwrap(try JacRunner.json(sparse.stdout)["range_loss"] as? [[Double]], sparse.stdout)
        XCTAssertEqual(loss.first?[2] ?? .nan, -2.98e-297, accuracy: 1e-14 * 2.98e-297)
    }
}
