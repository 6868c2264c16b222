import XCTest
import AdjointCore
@testable import AdjointLinalg

/// (r, θ) ↦ (r cos θ, r sin θ).
private struct Polar: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.cos(x[1]), x[0] * T.sin(x[1])] }
}

/// (x, y, z) ↦ (x + y, 2x + 2y, z², x + y + z²): the first, second and fourth rows are
/// combinations of (1, 1, 0) and (0, 0, 2z), so the Jacobian has rank 2 everywhere (z ≠ 0).
private struct RankTwo: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [x[0] + x[1], 2 * x[0] + 2 * x[1], x[2] * x[2], x[0] + x[1] + x[2] * x[2]]
    }
}

final class JacobianAnalysisTests: XCTestCase {
    func testSingularValuesOfAKnownMatrix() throws {
        // [3 0; 4 5]: AᵀA = [25 20; 20 25] has eigenvalues 45 and 5, so σ = (3√5, √5).
        let s = try JacobianAnalysis.singularValues(of: [[3, 0], [4, 5]])
        assertClose(s, [3 * 5.0.squareRoot(), 5.0.squareRoot()], 1e-12, "σ of [3 0; 4 5]")
        // κ₂ = 3√5/√5 = 3.
        XCTAssertEqual(try JacobianAnalysis.conditionNumber(of: [[3, 0], [4, 5]]), 3, accuracy: 1e-12)
        // A non-square one: [[1, 0, 0], [0, 2, 0]] has σ = (2, 1).
        assertClose(try JacobianAnalysis.singularValues(of: [[1, 0, 0], [0, 2, 0]]), [2, 1], 1e-14, "3-wide")
    }

    func testRankOfARankDeficientJacobian() throws {
        let r = try jacobian(of: RankTwo(), at: [0.3, -1.2, 0.7])
        let a = try JacobianAnalysis(r.jacobian)
        XCTAssertEqual(a.rows, 4); XCTAssertEqual(a.cols, 3)
        XCTAssertEqual(a.rank, 2)
        XCTAssertEqual(a.conditionNumber, .infinity)
        XCTAssertNil(a.determinant)
        XCTAssertEqual(try JacobianAnalysis.numericalRank(of: r.jacobian), 2)
        // A tolerance above σ₂ counts only one direction.
        XCTAssertEqual(try JacobianAnalysis.numericalRank(of: r.jacobian, tolerance: a.singularValues[1] * 1.01), 1)
    }

    /// diag(1, 1e-10) has σ = (1, 1e-10) by inspection: a NaN tolerance gave rank 0 (σ > NaN is
    /// false) and −1 gave 2 (σ > −1 is true for any σ), both answers instead of errors.
    func testNumericalRankRejectsANaNInfiniteOrNegativeTolerance() throws {
        let m: [[Double]] = [[1, 0], [0, 1e-10]]
        XCTAssertEqual(try JacobianAnalysis.numericalRank(of: m, tolerance: 1e-5), 1)
        XCTAssertEqual(try JacobianAnalysis.numericalRank(of: m, tolerance: 0), 2)
        for bad in [Double.nan, -1, -.infinity, .infinity] {
            XCTAssertThrowsError(try JacobianAnalysis.numericalRank(of: m, tolerance: bad), "\(bad)") { error in
                guard case ADError.invalidArgument(let message) = error else { return XCTFail("\(bad): \(error)") }
                XCTAssertTrue(message.contains("tolerance must be finite and ≥ 0, got \(bad)"), message)
            }
        }
    }

    func testDeterminantOfPolarJacobianIsR() throws {
        // J = [cos θ, −r sin θ; sin θ, r cos θ], det = r cos²θ + r sin²θ = r.
        for (radius, theta) in [(2.0, 0.5), (0.3, 2.9), (5.0, -1.0)] {
            let r = try jacobian(of: Polar(), at: [radius, theta])
            let a = try JacobianAnalysis(r.jacobian)
            XCTAssertEqual(try XCTUnwrap(a.determinant), radius, accuracy: 1e-12 * radius)
            XCTAssertEqual(try XCTUnwrap(a.logAbsDeterminant), Double.log(radius), accuracy: 1e-12)
            XCTAssertEqual(a.determinantSign, 1)
            XCTAssertEqual(a.rank, 2)
        }
    }

    func testDeterminantSignWithPivoting() throws {
        // [1 2; 3 4]: det = 4 − 6 = −2 (LU pivots the 3 up, so the row-swap sign matters).
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[1, 2], [3, 4]]), -2)
        // A permutation matrix of one swap has det −1; a singular matrix has det exactly 0.
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[0, 1], [1, 0]]), -1)
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[1, 2], [2, 4]]), 0)
        XCTAssertThrowsError(try JacobianAnalysis.determinant(of: [[1, 2, 3]]))
    }

    /// The determinant is U's diagonal multiplied out, rounded once per factor; it was
    /// sign·exp(Σ log|Uᵢᵢ|), which added exp's and log's error: det [[10]] came out
    /// 10.000000000000002 and the documented det [[1, 2], [3, 4]] = −2 as −2.0000000000000004.
    /// Expected values by hand: a 1×1 determinant is its entry; for [[1, 2], [3, 4]], LU pivots
    /// the 3 up, U₂₂ = 2 − fl(1/3)·4 = 2 − (4/3 − 4/3·2⁻⁵⁴) is exact (Sterbenz), and
    /// 3·U₂₂ = 2 + 2⁻⁵² lies halfway between 2 and its successor, so it rounds to even: −2.
    func testDeterminantIsTheRoundedProductNotExpOfLog() throws {
        for v in [3.0, 10, -7, 0.1, 1e-300, 1e300] {
            XCTAssertEqual(try JacobianAnalysis.determinant(of: [[v]]), v, "det [[\(v)]]")
            XCTAssertEqual(try JacobianAnalysis([[v]]).determinant, v, "JacobianAnalysis det [[\(v)]]")
        }
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[1, 2], [3, 4]]), -2)
        XCTAssertEqual(try JacobianAnalysis([[1, 2], [3, 4]]).determinant, -2)
        // Diagonal: the product of powers of two and small integers is exact, 2·3·5·1024 = 30720.
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[2, 0, 0, 0], [0, 3, 0, 0], [0, 0, 5, 0], [0, 0, 0, 1024]]), 30720)
        // Intermediate products outside Double's range that end inside it: 10³⁰⁰·10³⁰⁰·10⁻³⁰⁰·10⁻³⁰⁰.
        let wide = try JacobianAnalysis.determinant(of: [[1e300, 0, 0, 0], [0, 1e300, 0, 0], [0, 0, 1e-300, 0], [0, 0, 0, 1e-300]])
        XCTAssertEqual(wide, 1, accuracy: 4 * Double.ulpOfOne)
    }

    func testNewtonStepSolvesTheLinearisedSystem() throws {
        // F(x, y) = (x² − 2, y − x): from (1, 1), J = [2 0; −1 1], F = (−1, 0).
        // J·Δ = −F = (1, 0) → Δx = 1/2, Δy = 1/2.
        let step = try JacobianAnalysis.newtonStep(jacobian: [[2, 0], [-1, 1]], residual: [-1, 0])
        assertClose(step, [0.5, 0.5], 1e-15, "Newton step")
    }

    /// Hilbert matrices H_ij = 1/(i + j + 1), stored as Doubles. Expected values: the exact
    /// solutions of H·x = 1 for the *stored* matrices, in rationals (Python `fractions`, Gauss–Jordan
    /// on the exact binary values): n = 8 gives x₁ = −7.999999949964206, n = 12 x₁ = −11.58061450…,
    /// n = 14 x₁ = 7.78099190…. LU returned −12.876 and 3.920 for the last two (3.92 against 7.78:
    /// not one correct digit) without a word; LAPACK's condition estimate (reciprocal 6·10⁻¹⁷ and
    /// 6·10⁻¹⁸ after equilibration, below ε) says so, and solve now throws it.
    func testSolveRefusesMatricesSingularToWorkingPrecision() throws {
        // κ ≈ 1.5·10¹⁰: solved, to the accuracy κ·ε allows.
        let x8 = try JacobianAnalysis.solve(hilbert(8), [Double](repeating: 1, count: 8))
        XCTAssertEqual(x8[0], -7.999999949964206, accuracy: 1e-5)
        for n in [12, 14] {
            XCTAssertThrowsError(try JacobianAnalysis.solve(hilbert(n), [Double](repeating: 1, count: n)), "Hilbert \(n)") { e in
                guard case let .illConditioned(routine, rcond, bound) = e as? LinalgError else { return XCTFail("\(e)") }
                XCTAssertEqual(routine, "dgesvx")
                XCTAssertLessThan(rcond, Double.ulpOfOne / 2)
                XCTAssertGreaterThan(bound, 0.1, "the error bound must admit the 11% (n = 12) and 50% (n = 14) errors")
                XCTAssertTrue("\(e)".contains("singular to working precision"), "\(e)")
            }
        }
        // Badly scaled but perfectly conditioned after equilibration: solved, and exactly
        // (1/10⁻³⁰⁰ = 10³⁰⁰ correctly rounded; plain LU gave 9.999999999999999e+299).
        XCTAssertEqual(try JacobianAnalysis.solve([[1e300, 0], [0, 1e-300]], [1, 1]), [1e-300, 1e300])
    }

    /// The determinant of the stored Hilbert matrices, exact in rationals (Python `fractions`,
    /// elimination on the exact binary values): n = 8 2.737050121755729e-33, n = 12
    /// 2.687225581661903e-78, n = 14 −3.799330038664104e-106. LU gave 2.7370500087e-33 (4·10⁻⁸
    /// off, fine for κ ≈ 10¹⁰), then 2.551e-78 (5% off) and −2.387e-106 (37% off) without a
    /// word; the last two are singular to working precision and now say so. Exact answers stay:
    /// a singular matrix's 0, and diag(10³⁰⁰, 10⁻³⁰⁰)'s 1 (badly scaled, perfectly conditioned).
    func testDeterminantRefusesMatricesSingularToWorkingPrecision() throws {
        XCTAssertEqual(try JacobianAnalysis.determinant(of: hilbert(8)), 2.737050121755729e-33, accuracy: 1e-6 * 2.737e-33)
        for n in [12, 14] {
            for body in [{ _ = try JacobianAnalysis.determinant(of: hilbert(n)) }, { _ = try JacobianAnalysis.logAbsDeterminant(of: hilbert(n)) }] {
                XCTAssertThrowsError(try body(), "Hilbert \(n)") { e in
                    guard case let .illConditioned(_, rcond, bound) = e as? LinalgError else { return XCTFail("\(e)") }
                    XCTAssertLessThan(rcond, Double.ulpOfOne / 2)
                    XCTAssertGreaterThan(bound, 0.37, "the estimate must admit the 37% error of n = 14")
                }
            }
        }
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[1, 2], [2, 4]]), 0)
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[1e300, 0], [0, 1e-300]]), 1)
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[1, 2], [3, 4]]), -2)
    }

    /// The analysis as a whole follows the same rule: for Hilbert 14 it gave −2.387e-106 beside
    /// rank 12 (exact determinant of the stored matrix −3.799e-106, see above), with no word.
    func testAnalysisGivesNoDeterminantForAMatrixSingularToWorkingPrecision() throws {
        let a = try JacobianAnalysis(hilbert(14))
        XCTAssertNil(a.determinant)
        XCTAssertNil(a.logAbsDeterminant)
        XCTAssertNil(a.determinantSign)
        guard case let .illConditioned(routine, rcond, _)? = a.determinantUnresolved else {
            return XCTFail("\(String(describing: a.determinantUnresolved))")
        }
        XCTAssertEqual(routine, "dgecon")
        XCTAssertLessThan(rcond, Double.ulpOfOne / 2)
        // Well conditioned, badly scaled, and exactly singular matrices keep their answers.
        let h8 = try JacobianAnalysis(hilbert(8))
        XCTAssertNil(h8.determinantUnresolved)
        XCTAssertEqual(h8.determinant ?? 0, 2.737050121755729e-33, accuracy: 1e-6 * 2.737e-33)
        XCTAssertEqual(try JacobianAnalysis([[1e300, 0], [0, 1e-300]]).determinant, 1)
        XCTAssertEqual(try JacobianAnalysis([[1, 2], [2, 4]]).determinant, 0)
    }

    func testLAPACKFailuresAreTypedErrors() throws {
        XCTAssertThrowsError(try JacobianAnalysis.solve([[1, 2], [2, 4]], [1, 1])) { e in
            guard case .singularMatrix(let routine, let pivot) = e as? LinalgError else { return XCTFail("\(e)") }
            XCTAssertEqual(routine, "dgesvx"); XCTAssertEqual(pivot, 2)
        }
        // A zero row or column: equilibration has nothing to scale, the LU still finds the zero pivot.
        for zero in [[[0.0, 0], [1, 1]], [[0.0, 1], [0, 1]]] {
            XCTAssertThrowsError(try JacobianAnalysis.solve(zero, [1, 1])) { e in
                guard case .singularMatrix = e as? LinalgError else { return XCTFail("\(zero): \(e)") }
            }
        }
        XCTAssertThrowsError(try JacobianAnalysis.solve([[1, 0], [0, 1]], [1])) { e in
            guard case .dimensionMismatch = e as? ADError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try JacobianAnalysis(([[1, .nan]]))) { e in
            guard case .nonFinite = e as? ADError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try JacobianAnalysis([[1, 2], [3]]))
    }
}

/// Badly scaled Jacobians (issue 14, item 10): rank and determinant from scaled algorithms.
final class JacobianAnalysisScalingTests: XCTestCase {
    /// diag(10³⁰⁰, 10⁻³⁰⁰) has full rank and det = 1 (exact: the product of the diagonal). It was
    /// reported as rank 1 next to determinant 1.0.
    func testDiagonalAcrossTheExponentRangeHasFullRank() throws {
        let a = try JacobianAnalysis([[1e300, 0], [0, 1e-300]])
        XCTAssertEqual(a.rank, 2)
        // dgesdd resolves σ only down to ≈ ε·σ_max and returns σ₂ = 0 here; Jacobi gets both.
        XCTAssertEqual(a.singularValues, [1e300, 1e-300])
        XCTAssertEqual(try JacobianAnalysis([[1e-300, 0, 0], [0, 1e300, 0]]).singularValues, [1e300, 1e-300], "wide")
        XCTAssertEqual(a.determinant ?? .nan, 1, accuracy: 4e-16)
        XCTAssertLessThan(a.scaledConditionNumber, 2, "equilibrated by powers of two: a diagonal within a factor 2 of I")
        XCTAssertEqual(a.conditionNumber, .infinity, "κ₂ = 10⁶⁰⁰ overflows")
        XCTAssertEqual(try JacobianAnalysis.numericalRank(of: [[1e300, 0], [0, 1e-300]]), 2)
    }

    /// Scaling must not invent rank: proportional rows stay rank 1 at any magnitude.
    func testBadlyScaledRankDeficientStaysDeficient() throws {
        XCTAssertEqual(try JacobianAnalysis([[1e300, 2e300], [1e-300, 2e-300]]).rank, 1)
        // det = 10²⁰⁰·10⁻²⁰⁰ − 1·1 = 0 exactly: both rows scale to the same row.
        let b = try JacobianAnalysis([[1e200, 1], [1, 1e-200]])
        XCTAssertEqual(b.rank, 1)
        XCTAssertEqual(b.scaledConditionNumber, .infinity)
        XCTAssertEqual(try JacobianAnalysis([[1, 2], [2, 4]]).rank, 1)
    }

    /// |det| beyond Double's range: no determinant number, but sign and log|det| (exact values:
    /// log(10³⁰⁰·10³⁰⁰) = 600 ln 10).
    func testOverflowingDeterminantIsReportedAsSignAndLog() throws {
        let a = try JacobianAnalysis([[-1e300, 0], [0, 1e300]])
        XCTAssertNil(a.determinant)
        XCTAssertEqual(a.determinantSign, -1)
        XCTAssertEqual(a.logAbsDeterminant ?? .nan, 600 * Double.log(10), accuracy: 1e-12)
        XCTAssertEqual(a.rank, 2)
        XCTAssertThrowsError(try JacobianAnalysis.determinant(of: [[-1e300, 0], [0, 1e300]])) { e in
            guard case .nonFinite = e as? ADError else { return XCTFail("\(e)") }
        }
        let tiny = try JacobianAnalysis([[1e-200, 0], [0, 1e-200]])
        XCTAssertNil(tiny.determinant, "10⁻⁴⁰⁰ underflows: not reported as 0")
        XCTAssertEqual(tiny.determinantSign, 1)
        XCTAssertEqual(tiny.logAbsDeterminant ?? .nan, -400 * Double.log(10), accuracy: 1e-12)
        XCTAssertEqual(tiny.rank, 2)
    }

    // MARK: Subnormal and overflowing rows (equilibration by steps)

    /// A subnormal entry: the row scale 2¹⁰²⁹ that lifts 10⁻³¹⁰ (exponent −1030) into [½, 1) is +∞
    /// as one Double, and the analysis trapped (Int overflow on ∞'s exponent). By hand: a 1×1
    /// matrix is its own σ and det, κ = 1, rank 1; log|det| from mpmath on the stored double.
    func testSubnormalOneByOneIsAnalysed() throws {
        let a = try JacobianAnalysis([[1e-310]])
        XCTAssertEqual(a.rank, 1)
        XCTAssertEqual(a.singularValues, [1e-310])
        XCTAssertEqual(a.conditionNumber, 1)
        XCTAssertEqual(a.scaledConditionNumber, 1)
        XCTAssertEqual(a.determinant, 1e-310)
        XCTAssertEqual(a.logAbsDeterminant ?? .nan, -713.80137882815416510, accuracy: 1e-12)
        XCTAssertEqual(try JacobianAnalysis.conditionNumber(of: [[1e-310]]), 1)
        XCTAssertEqual(try JacobianAnalysis.numericalRank(of: [[1e-310]]), 1)
        XCTAssertEqual(try JacobianAnalysis.determinant(of: [[1e-310]]), 1e-310)
        // 10⁻³¹⁰·x = 10⁻³¹⁰ has x = 1 (LAPACK's own equilibration clamps its scale factors).
        XCTAssertEqual(try JacobianAnalysis.solve([[1e-310]], [1e-310]), [1])
    }

    /// Upper triangular, so det = 10⁻³¹⁰·10⁻³⁰⁰ = 10⁻⁶¹⁰ (below Double: no number; log|det| =
    /// ln of the stored doubles' product, mpmath −1404.57690672636787). Equilibrated by hand:
    /// [[1.1567·2⁻¹, ½], [0, 1.3396·2⁻¹]], full rank; κ₂(J) ≈ 1/10⁻⁶¹⁰ overflows.
    func testSubnormalEntryBesideATinyDiagonalIsAnalysed() throws {
        let a = try JacobianAnalysis([[1e-310, 1], [0, 1e-300]])
        XCTAssertEqual(a.rank, 2)
        XCTAssertEqual(a.conditionNumber, .infinity)
        XCTAssertNil(a.determinant)
        XCTAssertEqual(a.determinantSign, 1)
        XCTAssertEqual(a.logAbsDeterminant ?? .nan, -1404.57690672636787, accuracy: 1e-10)
    }

    /// A whole row subnormal: t = 2⁻¹⁰³⁰, J = [[t, 3t], [1, 1]]. LU pivots [1, 1] up, U₂₂ = 3t − t = 2t,
    /// so det = −2t = −2⁻¹⁰²⁹ exactly. The row scales are 2¹⁰²⁹ and 2⁻¹, giving B = [[¼, ¾], [½, ½]],
    /// whose κ₂ is 4.26556443707463741 (mpmath). κ₂(J) = σ₁²/|det| ≈ 2¹⁰³⁰ overflows.
    func testSubnormalRowIsEquilibratedExactly() throws {
        let t = Double(sign: .plus, exponent: -1030, significand: 1)
        let a = try JacobianAnalysis([[t, 3 * t], [1, 1]])
        XCTAssertEqual(a.rank, 2)
        XCTAssertEqual(a.scaledConditionNumber, 4.26556443707463741, accuracy: 1e-13)
        XCTAssertEqual(a.conditionNumber, .infinity)
        XCTAssertEqual(a.determinant, -Double(sign: .plus, exponent: -1029, significand: 1))
        XCTAssertEqual(a.logAbsDeterminant ?? .nan, -1029 * Double.log(2), accuracy: 1e-12)
        XCTAssertNil(a.determinantUnresolved)
        XCTAssertEqual(JacobianAnalysis.equilibrated(try Matrix<Double>([[t, 3 * t], [1, 1]])).elements,
                       [0.25, 0.75, 0.5, 0.5])
    }

    /// LU of a finite matrix that overflows: pivoting on the first row gives U₂₂ = 10³⁰⁸ + 10³⁰⁸ = ∞,
    /// whose exponent trapped the determinant's exponent sum. det = 2·10⁶¹⁶ by hand: no number,
    /// sign +1, log|det| = ln 2 + 2 ln 10³⁰⁸ = 1419.08556446489208669 (mpmath, stored doubles).
    func testOverflowingLUFactorGivesSignAndLog() throws {
        let m: [[Double]] = [[1e308, 1e308], [-1e308, 1e308]]
        let a = try JacobianAnalysis(m)
        XCTAssertNil(a.determinant)
        XCTAssertEqual(a.determinantSign, 1)
        XCTAssertEqual(a.logAbsDeterminant ?? .nan, 1419.08556446489208669, accuracy: 1e-12)
        XCTAssertEqual(a.rank, 2)
        XCTAssertThrowsError(try JacobianAnalysis.determinant(of: m)) { e in
            guard case .nonFinite = e as? ADError else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try JacobianAnalysis.logAbsDeterminant(of: m).sign, 1)
    }
}

/// The n × n Hilbert matrix, entries 1/(i + j + 1) rounded to Double. The closures' types are
/// spelled out: inferred, `1 / Double(…)` inside two nested maps took 3.5 s to type-check, once
/// per copy (three copies before this one).
private func hilbert(_ n: Int) -> [[Double]] {
    (0..<n).map { (i: Int) -> [Double] in (0..<n).map { (j: Int) -> Double in 1.0 / Double(i + j + 1) } }
}
