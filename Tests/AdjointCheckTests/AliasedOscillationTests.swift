import AdjointCore
import AdjointFormula
import Foundation
import XCTest
@testable import AdjointCheck

/// A high-order central stencil whose steps alias a period of f does not return a confident
/// estimate (the off-lattice look of ``Stencil/looksOffLattice`` in DifferenceEngine.swift), and
/// the change-ratio readings every difference shares (ChangeRatio.swift).
///
/// References: d/dx sin(200x) = 200·cos(200x) by hand, its values at the Float inputs from mpmath
/// at 30 digits (Tests/Data/fd-calibration.tsv), checked with
///
///     python3 -c "import math; print(200*math.cos(200*1.0))"   # 97.43753500140118
final class AliasedOscillationTests: XCTestCase {
    /// Float central4 and central6 of sin(200x) take steps 2⁻⁴ and 2⁻² at |x| ≤ 1; 200·2⁻⁴ is
    /// 4π − 0.066, so on every step of the power-of-two lattice (2⁻⁵ … 2⁻¹) the samples read one
    /// alias, a sine of slope about −1.06, whose differences converge at the stencil's order (their
    /// changes in the ratio 16 for central4, 64 for central6; by hand from the alias). Both read
    /// −0.5174 ± 6.3·10⁻⁴ and ± 3·10⁻⁴ at 1 for 97.44 with no warning, and −0.9148 ± 2.5·10⁻⁴ at
    /// 0.123 for 172.28. The estimate must hold or be flagged.
    func testHighOrderStencilsDoNotConfidentlyMissAnAliasedSine() throws {
        let f = try Formula(parsing: "sin(200*x)")
        for (x, derivative) in [(Float(1.0), 97.4375350014011820709495802669), (Float(0.123), 172.283678628131200572472401141)] {
            for method in [DifferenceMethod.central4, .central6] {
                let e = try differenceJacobian(of: f, at: [x], method: method).entries[0][0]
                let holds = Swift.abs(e.value - derivative) <= e.errorEstimate
                XCTAssertTrue(holds || e.warnings.contains(.noConvergence), "\(method) sin(200x) at \(x): \(e) for \(derivative)")
            }
        }
        // Smooth f at the same steps keep their estimates, unflagged and holding (by hand:
        // sin′ = cos, exp′ = exp, log′ = 1/x).
        let smooth: [(String, Float, Double)] = [("sin(x)", 1.0, Foundation.cos(1.0)), ("exp(x)", 0.5, Foundation.exp(0.5)),
                                                  ("log(x)", 1.7, 1 / Double(Float(1.7))), ("sin(x)", 0.1, Foundation.cos(Double(Float(0.1))))]
        for (text, x, derivative) in smooth {
            let g = try Formula(parsing: text)
            for method in [DifferenceMethod.central4, .central6] {
                let e = try differenceJacobian(of: g, at: [x], method: method).entries[0][0]
                XCTAssertTrue(e.warnings.isEmpty, "\(method) \(text) at \(x): \(e)")
                XCTAssertLessThanOrEqual(Swift.abs(e.value - derivative), e.errorEstimate, "\(method) \(text) at \(x): \(e)")
            }
        }
    }

    /// The readings of the ratio, by hand from ρ = c₂/c₁ against 2ᵖ.
    func testTheChangeRatioReadings() {
        XCTAssertEqual(ChangeRatio(changes: 4e-3, 1e-3, order: 2), .converging)      // ρ = 4, central's rate
        XCTAssertEqual(ChangeRatio(changes: 3e-3, 1e-3, order: 2), .converging)      // ρ = 3 = ¾·4
        XCTAssertEqual(ChangeRatio(changes: 64, 1, order: 2), .converging)           // f‴ = f⁽⁵⁾ = 0: ρ = 64
        XCTAssertEqual(ChangeRatio(changes: 2e-3, 1e-3, order: 2), .slow)            // ρ = 2, a crossover
        XCTAssertEqual(ChangeRatio(changes: 1e-3, 2e-3, order: 2), .notShrinking)    // ρ = ½, a kink inside the steps
        XCTAssertEqual(ChangeRatio(changes: 1e-3, 2e-3, order: 6), .notShrinking)    // ½ for every stencil
        XCTAssertEqual(ChangeRatio(changes: 1e-3, -2e-3, order: 4), .erratic)        // alternating
        XCTAssertEqual(ChangeRatio(changes: 0, 1e-3, order: 2), .erratic)            // ρ = 0
        XCTAssertEqual(ChangeRatio(changes: 129, 1, order: 2), .erratic)            // above 2²⁺⁵ = 128
        XCTAssertEqual(ChangeRatio(changes: 2048, 1, order: 6), .converging)         // 2⁶⁺⁵, the top for central6
        XCTAssertEqual(ChangeRatio(changes: 2049, 1, order: 6), .erratic)
        XCTAssertEqual(ChangeRatio(changes: 1, 0, order: 2), .erratic)               // no second change
        XCTAssertEqual(ChangeRatio(changes: .nan, 1, order: 2), .erratic)
    }
}
