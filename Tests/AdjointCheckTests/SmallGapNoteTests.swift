import XCTest
@testable import AdjointCheck

final class SmallGapNoteTests: XCTestCase {
    /// x² at 3 with 6·(1 + 10⁻⁷) claimed: rule-wrong (central differences of a quadratic have no
    /// truncation), and the gap is small enough for the note on where such gaps come from. A
    /// textbook-right softmax H·v is one of them (p₀ − p₀² with p₀ = 1 − 10⁻⁸ rounds by 2·10⁻⁸ of
    /// itself), so the note names a claim's own cancellation beside a solver's tolerance.
    func testTheSmallGapNoteNamesAClaimThatCancelsLargerTerms() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] * x[0] }, at: [3], claimedGradient: { x in [2 * x[0] * (1 + 1e-7)] })
        XCTAssertEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        let note = r.notes.first { $0.contains("Likely causes") }
        XCTAssertNotNil(note, r.renderTable())
        XCTAssertTrue(note?.contains("terms that cancel") == true, note ?? "no note")
        XCTAssertTrue(note?.contains("iterates to a tolerance") == true, note ?? "no note")
    }

    /// The note named the convicted entries "(0, 1)", which for a gradient read as entries 0 and 1
    /// (a new user's review); it names them as the table labels them, output f0 and input x1. Only
    /// ∂/∂x₁ of x₀ + x₁² is claimed wrong.
    func testTheSmallGapNoteNamesTheConvictedDerivative() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] + x[1] * x[1] }, at: [1, 3],
                                          claimedGradient: { x in [1, 2 * x[1] * (1 + 1e-7)] })
        XCTAssertEqual(r.entries[0].map(\.verdict.name), ["agree", "rule-wrong"], r.renderTable())
        let note = try XCTUnwrap(r.notes.first { $0.contains("Likely causes") }, r.renderTable())
        XCTAssertTrue(note.contains("the rule-wrong entries (f0, x1) are off"), note)
    }

    /// RK4 at a fixed step h = 0.1 (40 steps to T = 4) on logistic growth y′ = r·y·(1 − y/K), with
    /// the exact solution's sensitivities claimed: y(T) = K·y₀·e^{rT}/(K + y₀(e^{rT} − 1)),
    /// differentiated by hand. That is the model's derivative, not the program's: by mpmath at 50
    /// digits (differences of the same 40 steps), ∂y/∂(y₀, r, K) at (0.5, 1.3, 4) is
    /// (0.32729550998767123, 0.57276448464650692, 0.92190769767821308), and the closed form is
    /// off by 3.12159·10⁻⁶, 1.51875·10⁻⁶ and 3.13695·10⁻⁷ relative. The note listed a solver's
    /// tolerance, rounded constants and a Float claim as the causes, and offered `rtol` as if the
    /// claim were f's derivative; it names the discretisation now.
    func testTheSmallGapNoteNamesADiscretisationWhenAContinuousAdjointIsClaimed() throws {
        let (h, steps) = (0.1, 40)
        let rk4: ([Double]) -> Double = { p in
            let (r, k) = (p[1], p[2])
            func rate(_ y: Double) -> Double { r * y * (1 - y / k) }
            var y = p[0]
            for _ in 0..<steps {
                let k1 = rate(y), k2 = rate(y + h / 2 * k1), k3 = rate(y + h / 2 * k2), k4 = rate(y + h * k3)
                y += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            }
            return y
        }
        let continuous: ([Double]) -> [Double] = { p in
            let (y0, r, k) = (p[0], p[1], p[2]), t = h * Double(steps)
            let e = exp(r * t), d = k + y0 * (e - 1)
            return [k * e / d - k * y0 * e * (e - 1) / (d * d),
                    k * y0 * t * e / d - k * y0 * e * (y0 * t * e) / (d * d),
                    y0 * e / d - k * y0 * e / (d * d)]
        }
        let r = try checkBlackBoxGradient(of: rk4, at: [0.5, 1.3, 4.0], claimedGradient: continuous)
        let discrete = [0.32729550998767123, 0.57276448464650692, 0.92190769767821308]   // mpmath, above
        for (e, truth) in zip(r.entries[0], discrete) {
            XCTAssertEqual(e.verdict.name, "rule-wrong", r.renderTable())
            XCTAssertEqual(e.witnessValue ?? .nan, truth, accuracy: 1e-10, r.renderTable())
        }
        let note = try XCTUnwrap(r.notes.first { $0.contains("Likely causes") }, r.renderTable())
        // The largest gap, 3.12159·10⁻⁶ by mpmath, is the one the note states.
        XCTAssertTrue(note.contains("off by at most 3.12"), note)
        XCTAssertTrue(note.contains("discretises a continuous model"), note)
        XCTAssertTrue(note.contains("discrete adjoint"), note)
    }
}
