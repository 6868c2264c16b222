import XCTest
#if canImport(Glibc)
import Glibc
#endif
import AdjointCore
@testable import AdjointLinalg
import CAdjointVectorMath

/// GELU's kernels (vector_math.c: erfc from e^(−a²)·Y(t)/(1 + 2a) and, below a = ½, 1 − a·Q(a²))
/// against the registry's rule on glibc and against 80-bit references.
extension VectorKernelTests {
    /// gelu′·s against the registry's, in units of the size of its terms Φ and x·φ: gelu′ has a
    /// root near x = −0.75 where they cancel (as swish′'s do), and where φ is a subnormal the
    /// registry's x·φ carries |x| of its last place (Float, x below −13; 15 of the result's
    /// ULPs at −14.28).
    static func geluChainULPs<T: LinalgScalar>(_ x: T, z: T, s: T, got: T, expected: T) -> Double {
        if got == expected || (got.isNaN && expected.isNaN) { return 0 }
        let cdf = x < -1 ? z / x : Builtin.Gelu.cdf(x)
        let terms = (Swift.abs(cdf) + Swift.abs(x * Builtin.Gelu.pdf(x))) * Swift.abs(s)
        let unit = Swift.max(terms.ulp, T.leastNonzeroMagnitude * Swift.max(1, Swift.abs(x)) * Swift.abs(s))
        return Double(Swift.abs(got - expected) / unit)
    }

    /// The matrix path's GELU against the registry's x·½·erfc(−x·√½) on glibc, over the sample
    /// range, the tails and tiny magnitudes. Double: both this kernel and glibc's erfc are up to
    /// 3.5 ULPs from the exact value (``testGeluAgainstExtendedPrecision``), so they differ by up
    /// to 6 (measured maximum printed). Float (the registry computes it in Double and rounds
    /// once; so does the kernel): within 1.
    func testGeluPrimalWithinAFewULPsOfLibm() throws {
        let d = try maxPrimalULPs(.gelu, Double.self)
        let f = try maxPrimalULPs(.gelu, Float.self)
        print("vector gelu: max error \(d) ULP (Double vs the registry on glibc), \(f) ULP (Float)")
        XCTAssertLessThanOrEqual(d, 6, "gelu Double")
        XCTAssertLessThanOrEqual(f, 1, "gelu Float")
    }

    #if arch(x86_64) && canImport(Glibc)
    /// Against 80-bit glibc (erfcl, expl) at the registry's own erfc argument −x·√½ rounded in
    /// Double (that rounding alone moves gelu(−37) by ~1400 ULPs, and the kernel keeps it, as the
    /// scalar modes do): the primal within 4 ULPs in Double (measured 3.2 here, 3.5 over 2·10⁶
    /// points in [−37, 40]; glibc's erfc-based rule 2.7 and 3.5, printed), the two terms of gelu′
    /// within 4 (Φ = ½·erfc(−a), measured 2.8) and 2.5 (φ, 2.07: e^(−x²/2) and the rounded
    /// 1/√(2π)); Float's primal and terms (computed in Double, rounded once) within 1 ULP of the
    /// exact value (measured 0.51).
    func testGeluAgainstExtendedPrecision() {
        var xs: [Double] = [0, -0.0, 37, -37, 0.7071067811865476, 0.7071067811865475, 14.849242404917499, 37.47665940288702]
        for k in 0...60_000 { xs.append(-37 + 74 * Double(k) / 60_000) }
        var g = SeededGenerator(seed: 40)
        for _ in 0..<40_000 { xs.append(Double.random(in: -37...37, using: &g)) }
        for k in 0..<4_000 { let m = Double.pow(10, -300 + 300 * Double(k) / 4_000); xs += [m, -m] }
        for _ in 0..<20_000 { xs.append(Double.random(in: 37...700, using: &g)) }
        let n = xs.count
        let xf = xs.map { Float($0) }
        var (z, cdf, pdf) = ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n), [Double](repeating: 0, count: n))
        var (zf, cdff, pdff) = ([Float](repeating: 0, count: n), [Float](repeating: 0, count: n), [Float](repeating: 0, count: n))
        adjoint_gelu_f64(xs, &z, n)
        adjoint_gelu_terms_f64(xs, &cdf, &pdf, n)
        adjoint_gelu_f32(xf, &zf, n)
        adjoint_gelu_terms_f32(xf, &cdff, &pdff, n)
        func exact(_ x: Double) -> (gelu: Float80, cdf: Float80, pdf: Float80) {
            let e = erfcl(Float80(-x * 0.5.squareRoot()))
            let h = Float80(x) * Float80(x) / 2
            return (Float80(x) / 2 * e, e / 2, 0.398942280401432677939946 * expl(-h))
        }
        func ulps<T: BinaryFloatingPoint>(_ got: T, _ exact: Float80) -> Double {
            let rounded = T(exact)
            if got == rounded { return 0 }
            let unit = rounded == 0 || !rounded.isNormal ? T.leastNonzeroMagnitude
                : Swift.min(rounded.magnitude.ulp, rounded.magnitude.nextDown.ulp)
            return Double(Swift.abs(Float80(got) - exact) / Float80(unit))
        }
        var worst = [Double](repeating: 0, count: 7)
        for i in 0..<n {
            let (x, r, rf) = (xs[i], exact(xs[i]), exact(Double(xf[i])))
            let libm = ulps(Rules.primal(.gelu, x, 0, 0), r.gelu)
            let errors = [ulps(z[i], r.gelu), libm, ulps(cdf[i], r.cdf), x <= 37 ? ulps(pdf[i], r.pdf) : 0,
                          ulps(zf[i], rf.gelu), ulps(cdff[i], rf.cdf), x <= 37 ? ulps(pdff[i], rf.pdf) : 0]
            for k in 0..<7 { worst[k] = Swift.max(worst[k], errors[k]) }
            XCTAssertLessThanOrEqual(errors[0], 4, "gelu(\(x)) = \(z[i]), exact \(r.gelu)")
            XCTAssertLessThanOrEqual(errors[2], 4, "Φ(\(x)) = \(cdf[i]), exact \(r.cdf)")
            XCTAssertLessThanOrEqual(errors[3], 2.5, "φ(\(x)) = \(pdf[i]), exact \(r.pdf)")
            XCTAssertLessThanOrEqual(errors[4], 1, "gelu(\(xf[i]) as Float) = \(zf[i]), exact \(rf.gelu)")
            XCTAssertLessThanOrEqual(errors[5], 1, "Φ(\(xf[i]) as Float) = \(cdff[i]), exact \(rf.cdf)")
            XCTAssertLessThanOrEqual(errors[6], 1, "φ(\(xf[i]) as Float) = \(pdff[i]), exact \(rf.pdf)")
        }
        print("vector gelu against 80-bit glibc (max ULP): Double gelu \(worst[0]) (the registry on glibc \(worst[1])), "
              + "Φ \(worst[2]), φ \(worst[3]); Float gelu \(worst[4]), Φ \(worst[5]), φ \(worst[6])")
    }
    #endif

    /// NaN, ±∞, x below −37 (where e^(−x²/2) leaves the kernels' exp range) and beyond 700 take
    /// the registry's scalar rule whole, primal and derivative, bit for bit, wherever they sit
    /// among kernel lanes; −37 and 700 themselves are the kernel's, within its bounds.
    func testGeluOutsideTheKernelRangeIsTheScalarRuleBitForBit() {
        func check<T: LinalgScalar & BinaryFloatingPoint>(_: T.Type) {
            let outside: [T] = [.nan, .infinity, -.infinity, T(-37).nextDown, -37.5, -38, -40, -100, -700, -701,
                                T(700).nextUp, 701, 1e30, -1e30, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
            let inside: [T] = [-37, 700, 0.5, -2, 3, -0.75, 1e-3, -36.9]
            var xs: [T] = []
            for k in 0..<300 { xs.append(k % 3 == 0 ? outside[k % outside.count] : inside[k % inside.count]) }
            XCTAssertTrue(VectorKernels.enabled(.gelu))
            let z = VectorKernelEdgeTests.map(.gelu, 0, xs).z
            let s: [T] = VectorKernelEdgeTests.cotangents(xs.count)
            let d = VectorKernelEdgeTests.chain(.gelu, 0, xs, z, s)
            func same(_ a: T, _ b: T) -> Bool { (a.isNaN && b.isNaN) || (a == b && a.sign == b.sign) }
            for (i, v) in xs.enumerated() {
                let reference = Rules.primal(.gelu, v, 0, 0)
                let partial = Rules.partials(.gelu, v, 0, 0, output: z[i]).0 * s[i]
                if v >= -37 && v <= 700 {
                    XCTAssertLessThanOrEqual(ulps(z[i], reference), 6, "gelu(\(v)) as \(T.self)")
                    XCTAssertLessThanOrEqual(Self.geluChainULPs(v, z: z[i], s: s[i], got: d[i],
                                                                expected: partial), 6, "gelu′(\(v)) as \(T.self)")
                } else {
                    XCTAssertTrue(same(z[i], reference), "gelu(\(v)) as \(T.self): \(z[i]), scalar rule \(reference)")
                    XCTAssertTrue(same(d[i], partial), "gelu′(\(v)) as \(T.self): \(d[i]), scalar rule \(partial)")
                }
            }
        }
        check(Double.self)
        check(Float.self)
    }
}
