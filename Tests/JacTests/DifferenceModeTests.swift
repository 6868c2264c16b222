import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `jac`'s difference modes: evaluation counts in JSON, unreliable entries explained, and `check`
/// agreeing with reverse mode on the oscillating functions of issue 16.
final class DifferenceModeTests: XCTestCase {
    func testEvaluationsAreReportedPerEntryAndInTotal() throws {
        // Central differences: f(x) once, then 4 evaluations per input (steps h and 2h), 2 more
        // at h/2 where the changes D(2h) − D(h) and D(h) − D(h/2) must be compared (a kink far
        // inside the steps makes them stop shrinking), and 2 at h/φ, off the power-of-two
        // lattice, where f is not affine along the input (a period of f dividing h reads as
        // settled on the lattice). x and y are affine here; along z both run, and the estimate
        // (−0.98999249645 ± 1.9e-10) holds cos 3.
        let r = try JacRunner.run(["jacobian", "x*y + sin(z)", "--at", "1,2,3", "--mode", "central", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let e = try JacRunner.json(r.stdout)["evaluations"] as? [String: Any]
        XCTAssertEqual(e?["total"] as? Int, 17)
        XCTAssertEqual(e?["per_entry"] as? [[Int]], [[4, 4, 8]])
        // Complex step: f(x) once, then one evaluation per input (each vouches for its own
        // truncation from f(x); none of these is near a pole or a zero of f, so none needs a second),
        // and one recording of f on duals for the bound on the rounding inside f, which serves up
        // to 8 columns and is counted in the first.
        let c = try JacRunner.run(["jacobian", "x*y + sin(z)", "--at", "1,2,3", "--mode", "complex-step", "--format", "json"])
        let ce = try JacRunner.json(c.stdout)["evaluations"] as? [String: Any]
        XCTAssertEqual(ce?["total"] as? Int, 5)
        XCTAssertEqual(ce?["per_entry"] as? [[Int]], [[2, 1, 1]])
        // AD modes spend no evaluations of differences and print no such key.
        let rev = try JacRunner.run(["jacobian", "x*y", "--at", "1,2", "--format", "json"])
        XCTAssertNil(try JacRunner.json(rev.stdout)["evaluations"])
        let table = try JacRunner.run(["jacobian", "x*y", "--at", "1,2", "--mode", "adaptive"])
        XCTAssertTrue(table.stdout.contains("evaluations of f  "), table.stdout)
    }

    func testCheckAgreesWithReverseOnTheIssueCases() throws {
        for (formula, point) in [("sin(1000*x)", "x=1"), ("sin(50*x)", "x=1"), ("2/sin(exp(-x))", "x=-4.499")] {
            let r = try JacRunner.run(["check", formula, "--at", point])
            XCTAssertEqual(r.status, 0, "\(formula): \(r.stdout)\(r.stderr)")
            for mode in ["richardson", "adaptive"] {
                let d = try JacRunner.run(["jacobian", formula, "--at", point, "--mode", mode, "--format", "json"])
                let rev = try JacRunner.run(["jacobian", formula, "--at", point, "--format", "json"])
                let a = (try JacRunner.json(d.stdout)["jacobian"] as? [[Double]])?[0][0] ?? .nan
                let b = (try JacRunner.json(rev.stdout)["jacobian"] as? [[Double]])?[0][0] ?? .nan
                XCTAssertLessThanOrEqual(abs(a - b) / abs(b), 1e-9, "\(mode) \(formula): \(a) vs \(b)")
            }
        }
    }

    /// Two verdicts a user trial found wrong: a correct exp at the edge of overflow failed on the
    /// random-direction check, and a claim 3e-5 off at sin(1000x) passed on central's loose estimate.
    func testCheckVerdictsAtOverflowAndOnALooseFirstWitness() throws {
        let e = try JacRunner.run(["check", "exp(x)", "--at", "x=709"])
        XCTAssertEqual(e.status, 0, e.stdout + e.stderr)
        XCTAssertTrue(e.stdout.contains("random-direction JVP (seed 24301): agrees"), e.stdout)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jac-loose-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let claim = dir.appendingPathComponent("c.json")
        try "[[562.39]]".write(to: claim, atomically: true, encoding: .utf8)   // 1000·cos(1000) = 562.379076…
        let wrong = try JacRunner.run(["check", "sin(1000*x)", "--at", "x=1", "--claimed", claim.path])
        XCTAssertEqual(wrong.status, 1, wrong.stdout + wrong.stderr)
        XCTAssertTrue(wrong.stdout.contains("rule-wrong (claimed)"), wrong.stdout)
        try "[[\(1000 * cos(1000.0))]]".write(to: claim, atomically: true, encoding: .utf8)
        let right = try JacRunner.run(["check", "sin(1000*x)", "--at", "x=1", "--claimed", claim.path])
        XCTAssertEqual(right.status, 0, right.stdout + right.stderr)
    }

    /// Found by a user trial: central at 1/x near its pole printed "is unreliable" on stderr while
    /// the JSON's warnings were empty. The JSON now carries the same judgement.
    func testTheJSONSaysWhichEntriesAreUnreliable() throws {
        let bad = try JacRunner.run(["jacobian", "1/x", "--at", "x=1e-6", "--mode", "central", "--format", "json"])
        XCTAssertTrue(bad.stderr.contains("is unreliable"), bad.stderr)
        XCTAssertEqual(try JacRunner.json(bad.stdout)["unreliable"] as? [[Bool]], [[true]])
        let good = try JacRunner.run(["jacobian", "x*y", "--at", "x=1,y=2", "--mode", "central", "--format", "json"])
        XCTAssertEqual(try JacRunner.json(good.stdout)["unreliable"] as? [[Bool]], [[false, false]])
    }

    /// At a stationary point the derivative is 0 (cos′(0) = −sin 0, (x²)′ at 0, by hand) and the
    /// complex step gives it exactly, with an estimate at the underflow quantum (about 3e-288).
    /// A row of zeros had scale 0, so every such entry was called unreliable. Central differences
    /// there stay unreliable: their 0 is known only to about 6e-11, far above cos's last digit.
    func testAnExactZeroAtAStationaryPointIsNotUnreliable() throws {
        let complex = try JacRunner.run(["jacobian", "cos(x); x^2", "--at", "x=0", "--mode", "complex-step", "--format", "json"])
        XCTAssertEqual(complex.status, 0, complex.stderr)
        XCTAssertEqual(complex.stderr, "")
        let o = try JacRunner.json(complex.stdout)
        XCTAssertEqual((o["jacobian"] as? [[Double]])?.map { $0.map(Swift.abs) }, [[0], [0]])
        XCTAssertEqual(o["unreliable"] as? [[Bool]], [[false], [false]])
        let central = try JacRunner.run(["jacobian", "cos(x)", "--at", "x=0", "--mode", "central", "--format", "json"])
        XCTAssertEqual(try JacRunner.json(central.stdout)["unreliable"] as? [[Bool]], [[true]])
        XCTAssertTrue(central.stderr.contains("df/dx = 0.0 is unreliable"), central.stderr)
    }

    /// The no-convergence note names both causes: f oscillating or noisy at every step, and two
    /// step ranges settling on different values (trial P's Richardson flag). √x at 10⁻¹² has no
    /// step range that stays inside (0, ∞) long enough to settle.
    func testTwoSettledRangesAreNamedInTheNote() throws {
        let r = try JacRunner.run(["jacobian", "sqrt(x)", "--at", "x=1e-12", "--mode", "richardson"])
        XCTAssertTrue(r.stdout.contains("no estimate"), r.stdout)
        XCTAssertTrue(r.stderr.contains("two step ranges settle on different values"), r.stderr)
    }

    /// jac differences a formula whose tape it has, so the rounding of its intermediates counts in
    /// every estimate. Before, x² − 2x + 1 at 1.0000001 (terms near 1 cancelling to 10⁻¹⁴) gave
    /// adaptive 2.00001523e-7 ± 8.9e-16, a confident wrong slope, and (eˣ − 1)/x at 10⁻⁶ gave
    /// Richardson "no estimate" (two step ranges settled on 0.5000003 and −0.49996). Truths:
    /// 2(x − 1) in exact rationals at x = 4503600077730459/2⁵²; mpmath at 40 digits for the quotient.
    func testEstimatesCountTheRoundingOfTheFormulasIntermediates() throws {
        for (formula, at, truth) in [("x^2 - 2*x + 1", "x=1.0000001", 2.00000000116773435365757904946804e-7),
                                     ("(exp(x) - 1)/x", "x=1e-6", 0.500000333333458333366651589637)] {
            for mode in ["central", "richardson", "adaptive"] {
                let r = try JacRunner.run(["jacobian", formula, "--at", at, "--mode", mode, "--format", "json"])
                XCTAssertEqual(r.status, 0, r.stderr)
                let json = try JacRunner.json(r.stdout)
                let value = try XCTUnwrap((json["jacobian"] as? [[Double]])?.first?.first, r.stdout)
                let estimate = try XCTUnwrap((json["error_estimate"] as? [[Double]])?.first?.first, r.stdout)
                XCTAssertLessThanOrEqual(Swift.abs(value - truth), estimate, "\(formula) \(mode): \(r.stdout)")
            }
            let adaptive = try JacRunner.run(["jacobian", formula, "--at", at, "--mode", "adaptive", "--format", "json"])
            XCTAssertEqual(try JacRunner.json(adaptive.stdout)["unreliable"] as? [[Bool]], [[false]], "\(formula): \(adaptive.stderr)")
        }
    }

    /// The tape's bound is the rounding at x; a sample far from x rounds by ulps of its own
    /// intermediates. x − sin x at 10⁻⁵ rounds by ε·10⁻⁵ at x and by ε·0.1 at x + 0.1, and the bound
    /// at x alone made Richardson print 4.999995537e-11 ± 3e-18, reliable, for 4.99999999999958e-11
    /// (1 − cos 10⁻⁵, mpmath at 40 digits). The bound now grows with the distance from x.
    func testTheRoundingBoundGrowsWithTheSamplesDistance() throws {
        let truth = 4.99999999999958334151364011348901551289329e-11
        for mode in ["central", "richardson", "adaptive"] {
            let r = try JacRunner.run(["jacobian", "x - sin(x)", "--at", "x=1e-5", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let json = try JacRunner.json(r.stdout)
            let value = try XCTUnwrap((json["jacobian"] as? [[Double]])?.first?.first, r.stdout)
            let estimate = try XCTUnwrap((json["error_estimate"] as? [[Double]])?.first?.first, r.stdout)
            let unreliable = (json["unreliable"] as? [[Bool]])?.first?.first ?? false
            XCTAssertTrue(Swift.abs(value - truth) <= estimate || unreliable, "\(mode): \(r.stdout)")
            if mode == "richardson" { XCTAssertLessThanOrEqual(Swift.abs(value - truth), estimate, r.stdout) }
        }
    }

    func testAnUnresolvableDerivativeIsExplained() throws {
        // sin(1e15·x) at 1: a period spans ~28 ulps of x; Richardson cannot settle and says why.
        let r = try JacRunner.run(["jacobian", "sin(1e15*x)", "--at", "x=1", "--mode", "richardson", "--format", "json"])
        let w = (try JacRunner.json(r.stdout)["warnings"] as? [[[String]]])?[0][0] ?? []
        if w.contains("no-convergence") {
            XCTAssertTrue(r.stderr.contains("no step range where the differences settle"), r.stderr)
        }
        XCTAssertFalse(r.stderr.isEmpty && w.isEmpty, "either a warning or an explanation is expected: \(r.stdout)")
    }

    /// The complex step's value column is f(x) evaluated in real arithmetic: Re f(x + ih) was
    /// printed before, 0.9995 for (x^2147483647)^2147483647 at 1. Its derivative there is n²
    /// with n = 2147483647, 4611686014132420609 (exact integer arithmetic).
    func testComplexStepPrintsTheRealValue() throws {
        let r = try JacRunner.run(["jacobian", "(x^2147483647)^2147483647", "--at", "x=1", "--mode", "complex-step", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["value"] as? [Double], [1.0])
        let j = try XCTUnwrap((object["jacobian"] as? [[Double]])?.first?.first)
        XCTAssertEqual(j, 4611686014132420609.0, accuracy: 4 * 4611686014132420609.0.ulp)
    }
}

/// exp(x)^1e300 at 0: d/dx e^{10³⁰⁰x} = 10³⁰⁰ (by hand; forward and reverse give it). In Double,
/// exp(x) is exactly 1 within 10⁻¹⁶ of 0 and overflows the power beyond, so no difference can
/// see the slope. The adaptive method printed −2.0 (its stencil's weights, rounded, summed to
/// −6.9·10⁻¹⁸, over h = 3.5·10⁻¹⁸) with an "error estimate" of 70; it now prints no estimate and
/// says why, and `jac check` convicts nothing.
final class NoEstimateTests: XCTestCase {
    func testADifferenceThatNeverSettlesIsNoEstimate() throws {
        let r = try JacRunner.run(["jacobian", "exp(x)^1e300", "--at", "x=0", "--mode", "adaptive"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("no estimate"), r.stdout)
        XCTAssertFalse(r.stdout.contains("-2.0"), r.stdout)
        XCTAssertTrue(r.stderr.contains("df/dx has no estimate and is unreliable"), r.stderr)
        XCTAssertTrue(r.stderr.contains("a sample is not finite"), r.stderr)
        let json = try JacRunner.json(try JacRunner.run(["jacobian", "exp(x)^1e300", "--at", "x=0", "--mode", "adaptive",
                                                         "--format", "json"]).stdout)
        // Equal samples give exactly 0: Σ wₖ(fₖ − f₀), not the rounding of Σ wₖ.
        XCTAssertEqual(json["jacobian"] as? [[Double]], [[0]])
        XCTAssertEqual(json["unreliable"] as? [[Bool]], [[true]])
        XCTAssertTrue(((json["warnings"] as? [[[String]]])?[0][0] ?? []).contains("no-convergence"))
        for mode in ["forward", "reverse"] {
            let m = try JacRunner.json(try JacRunner.run(["jacobian", "exp(x)^1e300", "--at", "x=0", "--mode", mode,
                                                          "--format", "json"]).stdout)
            XCTAssertEqual(m["jacobian"] as? [[Double]], [[1e300]], mode)
        }
        // --analyze reads that guess: the analysis says so beside its numbers.
        let analyzed = try JacRunner.run(["jacobian", "exp(x)^1e300", "--at", "x=0", "--mode", "adaptive", "--analyze"])
        XCTAssertTrue(analyzed.stdout.contains("computed from the last difference tried for df/dx, which has no estimate"), analyzed.stdout)
        let analyzedJSON = try JacRunner.json(try JacRunner.run(["jacobian", "exp(x)^1e300", "--at", "x=0", "--mode", "adaptive",
                                                                 "--analyze", "--format", "json"]).stdout)
        XCTAssertEqual(analyzedJSON["analysis_uses_entries_without_estimate"] as? [String], ["df/dx"])
        let settled = try JacRunner.json(try JacRunner.run(["jacobian", "x^2", "--at", "x=3", "--mode", "adaptive",
                                                            "--analyze", "--format", "json"]).stdout)
        XCTAssertNil(settled["analysis_uses_entries_without_estimate"])
        // CSV: the entry is an empty cell (a missing value), not the guess 0.0 (found by review9).
        let csv = try JacRunner.run(["jacobian", "exp(x)^1e300", "--at", "x=0", "--mode", "adaptive", "--format", "csv"])
        XCTAssertEqual(csv.stdout.components(separatedBy: "\n").filter { !$0.isEmpty }, ["output,value,d/dx", "f,1.0,"], csv.stdout)
        let settledCSV = try JacRunner.run(["jacobian", "x^2", "--at", "x=3", "--mode", "adaptive", "--format", "csv"])
        XCTAssertTrue(settledCSV.stdout.contains("f,9.0,6.0"), settledCSV.stdout)
        let check = try JacRunner.run(["check", "exp(x)^1e300", "--at", "x=0"])
        XCTAssertEqual(check.status, 1, check.stdout)
        XCTAssertTrue(check.stdout.contains("fd-inconclusive"), check.stdout)
        XCTAssertFalse(check.stdout.contains("rule-wrong"), check.stdout)
    }
}

/// jac has the formula's tape, so it knows where its kinks are. A stencil reaching as far as one
/// averages two slopes and its error estimate does not see it: Richardson printed relu′(0) = 0.5
/// with no note, and 1 + 2e-7·x + 1e-9·relu(0.99999 − x) at 1.0000001 (f′ = 2e-7 by hand, the
/// relu is off there) gave 1.995e-7 ± 6e-14 (review 12). Such entries are now unreliable.
final class DifferenceKinkCrossingTests: XCTestCase {
    func testAStencilReachingAKinkIsUnreliable() throws {
        for (formula, at) in [("relu(x)", "x=0"), ("1 + 2e-7*x + 1e-9*relu(0.99999 - x)", "x=1.0000001")] {
            for mode in ["central", "richardson", "adaptive"] {
                let r = try JacRunner.run(["jacobian", formula, "--at", at, "--mode", mode, "--format", "json"])
                let json = try JacRunner.json(r.stdout)
                XCTAssertEqual(json["unreliable"] as? [[Bool]], [[true]], "\(formula) \(mode): \(r.stdout)")
                XCTAssertEqual((json["warnings"] as? [[[String]]])?[0][0].contains("crosses-kink"), true, "\(formula) \(mode): \(r.stdout)")
                XCTAssertTrue(r.stderr.contains("crosses a kink"), r.stderr)
            }
        }
    }

    /// Far from the kink (relu's argument is 0.5 away, the steps reach 0.125) nothing changes:
    /// 2x + 1 = 2 by hand, reliable.
    func testAKinkOutOfReachChangesNothing() throws {
        let r = try JacRunner.run(["jacobian", "relu(x) + x^2", "--at", "x=0.5", "--mode", "richardson", "--format", "json"])
        let json = try JacRunner.json(r.stdout)
        XCTAssertEqual(json["unreliable"] as? [[Bool]], [[false]], r.stdout)
        XCTAssertEqual(try XCTUnwrap((json["jacobian"] as? [[Double]])?[0][0]), 2, accuracy: 1e-12)
    }
}
