import XCTest
import Foundation
import AdjointCore

/// Second and third derivatives of every smooth registry op against an independent reference:
/// Tests/Data/higher-order.tsv, written by sympy and mpmath at 700 digits from each op's
/// mathematical definition (scripts/higher_order_reference.py; no code of this repository).
/// Three routes: forward over forward (`Dual<Dual>`), forward over reverse (`hessian`), and
/// `Dual<Dual<Dual>>` for third derivatives.
final class HigherOrderReferenceTests: XCTestCase {
    typealias D = Dual<Double, Double>
    typealias DD = Dual<D, D>
    typealias DDD = Dual<DD, DD>
    typealias H = HessianScalar<Double>

    struct Row { let op: Op, n: Int, x: Double, y: Double, reference: [Double]; let text: String }

    /// Columns after op, n, x, y: gx gy hxx hxy hyy txxx txxy txyy tyyy.
    static func rows() throws -> [Row] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Data/higher-order.tsv").standardized.path
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst(2).compactMap { line in
            let c = line.split(separator: "\t").map(String.init)
            guard c.count == 13, let op = Op(name: c[0]), let n = Int(c[1]), let x = Double(c[2]), let y = Double(c[3]) else {
                XCTFail("unreadable row \(line)"); return nil
            }
            // A reference beyond Double's range reads as ±∞: such entries are skipped.
            return Row(op: op, n: n, x: x, y: y, reference: c[4...].map { Double($0) ?? .nan }, text: String(line.prefix(60)))
        }
    }

    /// Whether `v` is within `tolerance` of `reference` relative to it, or within `floor` absolutely.
    func agrees(_ v: Double, _ reference: Double, tolerance: Double, floor: Double = 0) -> Bool {
        if v == reference { return true }
        return v.isFinite && Swift.abs(v - reference) <= Swift.max(tolerance * Swift.abs(reference), floor)
    }

    /// Second derivatives within 1e-14 relative (a few ulps condition-limited near a zero of the
    /// derivative, as gelu″ at ±√2: 5e-15 measured), third within 1e-13, in all three routes.
    /// A third derivative that vanishes at 0 linearly (swish‴ ≈ −x/2) is judged relative to
    /// itself down to 10⁻¹⁶·|x|, so that a cancellation near 0 is seen; a third derivative with
    /// an isolated zero (gelu‴ at ±2) gets an absolute floor of 10⁻¹⁶. Rows whose value or
    /// reference is beyond Double's range are skipped (no route can represent them).
    ///
    /// Found wrong by this test: swish‴ near 0 (−x/8 for −x/2 at 1e-170, 5e-9 off at 1e-8: the
    /// σ + z·σ(−x) form's ±¼ terms cancel in its second derivative), and tanh″ for |x| ≳ 710
    /// (NaN in both nested modes, the Hessian refused it as non-finite; tanh″ is −0 there).
    func testUnaryOpsAgainstMpmath() throws {
        var checked = 0
        for r in try Self.rows() where r.op.arity == 1 {
            let (d1, d2, d3) = (r.reference[0], r.reference[2], r.reference[5])
            guard Rules.primal(r.op, r.x, r.x, r.n).isFinite, d1.isFinite, d2.isFinite else { continue }
            checked += 1
            let dd = DD(D(r.x, tangent: 1), tangent: D(1, tangent: 0))
            let z = DD.apply(r.op, dd, dd, r.n)
            // Near a zero of f″ its value is ill-conditioned: a few ulps moved anywhere in the
            // computation (an input's, or f′'s last bit) move f″ by about |x·f‴| of them. gelu″ at
            // −1.419 (2 − x² = −0.014) moved by 2e-14 relative when erf′'s and gelu′'s e^(−x²/2)
            // took its product's rounding into account (one ulp of gelu′, more accurate).
            let conditioned = d3.isFinite ? 8 * Double.ulpOfOne * Swift.abs(r.x * d3) : 0
            XCTAssertTrue(agrees(z.tangent.tangent, d2, tolerance: 1e-14, floor: conditioned), "Dual<Dual> \(r.text): \(z.tangent.tangent)")
            XCTAssertTrue(agrees(z.tangent.value, d1, tolerance: 1e-15), "first derivative \(r.text): \(z.tangent.value)")
            do {
                let h = try hessian(of: { (v: [H]) in H.apply(r.op, v[0], v[0], r.n) }, at: [r.x])[0][0]
                XCTAssertTrue(agrees(h, d2, tolerance: 1e-14, floor: conditioned), "hessian \(r.text): \(h)")
            } catch { XCTFail("hessian \(r.text) threw \(error); reference \(d2)") }
            guard d3.isFinite else { continue }
            let ddd = DDD(DD(D(r.x, tangent: 1), tangent: D(1, tangent: 0)), tangent: DD(D(1, tangent: 0), tangent: D(0, tangent: 0)))
            let w = DDD.apply(r.op, ddd, ddd, r.n).tangent.tangent.tangent
            XCTAssertTrue(agrees(w, d3, tolerance: 1e-13, floor: 1e-16 * Swift.min(1, Swift.abs(r.x))), "Dual<Dual<Dual>> \(r.text): \(w)")
        }
        XCTAssertGreaterThan(checked, 1_100)
    }

    /// The Hessians of the two-input ops (pow, hypot, div, mul, and elu and leaky_relu away from
    /// their kink) within 1e-14 relative to the largest entry's size per entry, in both routes and
    /// symmetric; third partials by `Dual<Dual<Dual>>` within 1e-13 of the largest third partial
    /// (x^y's ∂³/∂x²∂y near x = 1 is a difference of O(1) terms), for inputs within [1e-10, 1e10]
    /// in magnitude. Beyond that range an intermediate of the third order leaves Double's range
    /// (x·log x's second derivative −1/x² at x = 1e200) and the entry is lost: not checked here.
    func testBinaryOpsAgainstMpmath() throws {
        var checked = 0
        for r in try Self.rows() where r.op.arity == 2 {
            let second = Array(r.reference[2...4]), third = Array(r.reference[5...8])
            guard Rules.primal(r.op, r.x, r.y, 0).isFinite, (r.reference[0...1] + second).allSatisfy(\.isFinite) else { continue }
            checked += 1
            let scale = second.map { Swift.abs($0) }.max() ?? 0
            let expected = [[second[0], second[1]], [second[1], second[2]]]
            func seeded(_ i: Int, _ j: Int) -> (DD, DD) {
                (DD(D(r.x, tangent: i == 0 ? 1 : 0), tangent: D(j == 0 ? 1 : 0, tangent: 0)),
                 DD(D(r.y, tangent: i == 1 ? 1 : 0), tangent: D(j == 1 ? 1 : 0, tangent: 0)))
            }
            let h = try hessian(of: { (v: [H]) in H.apply(r.op, v[0], v[1], 0) }, at: [r.x, r.y])
            for i in 0..<2 {
                for j in 0..<2 {
                    let (a, b) = seeded(i, j)
                    let ff = DD.apply(r.op, a, b, 0).tangent.tangent
                    XCTAssertTrue(agrees(ff, expected[i][j], tolerance: 1e-14, floor: 1e-14 * scale), "Dual<Dual> [\(i)][\(j)] \(r.text): \(ff)")
                    XCTAssertTrue(agrees(h[i][j], expected[i][j], tolerance: 1e-14, floor: 1e-14 * scale), "hessian [\(i)][\(j)] \(r.text): \(h[i][j])")
                }
            }
            guard [r.x, r.y].allSatisfy({ Swift.abs($0) >= 1e-10 && Swift.abs($0) <= 1e10 }), third.allSatisfy(\.isFinite) else { continue }
            let thirdScale = third.map { Swift.abs($0) }.max() ?? 0
            for (k, dirs) in [[0, 0, 0], [0, 0, 1], [0, 1, 1], [1, 1, 1]].enumerated() {
                func seed(_ input: Int) -> DDD {
                    func s(_ level: Int) -> Double { dirs[level] == input ? 1 : 0 }
                    let v = input == 0 ? r.x : r.y
                    return DDD(DD(D(v, tangent: s(0)), tangent: D(s(1), tangent: 0)), tangent: DD(D(s(2), tangent: 0), tangent: D(0, tangent: 0)))
                }
                let w = DDD.apply(r.op, seed(0), seed(1), 0).tangent.tangent.tangent
                XCTAssertTrue(agrees(w, third[k], tolerance: 1e-13, floor: 1e-13 * thirdScale), "Dual<Dual<Dual>> \(dirs) \(r.text): \(w)")
            }
        }
        XCTAssertGreaterThan(checked, 200)
    }
}
