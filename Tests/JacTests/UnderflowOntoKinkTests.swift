import Foundation
import XCTest

/// relu(x⁴) at x = 10⁻¹⁰⁰: x⁴ = 10⁻⁴⁰⁰ is 0 in Double, relu's kink, and every mode computes
/// relu's convention 0. By hand f′ = 4x³ = 4·10⁻³⁰⁰ and f″ = 12x² = 1.2·10⁻¹⁹⁹ (exact mode's
/// 4e-300 agrees). jac hessian called both entries reliable within a bound of 0, jac jacobian
/// the same, and jac check passed 0 as a valid subgradient (status 0): at the point given relu
/// is not at its kink, and Double lost the side its argument lies on.
final class UnderflowOntoKinkTests: XCTestCase {
    func testTheHessiansEntriesThroughTheKinkAreUnreliableWithNoBound() throws {
        let r = try JacRunner.run(["hessian", "relu(x^4)", "--at", "x=1e-100", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        // The premise: 0 printed for 4e-300 and 1.2e-199.
        XCTAssertEqual(object["gradient"] as? [Double], [0], r.stdout)
        XCTAssertEqual(object["hessian"] as? [[Double]], [[0]], r.stdout)
        XCTAssertEqual(object["gradient_unreliable"] as? [Bool], [true], r.stdout)
        XCTAssertEqual(object["hessian_unreliable"] as? [[Bool]], [[true]], r.stdout)
        XCTAssertTrue((object["gradient_rounding_bound"] as? [Any])?.first is NSNull, r.stdout)
        XCTAssertTrue(((object["hessian_rounding_bound"] as? [Any])?.first as? [Any])?.first is NSNull, r.stdout)
        for entry in ["df/dx = 0.0", "d2f/dxdx = 0.0"] {
            let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.hasPrefix("note: \(entry) is unreliable") }, r.stderr)
            XCTAssertTrue(note.contains("relu (node") && note.contains("underflowed to 0"), note)
        }
    }

    /// Only the entries along an input the kink's argument depends on: ∂²/∂y² of relu(x⁴)·y + y²
    /// reads relu's value (0 on both sides of the kink, and 10⁻⁴⁰⁰ exactly), not its side, and is 2
    /// by hand; ∂²/∂x∂y = relu′(x⁴)·4x³ = 4·10⁻³⁰⁰ by hand, printed 0.
    func testOnlyTheEntriesTheKinksSideDecidesAreFlagged() throws {
        let r = try JacRunner.run(["hessian", "relu(x^4)*y + y^2", "--at", "x=1e-100,y=3", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["hessian"] as? [[Double]], [[0, 0], [0, 2]], r.stdout)
        XCTAssertEqual(object["hessian_unreliable"] as? [[Bool]], [[true, true], [true, false]], r.stdout)
        XCTAssertEqual(object["gradient_unreliable"] as? [Bool], [true, false], r.stdout)
    }

    func testJacobiansEntryIsUnreliableWithNoBound() throws {
        let r = try JacRunner.run(["jacobian", "relu(x^4)", "--at", "x=1e-100", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["jacobian"] as? [[Double]], [[0]], r.stdout)
        XCTAssertEqual(object["unreliable"] as? [[Bool]], [[true]], r.stdout)
        XCTAssertTrue(((object["rounding_bound"] as? [Any])?.first as? [Any])?.first is NSNull, r.stdout)
        XCTAssertTrue(r.stderr.contains("note: df/dx = 0.0 is unreliable: relu (node"), r.stderr)
    }

    /// The check does not pass the convention as a subgradient: the entry is inconclusive, and
    /// the note names relu and the underflow.
    func testTheCheckIsInconclusiveNotAValidSubgradient() throws {
        let r = try JacRunner.run(["check", "relu(x^4)", "--at", "x=1e-100", "--format", "json"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["agree"] as? Bool, false, r.stdout)
        let entry = try XCTUnwrap((object["entries"] as? [[String: Any]])?.first, r.stdout)
        XCTAssertEqual(entry["verdict"] as? String, "fd-inconclusive", r.stdout)
        XCTAssertEqual(entry["reasons"] as? [String], ["underflow-onto-kink"], r.stdout)
        XCTAssertTrue((object["notes"] as? [String] ?? []).contains { $0.hasPrefix("relu (node") && $0.contains("underflowed to 0") }, r.stdout)
    }

    /// jac diff --at decides relu's branch at the point as Double computes it, and printed
    /// `df/dx = 0` (4*x^3 by hand on the side x⁴ > 0 the point lies on) with the kink note alone.
    func testDiffAtThePointSaysTheBranchWasTakenThroughAnUnderflow() throws {
        let r = try JacRunner.run(["diff", "relu(x^4)", "--at", "x=1e-100"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("note: relu (node") && r.stderr.contains("underflowed to 0"), r.stderr)
        let clean = try JacRunner.run(["diff", "relu(x^4)", "--at", "x=1e-50"])
        XCTAssertFalse(clean.stderr.contains("underflowed"), clean.stderr)
    }

    /// Where nothing underflows, the kink is a kink and the entries are as before: relu(x) at 0
    /// passes as a valid subgradient, and relu(x⁴) at 10⁻⁵⁰ (x⁴ = 10⁻²⁰⁰, normal) is reliable.
    func testARealKinkAndAnUnderflowFreePointAreUnchanged() throws {
        let kink = try JacRunner.run(["check", "relu(x)", "--at", "x=0"])
        XCTAssertEqual(kink.status, 0, kink.stdout + kink.stderr)
        XCTAssertTrue(kink.stdout.contains("valid subgradient"), kink.stdout)
        XCTAssertFalse(kink.stdout.contains("underflow"), kink.stdout)
        let normal = try JacRunner.run(["hessian", "relu(x^4)", "--at", "x=1e-50", "--format", "json"])
        XCTAssertEqual(normal.status, 0, normal.stderr)
        let object = try JacRunner.json(normal.stdout)
        XCTAssertEqual(object["gradient_unreliable"] as? [Bool], [false], normal.stdout)
        XCTAssertEqual(object["hessian_unreliable"] as? [[Bool]], [[false]], normal.stdout)
        XCTAssertFalse(normal.stderr.contains("underflowed"), normal.stderr)
    }

    /// `--sparse` had none of it: relu(x⁴) at 10⁻¹⁰⁰ printed 0 reliable within 0 for 4·10⁻³⁰⁰ (a
    /// review), and relu(sin(x⁴)) did so on every path (sin keeps the lost 0 at 0). By hand
    /// ∂/∂y of relu(x⁴)·... + y² is 2y = 4, which no kink decides.
    func testTheSparseJacobianAndAZeroKeepingFunctionAreCoveredToo() throws {
        for (formula, mode) in [("relu(x^4) + y^2", "forward"), ("relu(sin(x^4)) + y^2", "reverse")] {
            let r = try JacRunner.run(["jacobian", formula, "--at", "x=1e-100,y=2", "--sparse", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try JacRunner.json(r.stdout)
            let entries = try XCTUnwrap(object["entries"] as? [[Double]], r.stdout)
            let unreliable = try XCTUnwrap(object["unreliable"] as? [Bool], r.stdout)
            let bounds = try XCTUnwrap(object["rounding_bound"] as? [Any], r.stdout)
            XCTAssertEqual(entries.count, 2, r.stdout)
            for (k, e) in entries.enumerated() {
                if e[1] == 0 {
                    XCTAssertEqual(e[2], 0, r.stdout)
                    XCTAssertTrue(unreliable[k], r.stdout)
                    XCTAssertTrue(bounds[k] is NSNull, r.stdout)
                } else {
                    XCTAssertEqual(e[2], 4, r.stdout)
                    XCTAssertFalse(unreliable[k], r.stdout)
                }
            }
            XCTAssertTrue(r.stderr.contains("note: df/dx = 0.0 is unreliable: relu (node"), r.stderr)
            let dense = try JacRunner.run(["jacobian", formula, "--at", "x=1e-100,y=2", "--format", "json"])
            XCTAssertEqual(try JacRunner.json(dense.stdout)["unreliable"] as? [[Bool]], [[true, false]], dense.stdout)
        }
    }

    /// Several outputs and kinks: each entry a kink decides is marked, in the dense Jacobian and
    /// `--sparse` alike, and the notes come row by row. relu(x⁴) decides ∂f1/∂x and relu(y⁴) both
    /// ∂f1/∂y and ∂f2/∂y (0 printed for 4·10⁻³⁰⁰ each, by hand); ∂f3/∂z = 2z = 6 is decided by
    /// none. (The entries are kept by entry now, not in an m × n table whose every cell scanned
    /// every kink: `--sparse` of relu(xᵢ⁴) over 500 variables took 109 s in a debug build, 4.5 s
    /// now; this pins what that change must keep.)
    func testEveryEntryAKinkDecidesIsMarkedRowByRowDenseAndSparse() throws {
        let formula = "f(x, y, z) = relu(x^4) + relu(y^4); relu(y^4); z^2"
        let decided = [(0, 0), (0, 1), (1, 1)]
        let dense = try JacRunner.run(["jacobian", formula, "--at", "x=1e-100,y=1e-100,z=3", "--format", "json"])
        XCTAssertEqual(dense.status, 0, dense.stderr)
        let unreliable = try XCTUnwrap(try JacRunner.json(dense.stdout)["unreliable"] as? [[Bool]], dense.stdout)
        XCTAssertEqual(unreliable, [[true, true, false], [false, true, false], [false, false, false]], dense.stdout)
        let notes = dense.stderr.components(separatedBy: "\n").filter { $0.contains("is unreliable: relu (node") }
        XCTAssertEqual(notes.map { String($0.prefix(while: { $0 != "=" })) }, ["note: df1/dx ", "note: df1/dy ", "note: df2/dy "], dense.stderr)
        XCTAssertTrue(notes[0].contains("only because powi (node 3) underflowed"), notes[0])
        XCTAssertTrue(notes[2].contains("only because powi (node 5) underflowed"), notes[2])
        let sparse = try JacRunner.run(["jacobian", formula, "--at", "x=1e-100,y=1e-100,z=3", "--sparse", "--format", "json"])
        XCTAssertEqual(sparse.status, 0, sparse.stderr)
        let object = try JacRunner.json(sparse.stdout)
        let entries = try XCTUnwrap(object["entries"] as? [[Double]], sparse.stdout)
        let marked = try XCTUnwrap(object["unreliable"] as? [Bool], sparse.stdout)
        XCTAssertEqual(entries.count, 4, sparse.stdout)
        for (k, e) in entries.enumerated() {
            XCTAssertEqual(marked[k], decided.contains { $0.0 == Int(e[0]) && $0.1 == Int(e[1]) }, "entry \(e): \(sparse.stdout)")
        }
        XCTAssertEqual(sparse.stderr.components(separatedBy: "\n").filter { $0.contains("is unreliable: relu (node") }, notes, sparse.stderr)
    }
}
