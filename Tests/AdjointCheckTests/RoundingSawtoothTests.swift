import XCTest
@testable import AdjointCheck

/// A product rounded beside a root of x² − c is a sawtooth in x whose teeth can be far wider than
/// every step Richardson and the adaptive method take (SlopeLadder.swift): x·x beside 2 rises
/// with slope exactly 4 for about 1/δ ulps of x, δ = x − 2, so x/(x·x − 4) at 2.000001 is smooth
/// at steps below 4·10⁻¹⁰ with a slope 5·10⁻⁷ of f′ off. On a closure (no tape, no rounding
/// bound) both methods settled there unwarned, 256 to 2,100 times their estimates off. Truths:
/// d/dx of the real function at exactly the Double x, by Python's fractions.Fraction
/// (scripts/singularity_scan_reference.py, Tests/Data/singularity-scan.tsv), to 25 digits.
final class RoundingSawtoothTests: XCTestCase {
    static var cases: [(name: String, f: ([Double]) -> [Double], x: Double, truth: Double)] { [
        ("x/(x*x-4)", { [$0[0] / ($0[0] * $0[0] - 4)] }, 2.000001, -4.999999998602532830349549e+11),
        ("x/(x*x-4)", { [$0[0] / ($0[0] * $0[0] - 4)] }, 1.999999, -5.000000000822978879720811e+11),
        ("x/(x*x-4)", { [$0[0] / ($0[0] * $0[0] - 4)] }, -2.00000316227766, -4.999999999986523766761003e+10),
        ("x/(x*x-4)", { [$0[0] / ($0[0] * $0[0] - 4)] }, 1.9999987700615638, -3.305241956643488552933504e+11),
        // Beside √2 the drift of x·x against x's grid is not slow, but the methods' power-of-two
        // steps fall on a sub-grid where it is.
        ("1/(x*x-2)", { [1 / ($0[0] * $0[0] - 2)] }, 1.4142135523730952, -3.535534017265036143814898e+15),
        ("(x*x-2)*(x*x-2)", { [($0[0] * $0[0] - 2) * ($0[0] * $0[0] - 2)] }, 1.414213462373095, -1.599999829681797197949911e-6),
    ] }

    func check(_ method: DifferenceMethod) throws {
        for c in Self.cases {
            let e = try differenceJacobian(evaluating: c.f, at: [c.x], method: method).entries[0][0]
            XCTAssertTrue(Swift.abs(e.value - c.truth) <= e.errorEstimate || !e.warnings.isEmpty,
                          "\(method.rawValue) \(c.name) at \(c.x): \(e.value) ± \(e.errorEstimate) \(e.warnings), true \(c.truth)")
            // Widened to cover the slope above the teeth, not to uselessness: 10⁻³ of the entry
            // (beside √2 the value itself is 10⁻⁴ off, so no estimate that holds is narrower).
            XCTAssertLessThan(e.errorEstimate, 1e-3 * Swift.abs(c.truth), "\(method.rawValue) \(c.name) at \(c.x): \(e.value) ± \(e.errorEstimate)")
        }
    }

    func testRichardsonHoldsOrSaysWhyBesideARoundedProduct() throws { try check(.richardson) }
    func testAdaptiveHoldsOrSaysWhyBesideARoundedProduct() throws { try check(.adaptive) }

    /// Where nothing rounds on a sawtooth the ladder agrees and the estimate is what it was: sin,
    /// exp and a polynomial at ordinary points stay tight (the hand derivatives in Double are
    /// within a few ulps).
    func testSmoothFunctionsKeepTightEstimates() throws {
        let cases: [(([Double]) -> [Double], [Double], [Double])] = [
            ({ [sin($0[0]) * $0[1]] }, [0.7, 1.3], [cos(0.7) * 1.3, sin(0.7)]),
            ({ [exp($0[0]) / $0[1]] }, [1.1, 2.5], [exp(1.1) / 2.5, -exp(1.1) / 6.25]),
            ({ [$0[0] * $0[0] * $0[0] - 2 * $0[0] * $0[1]] }, [1.5, 0.25], [3 * 2.25 - 0.5, -3]),
        ]
        try assertTightAndUnwarned(cases)
    }
}
