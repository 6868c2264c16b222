import AdjointCore
import AdjointFormula
import Foundation
import RealModule
import XCTest
@testable import AdjointCheck

/// An f computed through an intermediate rounded in treads wider than the steps Richardson and
/// the adaptive method settle at (WideTreads.swift): on a closure the methods returned one tread's
/// slope, unwarned, millions of times their estimate off. Truths: the derivative of the real f at
/// exactly the point, by mpmath at 80 digits from the closed form written out by hand
/// (scripts/float_staircase_scan_reference.py has the forms), to 30 digits.
final class WideTreadsTests: XCTestCase {
    /// The estimate holds, or says why it cannot be trusted.
    func assertHoldsOrWarns(_ e: DifferenceEstimate, _ truth: Double, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(!e.warnings.isEmpty || Swift.abs(e.value - truth) <= e.errorEstimate,
                      "\(what): \(e.value) ± \(e.errorEstimate), no warning, true \(truth)", file: file, line: line)
    }

    func estimate<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
        _ formula: String, at x: V, _ method: DifferenceMethod
    ) throws -> (DifferenceEstimate, Int) {
        let f = try Formula(parsing: formula)
        let d = try differenceJacobian(evaluating: { (v: [V]) in f(v) }, at: [x], method: method)
        return (d.entries[0][0], d.evaluations)
    }

    /// Float's eˣ near 1 rounds to 1 + k·ulp(1), ulp(1) = 1.2·10⁻⁷, treads as wide as x: on one,
    /// (eˣ − 1)/x is k·ulp(1)/x. At 1.5063694·10⁻⁷ Richardson gave −5253481.33 ± 130.5 and the
    /// adaptive method −5253392 ± 646; at 1.2194569·10⁻⁶ −801638.8 ± 2·10⁶ (widened by the slope
    /// ladder, holding) and −801630 ± 81.6; all unwarned, for f′ ≈ 0.5.
    func testExpMinusOneOverXInFloat() throws {
        let cases: [(Float, Double)] = [
            (Float(1.5063693581396365e-7), 0.500000050212314774423799889785),
            (Float(1.2194568626000546e-6), 0.500000406485806751125279238207),
        ]
        for (x, truth) in cases {
            for method in [DifferenceMethod.richardson, .adaptive] {
                let (e, n) = try estimate("(exp(x) - 1)/x", at: x, method)
                assertHoldsOrWarns(e, truth, "\(method.rawValue) (exp(x) - 1)/x at \(x)")
                // The search for the tread's edge costs about 10 evaluations beside the 65 to 125
                // the methods and the audit spend here.
                XCTAssertLessThanOrEqual(n, method == .richardson ? 140 : 90, "\(method.rawValue) at \(x)")
            }
        }
    }

    /// The same staircase through log(1 + x) and through cos x below 1 (ulp 6·10⁻⁸, each tread of
    /// (1 − cos x)/x² 0.05 high at 10⁻³), from the scan (Tests/Data/float-staircase-scan.tsv):
    /// Richardson −3704248.5 ± 124 and adaptive −3704232 ± 451 for −0.4999998; Richardson
    /// −832.08 ± 0.12 and adaptive −832.07 ± 0.077 for −9.7·10⁻⁵; at 3.4·10⁻⁴, where one jump
    /// beside x is 0.5 and the table's σ far less, Richardson −3105.2 ± 0.037 for −2.8·10⁻⁵.
    func testLogAndCosineStaircasesInFloat() throws {
        let cases: [(String, Float, Double, [DifferenceMethod])] = [
            ("log(1 + x)/x", Float(2.5369965328536637e-07), -0.499999830866946082378250227229, [.richardson, .adaptive]),
            ("(1 - cos(x))/x^2", Float(0.001163711305707693), -0.0000969759333871648381976866714413, [.richardson, .adaptive]),
            ("(1 - cos(x))/x^2", Float(0.00033734305179677904), -0.0000281119207697885194271497853293, [.richardson, .adaptive]),
        ]
        for (formula, x, truth, methods) in cases {
            for method in methods {
                let (e, _) = try estimate(formula, at: x, method)
                assertHoldsOrWarns(e, truth, "\(method.rawValue) \(formula) at \(x)")
            }
        }
    }

    /// In Double the treads of eˣ are as wide as x only near ulp(1): the adaptive method gave
    /// −9.2·10¹⁴ ± 1.3·10⁵ at 1.1·10⁻¹⁵; and Richardson −8274.04 ± 0.0039 at 10⁻¹¹, its
    /// power-of-two steps on the lattice of eˣ's rounding (every sample's 1 + x rounded alike).
    func testExpMinusOneOverXInDoubleNearItsUlp() throws {
        let (a, _) = try estimate("(exp(x) - 1)/x", at: 1.1e-15, .adaptive)
        assertHoldsOrWarns(a, 0.500000000000000366666666666667, "adaptive (exp(x) - 1)/x at 1.1e-15")
        let (r, _) = try estimate("(exp(x) - 1)/x", at: 1e-11, .richardson)
        assertHoldsOrWarns(r, 0.500000000003333333333345833132, "richardson (exp(x) - 1)/x at 1e-11")
    }

    /// A feature of f on the scale of the audit's widest spacing in Float reads as noise there, as
    /// treads do, but it is f's own: the search finds no jump and the small-step slope stands,
    /// unwarned and within 10⁻³ of f′ (hand derivatives in Double at the Float point). Widened on
    /// the table alone, each of these was flagged. This guards the fix, and passes without it.
    func testFeaturesAtTheTablesScaleAreNotTreads() throws {
        let cases: [(String, Float, Double)] = [
            ("sin(1000*x)", 0.7, 1000 * Foundation.cos(1000 * Double(Float(0.7)))),
            ("tanh(1000*(x-0.5))", 0.5004, { let c = Foundation.cosh(1000 * (Double(Float(0.5004)) - 0.5)); return 1000 / (c * c) }()),
        ]
        for (formula, x, truth) in cases {
            let (e, _) = try estimate(formula, at: x, .richardson)
            XCTAssertEqual(e.warnings, [], "\(formula) at \(x): \(e.value) ± \(e.errorEstimate)")
            XCTAssertLessThanOrEqual(Swift.abs(e.value - truth), e.errorEstimate, "\(formula) at \(x)")
            XCTAssertLessThanOrEqual(e.errorEstimate, 1e-3 * Swift.abs(truth), "\(formula) at \(x)")
        }
    }

    /// The search itself: a staircase of treads 10⁻⁴ wide and 10⁻³ high on a slope of 1 jumps; the
    /// smooth tanh step of the same width and height does not. Both sought from 10⁻⁶ to 10⁻³
    /// beside 0.3 against a line of slope 1, for jumps from 10⁻⁴.
    func testTheSearchFindsJumpsAndNotSteepSlopes() throws {
        func search(_ f: @escaping ([Double]) -> [Double]) -> Double? {
            var probe = LineProbe<Double>(eval: f, x: [0.3], axis: 0, center: nil)
            return probe.jumpBeside(output: 0, from: 1e-6, to: 1e-3, height: 8e-4, slope: 1)
        }
        let stairs = search { [$0[0] + 1e-3 * Foundation.floor($0[0] * 1e4 + 0.5)] }
        XCTAssertNotNil(stairs)
        XCTAssertEqual(stairs ?? 0, 1e-3, accuracy: 2e-4)
        XCTAssertNil(search { [$0[0] + 5e-4 * Foundation.tanh(($0[0] - 0.30035) * 2e4)] })
    }
}
