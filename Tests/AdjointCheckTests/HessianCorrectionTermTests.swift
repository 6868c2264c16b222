import XCTest
import Foundation
import AdjointCore
@testable import AdjointCheck

/// hypot's rule recovers the roundings of t = a/b and of √(1 + t²) (`rootResiduals`), and pow's
/// rule the rounding of its exponent y − 1: each correction is an exact 0 plus what rounding
/// left, so rounding moves it by all of itself by design. The Hessian's rounding bound took that
/// as "no first-order bound holds", and every Hessian through hypot, and pow's ∂²/∂x², was
/// printed "could not be bounded" (`jac hessian "hypot(x,y)" --at x=3,y=4`). Read linearly (a
/// product's factor beside a steady one) the correction has a finite bound; these tests hold
/// that bound to the truth at a seeded sweep of points, Tests/Data/hessian-rounding-sweep.tsv
/// (sympy's second derivatives evaluated by mpmath at 60 digits, scripts/hessian_rounding_reference.py).
final class HessianCorrectionTermTests: XCTestCase {
    struct Hypot: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [hypot(x[0], x[1])] }
    }
    struct HypotSquared: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let h = hypot(x[0], x[1]); return [h * h] }
    }
    struct SqrtHypot: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(hypot(x[0], x[1]))] }
    }
    struct Pow: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [pow(x[0], x[1])] }
    }

    struct Row { let formula: String, x: Double, y: Double, h: [[Double]] }

    /// Columns: formula, x, y, h00, h01, h11.
    static func rows() throws -> [Row] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Data/hessian-rounding-sweep.tsv").standardized.path
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().compactMap { line in
            let c = line.split(separator: "\t").map { Double($0) }
            let name = String(line.prefix { $0 != "\t" })
            guard c.count == 6, let x = c[1], let y = c[2], let a = c[3], let b = c[4], let d = c[5] else {
                XCTFail("unreadable row \(line)"); return nil
            }
            return Row(formula: name, x: x, y: y, h: [[a, b], [b, d]])
        }
    }

    func function(_ name: String) -> (any ADFunction)? {
        switch name {
        case "hypot": return Hypot()
        case "hypotSquared": return HypotSquared()
        case "sqrtHypot": return SqrtHypot()
        case "pow": return Pow()
        default: return nil
        }
    }

    /// At (3, 4) hypot's Hessian is [[16, −12], [−12, 9]]/125 (by hand: (1/r³)[[y², −xy], [−xy, x²]]),
    /// each entry computed within ulps; its bound is finite, reaches the error, and is a few ε.
    func testHypotsHessianAtThreeFourHasAFiniteBoundThatHolds() throws {
        let x = [3.0, 4.0]
        let truth = [[0.128, -0.096], [-0.096, 0.072]]   // exact rationals 16/125, −12/125, 9/125, each rounded once
        let b = try XCTUnwrap(hessianRoundingBounds(of: Hypot(), at: x))
        let h = try hessian(of: Hypot(), at: x)
        for i in 0..<2 {
            for j in 0..<2 {
                XCTAssertTrue(b[i][j].isFinite, "\(b)")
                // The literal rounds 16/125 once: half an ulp of it is the truth's own doubt.
                XCTAssertLessThanOrEqual(Swift.abs(h[i][j] - truth[i][j]), b[i][j] + truth[i][j].ulp / 2, "\(h) \(b)")
                XCTAssertLessThan(b[i][j], 64 * Double.ulpOfOne * 0.128, "\(b)")
            }
        }
    }

    /// Over the sweep: every bound finite, never below the error of the Hessian AD computes
    /// (against mpmath's, read as the nearest Double: half an ulp of it added), and not vacuous
    /// (at most 2¹⁰ ε of the Hessian's largest entry, where the worst error measured is a few ε).
    func testTheSweepsBoundsAreFiniteAndNeverBelowTheError() throws {
        let rows = try Self.rows()
        XCTAssertEqual(rows.count, 112)
        var worstShare = 0.0
        for r in rows {
            let f = try XCTUnwrap(function(r.formula), r.formula)
            let x = [r.x, r.y]
            let b = try XCTUnwrap(hessianRoundingBounds(of: f, at: x), "\(r.formula) at \(x)")
            let h = try hessian(of: f, at: x)
            let scale = r.h.joined().map(Swift.abs).max() ?? 0
            for i in 0..<2 {
                for j in 0..<2 {
                    let off = Swift.abs(h[i][j] - r.h[i][j])
                    XCTAssertTrue(b[i][j].isFinite, "\(r.formula) at \(x): \(b)")
                    XCTAssertLessThanOrEqual(off, b[i][j] + r.h[i][j].ulp / 2, "\(r.formula) at \(x) (\(i), \(j)): \(h[i][j]) for \(r.h[i][j]), bound \(b[i][j])")
                    XCTAssertLessThanOrEqual(b[i][j], 1024 * Double.ulpOfOne * scale, "\(r.formula) at \(x): \(b)")
                    if off > r.h[i][j].ulp / 2 { worstShare = Swift.max(worstShare, b[i][j] / off) }
                }
            }
        }
        // Within a small factor of the actual error where there is one past the literal's rounding.
        XCTAssertLessThan(worstShare, 1e3)
    }
}
