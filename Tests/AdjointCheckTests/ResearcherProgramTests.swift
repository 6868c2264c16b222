import AdjointCheck
import AdjointCore
import AdjointExact
import Foundation
import XCTest

/// A researcher's own program, not a formula: classical RK4 on the linear ODE
/// y' = [[−a, b], [−b, −a]]·y over [0, 1], differentiated in p = (a, b, y₀, y₁).
private struct RK4Rotation: ADFunction {
    let steps: Int
    func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
        let a = p[0], b = p[1]
        var u = p[2], v = p[3]
        let h = T(1.0 / Double(steps))
        let half: T = h * 0.5
        let sixth: T = h / 6
        for _ in 0..<steps {
            let k1u = b * v - a * u, k1v = -(b * u) - a * v
            let u2 = u + half * k1u, v2 = v + half * k1v
            let k2u = b * v2 - a * u2, k2v = -(b * u2) - a * v2
            let u3 = u + half * k2u, v3 = v + half * k2v
            let k3u = b * v3 - a * u3, k3v = -(b * u3) - a * v3
            let u4 = u + h * k3u, v4 = v + h * k3v
            let k4u = b * v4 - a * u4, k4v = -(b * u4) - a * v4
            let su = k1u + 2 * k2u + 2 * k3u + k4u
            let sv = k1v + 2 * k2v + 2 * k3v + k4v
            u = u + sixth * su
            v = v + sixth * sv
        }
        return [u, v]
    }
}

/// The sensitivities of the exact flow exp(At)·y₀ at t = 1, derived by hand from
/// u = e^{−a}(cos b·y₀ + sin b·y₁), v = e^{−a}(−sin b·y₀ + cos b·y₁): what a researcher claims for
/// the discrete program, and off its derivative by RK4's O(h⁴) error.
private func flowSensitivities(_ p: [Double]) -> [[Double]] {
    let (a, b, y0, y1) = (p[0], p[1], p[2], p[3])
    let e = exp(-a), c = cos(b), s = sin(b)
    let u = e * (c * y0 + s * y1), v = e * (-s * y0 + c * y1)
    return [[-u, e * (-s * y0 + c * y1), e * c, e * s],
            [-v, e * (-c * y0 - s * y1), -e * s, e * c]]
}

final class ResearcherProgramTests: XCTestCase {
    /// Found by a user trial: the continuous-time sensitivities claimed for 20 RK4 steps are 2·10⁻⁶
    /// relative off the program's derivative (exact rationals say so), and seven entries were
    /// rule-wrong; ∂u/∂y₀ was fd-inconclusive (witnesses-conflict): central and adaptive disagreed
    /// with the claim, Richardson's loose estimate (a step of 7e-12 along y₀, in which u is linear)
    /// reached it, and the ladder stopped there, before the complex step and exact rationals.
    func testALooseAgreementAfterTwoDisagreementsLetsTheSharperRungsDecide() throws {
        let p = [0.3, 2.0, 1.0, 0.5]
        let f = RK4Rotation(steps: 20)
        // The independent reference: the program's derivative in exact rational arithmetic.
        let exact = try exactJacobian(of: f, at: p).jacobian.map { $0.map(\.doubleValue) }
        let claim = flowSensitivities(p)
        for i in 0..<2 {
            for j in 0..<4 { XCTAssertGreaterThan(abs(claim[i][j] - exact[i][j]), 1e-7 * abs(exact[i][j]), "(\(i), \(j))") }
        }
        let report = try checkJacobian(of: f, at: p, claimed: { flowSensitivities($0) }, claimedName: "continuous")
        for i in 0..<2 {
            for j in 0..<4 {
                let e = report.entries[i][j]
                XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["continuous"]), "(\(i), \(j))\n\(report.renderTable())")
            }
        }
        // Decided by a rung after Richardson. Told the program's rounding (the check's rungs now
        // are), Richardson no longer steps down to 7e-12 and settles at 0.0625 on −0.3082885481035
        // ± 1.8·10⁻¹³, a disagreement of its own; exact rationals, the last to disagree, decide.
        let entry = report.entries[0][2]
        XCTAssertTrue(["complex-step", "exact-rationals"].contains(entry.witness ?? "-"), "\(entry.witness ?? "-")\n\(report.renderTable())")
        // The program's own derivative still passes.
        XCTAssertTrue(try checkJacobian(of: f, at: p).passed)
    }
}

/// A branch the tape does not record: x for x < 1, 2x − 1 from 1 on (by hand: slope 1, then 2).
private struct Switch: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        if x[0] < 1 { return [x[0]] }
        return [2 * x[0] - 1]
    }
}

extension ResearcherProgramTests {
    /// Found by a user trial: 10⁻¹² right of the switch, where f = 2x − 1 on a neighbourhood and
    /// forward and reverse mode's 2 is exact, a wrong claim of 1 had all three convicted: the
    /// differences straddle the switch (central 1.5, exact rationals 1.5025), and the last rung
    /// decided, over the complex step's 2 ± 9e-16. At the switch itself a claim of 7 (outside both
    /// slopes) convicted the modes too.
    func testADifferenceAcrossAnUnrecordedBranchDoesNotConvictTheModesTheComplexStepConfirms() throws {
        for x in [1 + 1e-12, 1.0] {
            for claim in [1.0, 7.0] where !(x == 1 && claim == 1) {
                let report = try checkJacobian(of: Switch(), at: [x], claimed: { _ in [[claim]] })
                XCTAssertEqual(report.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "x = \(x), claim \(claim)\n\(report.renderTable())")
            }
        }
        // Without a claim the conflict is reported as such, as before.
        let plain = try checkJacobian(of: Switch(), at: [1.0])
        XCTAssertEqual(plain.verdict, .fdInconclusive(reasons: [.witnessesConflict]), plain.renderTable())
    }

    /// Found by a user trial: at the switch the entry read "fd-inconclusive (witnesses-conflict)"
    /// and the notes were empty. The note now says what the pattern means and where to look.
    func testAConflictOfDifferencesWithTheComplexStepIsExplainedAsABranch() throws {
        let report = try checkJacobian(of: Switch(), at: [1.0])
        let note = report.notes.first { $0.contains("f may branch on a value") }
        XCTAssertNotNil(note, "\(report.notes)")
        XCTAssertTrue(note?.hasPrefix("entry (f0, x0): differences disagree with the complex step, which agrees with forward and reverse") ?? false, note ?? "")
        XCTAssertTrue(report.renderTable().contains("f may branch on a value"), report.renderTable())
        // A smooth point of the same function has no such note.
        XCTAssertFalse(try checkJacobian(of: Switch(), at: [1.5]).notes.contains { $0.contains("branch") })
    }
}
