import Foundation
import XCTest
@testable import AdjointCore

/// Float rules against 80-bit references (libm's `long double` functions on textbook formulas,
/// 40 bits more than Float, so their own error is far below a Float ulp): each op's primal and
/// first derivative, forward and reverse, at the points where a Float-specific hazard (an
/// intermediate leaving the range, a rounding amplified by a large exponent) sat.
final class FloatRuleAccuracyTests: XCTestCase {
    typealias L = Float80

    /// |got − ref| in ulps of ref rounded to Float (the subnormal spacing below the normals).
    func ulps(_ got: Float, _ ref: L) -> Double {
        let r = Float(ref)
        guard got.isFinite, r.isFinite else { return got == r ? 0 : .infinity }
        return Double(Swift.abs(L(got) - ref) / L(Swift.max(r.ulp, Float.leastNonzeroMagnitude)))
    }

    /// Forward (a unit tangent) and reverse derivative of a Float function of one variable.
    func derivatives(_ x: Float, _ fwd: (Dual<Float, Float>) -> Dual<Float, Float>,
                     _ rev: (Reverse<Float>) -> Reverse<Float>) throws -> (Float, Float) {
        (derivative(of: fwd, at: x), try gradient(of: { rev($0[0]) }, at: [x])[0])
    }

    func assertWithin(_ limit: Double, _ got: (Float, Float), _ ref: L, _ what: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(ulps(got.0, ref), limit, "forward \(what): \(got.0), reference \(Float(ref))", file: file, line: line)
        XCTAssertLessThanOrEqual(ulps(got.1, ref), limit, "reverse \(what): \(got.1), reference \(Float(ref))", file: file, line: line)
    }

    /// atan′ = 1/(1 + x²): x² overflows Float from |x| ≈ 1.8·10¹⁹, where the value is a subnormal
    /// (1.0·10⁻⁴⁰ at 10²⁰); it came out 0. The same in Double from 1.3·10¹⁵⁴.
    func testAtanSlopeWhereTheSquareOverflows() throws {
        for x: Float in [1.9e19, -1e20, 3e21, 2e22] {
            let ref = 1 / (1 + L(x) * L(x))
            assertWithin(1, try derivatives(x, { atan($0) }, { atan($0) }), ref, "atan′(\(x))")
        }
        let d = 1e155, ref = 1 / (1 + L(d) * L(d))
        XCTAssertEqual(derivative(of: { atan($0) }, at: d), Double(ref), "Double atan′(1e155)")
        XCTAssertEqual(try gradient(of: { atan($0[0]) }, at: [d])[0], Double(ref))
        // Where x² is finite nothing changed.
        XCTAssertEqual(derivative(of: { atan($0) }, at: Float(3)), 0.1)
    }

    /// erf′ = 2/√π·e^(−x²): x² rounds by up to half an ulp of 85 at 9.24, and e^(−x²) moves by
    /// that times itself, 60 Float ulps.
    func testErfSlopeInTheTail() throws {
        for x: Float in [9.242195, -9.5, 7.3, 5.73452, 3.9, -10.2] {
            let ref = 2 / L.pi.squareRoot() * Foundation.exp(-L(x) * L(x))
            assertWithin(3, try derivatives(x, { erf($0) }, { erf($0) }), ref, "erf′(\(x))")
        }
    }

    /// gelu(x) = ½x·erfc(−x/√2) and gelu′ = Φ(x) + xφ(x) in the left tail: erfc's argument and
    /// φ's exponent round, and the tail amplifies both (153 ulps of the primal at −11.82, 59 of
    /// the derivative at −11.85).
    func testGeluTail() throws {
        let sqrt2 = L(2).squareRoot()
        for x: Float in [-11.82177, -11.84919, -9.7, -7.25, -5.1, -13.2] {
            let X = L(x)
            let primal = X * Foundation.erfc(-X / sqrt2) / 2
            let slope = Foundation.erfc(-X / sqrt2) / 2 + X * Foundation.exp(-X * X / 2) / (2 * L.pi).squareRoot()
            XCTAssertLessThanOrEqual(ulps(gelu(x), primal), 1, "gelu(\(x)) = \(gelu(x)), reference \(Float(primal))")
            assertWithin(4, try derivatives(x, { gelu($0) }, { gelu($0) }), slope, "gelu′(\(x))")
        }
    }

    /// n·x^(n−1) where x^(n−1) is subnormal but the partial is normal: the subnormal's lost bits
    /// were scaled up by n (48 ulps for n = 101 at 0.40075, 248 for n = 1001 at 0.911).
    func testPowiSlopeWhoseLowerPowerIsSubnormal() throws {
        for (n, x) in [(101, Float(0.40075)), (101, 0.4121), (1001, 0.911), (1001, 0.9137), (40, 0.1)] {
            let ref = L(n) * Foundation.pow(L(x), L(n - 1))
            XCTAssertTrue(Float(ref).isNormal && !Float(Foundation.pow(L(x), L(n - 1))).isNormal, "the case is the one meant")
            assertWithin(2, try derivatives(x, { pow($0, n) }, { pow($0, n) }), ref, "d/dx x^\(n) at \(x)")
        }
        // Double: x⁹⁹⁹ at 0.4905 is 1.4e-309, subnormal, and 1000·x⁹⁹⁹ normal.
        let x = 0.4905, ref = 1000 * Foundation.pow(L(x), 999)
        XCTAssertTrue(Double(ref).isNormal && !Double(Foundation.pow(L(x), 999)).isNormal)
        let got = derivative(of: { pow($0, 1000) }, at: x)
        XCTAssertEqual(Double(got), Double(ref), accuracy: 4 * Double(ref).ulp, "Double d/dx x^1000 at \(x)")
    }

    /// x^y's partials: ∂y = x^y·log x where x^y is subnormal and x > 1 came out 0 (its fallback
    /// x^(y−1) underflowed), and ∂x = y·x^(y−1) carried the rounding of y − 1 times log x.
    func testPowPartialsAtLargeBases() throws {
        let cases: [(Float, Float)] = [(5.3706425e17, -2.1640763), (1.2304096e28, -0.3), (1e30, 0.3), (3e35, -1.1),
                                       (2e18, -2.05), (7e-20, 0.7), (1e-30, 1.3)]
        for (x, y) in cases {
            let X = L(x), Y = L(y)
            let dx = Y * Foundation.pow(X, Y - 1), dy = Foundation.pow(X, Y) * Foundation.log(X)
            let r = try gradient(of: { pow($0[0], $0[1]) }, at: [x, y])
            let fx = try jvp(of: { [pow($0[0], $0[1])] }, at: [x, y], direction: [1, 0]).jvp[0]
            let fy = try jvp(of: { [pow($0[0], $0[1])] }, at: [x, y], direction: [0, 1]).jvp[0]
            XCTAssertLessThanOrEqual(ulps(r[0], dx), 3, "reverse ∂x at (\(x), \(y)): \(r[0]), reference \(Float(dx))")
            XCTAssertLessThanOrEqual(ulps(fx, dx), 3, "forward ∂x at (\(x), \(y)): \(fx), reference \(Float(dx))")
            XCTAssertLessThanOrEqual(ulps(r[1], dy), 3, "reverse ∂y at (\(x), \(y)): \(r[1]), reference \(Float(dy))")
            XCTAssertLessThanOrEqual(ulps(fy, dy), 3, "forward ∂y at (\(x), \(y)): \(fy), reference \(Float(dy))")
        }
        // Double: ∂y of x^y at (1e200, −1.54), x^y = 1e-308 subnormal, x^y·log x = 4.6e-306.
        let (bx, by) = (1e200, -1.54)
        let ref = Foundation.pow(L(bx), L(by)) * Foundation.log(L(bx))
        let g = try gradient(of: { pow($0[0], $0[1]) }, at: [bx, by])[1]
        XCTAssertEqual(g, Double(ref), accuracy: 4 * Double(ref).ulp)
    }

    /// A log-spaced sweep of Float arguments (10⁻⁴⁰ to 10³⁸, both signs, and ±12 in steps of
    /// 0.0137) for the ops above: primal within 1 ulp, forward and reverse derivatives within 4,
    /// wherever the reference derivative is a Float from 10⁻³⁶ up.
    func testSweep() throws {
        var xs: [Float] = []
        var e = -40.0
        while e <= 38.5 { let m = Float(Foundation.pow(10.0, e)); xs += [m, -m]; e += 0.0173 }
        var t: Float = -12
        while t <= 12 { xs.append(t); t += 0.01371 }
        let sqrt2 = L(2).squareRoot()
        typealias Case = (String, (Dual<Float, Float>) -> Dual<Float, Float>, (Reverse<Float>) -> Reverse<Float>, (Float) -> Float, (L) -> L, (L) -> L)
        let cases: [Case] = [
            ("atan", { atan($0) }, { atan($0) }, { atan($0) }, { Foundation.atan($0) }, { 1 / (1 + $0 * $0) }),
            ("erf", { erf($0) }, { erf($0) }, { erf($0) }, { Foundation.erf($0) }, { 2 / L.pi.squareRoot() * Foundation.exp(-$0 * $0) }),
            ("gelu", { gelu($0) }, { gelu($0) }, { gelu($0) }, { $0 * Foundation.erfc(-$0 / sqrt2) / 2 },
             { Foundation.erfc(-$0 / sqrt2) / 2 + $0 * Foundation.exp(-$0 * $0 / 2) / (2 * L.pi).squareRoot() }),
            ("x^101", { pow($0, 101) }, { pow($0, 101) }, { pow($0, 101) }, { Foundation.pow($0, 101) }, { 101 * Foundation.pow($0, 100) }),
        ]
        var checked = 0
        for (name, f, g, p, pr, dr) in cases {
            for x in xs {
                let ref = dr(L(x))
                // Within 100 of the smallest normal, gelu′'s φ and x^100 are subnormal
                // intermediates of a normal result (4.5 ulps at gelu′(−13.25)); left alone.
                guard Swift.abs(ref) >= 1e-36, Float(ref).isFinite, Float(pr(L(x))).isFinite else { continue }
                // gelu′ = Φ + xφ is a sum whose terms cancel near its zero at −0.7518: allowed 4 ulps
                // of its larger term.
                var limit = 4.0
                if name == "gelu" {
                    let X = L(x), terms = Swift.abs(Foundation.erfc(-X / sqrt2) / 2) + Swift.abs(X * Foundation.exp(-X * X / 2) / (2 * L.pi).squareRoot())
                    limit *= Double(terms / Swift.abs(ref))
                }
                XCTAssertLessThanOrEqual(ulps(p(x), pr(L(x))), 1, "\(name)(\(x))")
                assertWithin(limit, try derivatives(x, f, g), ref, "\(name)′(\(x))")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 15_000)
    }
}
