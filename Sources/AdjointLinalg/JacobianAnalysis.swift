import AdjointCore
import CLapack

/// A LAPACK routine that failed, as a typed error (LAPACK's `info` code, translated).
///
/// ```swift
/// do { _ = try JacobianAnalysis.solve([[1, 2], [2, 4]], [1, 1]) }
/// catch let e as LinalgError { print(e) }   // "dgesvx: the matrix is singular (U[2,2] = 0) …"
/// ```
public enum LinalgError: Error, Equatable, Sendable, CustomStringConvertible {
    /// LU found an exactly zero pivot (1-based, as LAPACK reports it): no unique solution.
    case singularMatrix(routine: String, pivot: Int)
    /// The matrix is not exactly singular, but its reciprocal condition number (estimated by LAPACK
    /// after equilibration) is below the machine precision 2⁻⁵³: LAPACK's "singular to working
    /// precision". `errorBound` is LAPACK's bound on a solution's relative error (‖Δx‖∞/‖x‖∞,
    /// `dgesvx`) or an estimate n·ε/rcond of a determinant's (`dgecon`).
    case illConditioned(routine: String, reciprocalCondition: Double, errorBound: Double)
    /// The SVD's iteration did not converge (`info` > 0 from dgesdd).
    case noConvergence(routine: String, info: Int)
    /// LAPACK rejected argument number `argument` (`info` < 0): a bug on our side, reported rather than hidden.
    case illegalArgument(routine: String, argument: Int)
    /// OpenBLAS runs kernels (`core`) that use instructions this CPU lacks (`missing`), so any BLAS
    /// or LAPACK call would stop the process with an illegal instruction; refused before the
    /// call. `environment` is `OPENBLAS_CORETYPE` when it chose the core, `supported` the best
    /// core this CPU can run (nil: only OpenBLAS's generic kernels).
    case unrunnableBLASCore(core: String, missing: String, environment: String?, supported: String?)

    /// What failed and what to do about it.
    public var description: String {
        switch self {
        case let .singularMatrix(r, p):
            return "\(r): the matrix is singular (U[\(p),\(p)] = 0); no unique solution — check the rank with JacobianAnalysis"
        case let .illConditioned(r, rcond, bound):
            return "\(r): the matrix is singular to working precision (reciprocal condition number \(rcond) after "
                + "equilibration, below ε = \(Double.ulpOfOne / 2)); the result's relative error could be as large as "
                + "\(bound), so none is returned — check the rank with JacobianAnalysis"
        case let .noConvergence(r, info):
            return "\(r): the singular value iteration did not converge (info = \(info))"
        case let .illegalArgument(r, a):
            return "\(r): LAPACK rejected argument \(a)"
        case let .unrunnableBLASCore(core, missing, environment, supported):
            let chosen = environment.map { "the environment sets OPENBLAS_CORETYPE=\($0), so OpenBLAS runs its \(core) kernels" }
                ?? "OpenBLAS runs its \(core) kernels"
            let fix = environment == nil
                ? "set OPENBLAS_CORETYPE=\(supported ?? "Prescott") before the program starts"
                : (supported.map { "unset OPENBLAS_CORETYPE or set it to \($0), the best core this CPU supports," }
                   ?? "unset OPENBLAS_CORETYPE (this CPU runs only OpenBLAS's generic kernels)")
            return "\(chosen), but this CPU lacks \(missing), which they need: the first matrix product would stop the "
                + "process with an illegal instruction (SIGILL), so no BLAS or LAPACK call is made. To fix it, \(fix) "
                + "(OpenBLAS reads the variable only when it loads)"
        }
    }
}

/// Linear-algebra facts about a Jacobian, from LAPACKE: singular values, numerical rank,
/// 2-norm condition number, and for square Jacobians the determinant (via LU).
///
/// Takes Jacobians as the toolkit returns them (``JacobianResult/jacobian``: rows are outputs).
///
/// - Scaling: rank and ``scaledConditionNumber`` are computed on the *equilibrated* Jacobian
///   B = D_r·J·D_c, whose rows and then columns are scaled by powers of two so that each has its
///   largest magnitude in [½, 1). Power-of-two scaling is exact and does not change the rank, but
///   it stops one huge entry from hiding the others: diag(10³⁰⁰, 10⁻³⁰⁰) has rank 2 (and
///   determinant 1), while a tolerance relative to J's largest singular value would call it rank 1.
/// - Numerical rank: the number of B's singular values above
///   τ = max(m, n) · ε · σ_max(B) (ε = 2⁻⁵², the convention of MATLAB's and NumPy's `rank`): a
///   singular value below τ is indistinguishable from rounding noise of a matrix of that size.
/// - Condition number: κ₂ = σ_max / σ_min of J itself with σ_min the smallest of the min(m, n)
///   singular values; +∞ when J is rank-deficient, when σ_min is below J's own noise level
///   max(m, n)·ε·σ_max (the ratio would be rounding noise, ≈ 1/ε) or when the ratio overflows.
///   ``scaledConditionNumber`` is κ₂(B), what a solver that equilibrates (as LAPACK's expert
///   drivers do) actually faces.
/// - Determinant: product of U's diagonal from `dgetrf` times the pivot sign; an exactly zero pivot
///   gives det = 0 (that is an answer, not an error). The product is taken on significands with
///   the exponents summed apart, so intermediate products neither overflow nor underflow and the
///   result is rounded as the plain product is (det [[1, 2], [3, 4]] is exactly −2). Where LU itself
///   overflows on a finite J (U₂₂ = ∞ for [[10³⁰⁸, 10³⁰⁸], [−10³⁰⁸, 10³⁰⁸]]), the equilibrated B is
///   factored instead and its powers of two are taken back off the exponent. log|det|
///   sums log|U_ii|; ``determinant`` is nil when |det| lies outside Double's range, and the
///   determinant is then ``determinantSign`` · exp(``logAbsDeterminant``). When J is singular to
///   working precision, all three are nil and ``determinantUnresolved`` says why, by the rule
///   ``determinant(of:)`` throws by.
///
/// ```swift
/// let r = try jacobian(of: Polar(), at: [2.0, 0.5])
/// let a = try JacobianAnalysis(r.jacobian)
/// a.determinant   // 2.0 (= r)
/// a.rank          // 2
/// ```
public struct JacobianAnalysis: Sendable, Equatable {
    /// Number of outputs m.
    public let rows: Int
    /// Number of inputs n.
    public let cols: Int
    /// J's singular values, in decreasing order, min(m, n) of them: from `dgesdd`, or, when that
    /// resolves fewer than ``rank`` of them above its noise level ε·σ_max (a badly scaled J such as
    /// diag(10³⁰⁰, 10⁻³⁰⁰)), from one-sided Jacobi (`dgesvj`), accurate relative to each value.
    public let singularValues: [Double]
    /// Singular values of the equilibrated B (see the type's notes) above ``rankTolerance``.
    public let rank: Int
    /// τ = max(m, n) · ε · σ_max(B), on the equilibrated B's singular values.
    public let rankTolerance: Double
    /// κ₂(J) = σ_max / σ_min (+∞ when rank-deficient, below J's noise level, or overflowing).
    public let conditionNumber: Double
    /// κ₂(B) of the equilibrated Jacobian (+∞ when rank-deficient).
    public let scaledConditionNumber: Double
    /// det J, for square J whose |det| is a finite, nonzero Double (or exactly 0); nil otherwise.
    public let determinant: Double?
    /// log |det J| (−∞ when singular), for square J.
    public let logAbsDeterminant: Double?
    /// The sign of det J (−1, 0 or 1), for square J.
    public let determinantSign: Double?
    /// Why a square J has no ``determinant``, ``logAbsDeterminant`` or ``determinantSign``: J is
    /// singular to working precision (``LinalgError/illConditioned(routine:reciprocalCondition:errorBound:)``,
    /// the rule ``determinant(of:)`` throws by), so LU's determinant could be off in every digit and
    /// in sign. nil when those are given (or J is not square).
    ///
    /// ```swift
    /// let hilbert = (1...14).map { i in (1...14).map { j in 1 / Double(i + j - 1) } }
    /// try JacobianAnalysis(hilbert).determinantUnresolved   // illConditioned(dgecon, …)
    /// ```
    public let determinantUnresolved: LinalgError?

    /// Analyses `jacobian` (rows are outputs). Throws for ragged rows, NaN/infinite entries or a LAPACK failure.
    public init(_ jacobian: [[Double]]) throws {
        let a = try JacobianAnalysis.checked(jacobian)
        rows = a.rows; cols = a.cols
        let scaled = try JacobianAnalysis.singularValues(JacobianAnalysis.equilibrated(a))
        let tau = JacobianAnalysis.tolerance(scaled, rows, cols)
        rankTolerance = tau
        rank = scaled.filter { $0 > tau }.count
        var sigma = try JacobianAnalysis.singularValues(a)
        let noise = JacobianAnalysis.tolerance(sigma, a.rows, a.cols)
        if sigma.filter({ $0 > noise }).count < rank {
            // J has independent directions below dgesdd's resolution (ε·σ_max): one-sided Jacobi
            // resolves each singular value to high relative accuracy for graded matrices.
            sigma = try JacobianAnalysis.jacobiSingularValues(a)
        }
        singularValues = sigma
        let fullRank = rank == Swift.min(rows, cols)
        scaledConditionNumber = fullRank ? JacobianAnalysis.condition(scaled, tau) : .infinity
        conditionNumber = fullRank ? JacobianAnalysis.condition(singularValues, JacobianAnalysis.tolerance(singularValues, rows, cols))
                                   : .infinity
        var lu: (logAbs: Double, sign: Double, value: Double?)?
        var unresolved: LinalgError?
        if rows == cols {
            let factored = try JacobianAnalysis.luDeterminant(a)
            do {
                try JacobianAnalysis.requireDeterminantResolved(a, factored)
                lu = factored
            } catch let error as LinalgError {
                // The 14×14 Hilbert matrix's LU gave −2.4e-106 beside rank 12, where its exact
                // determinant is +4.9e-108: a number here would be a confident wrong answer.
                guard case .illConditioned = error else { throw error }
                unresolved = error
            }
        }
        logAbsDeterminant = lu?.logAbs; determinantSign = lu?.sign
        determinant = lu?.value; determinantUnresolved = unresolved
    }

    /// Singular values of `matrix`, largest first (LAPACKE `dgesdd`, values only).
    ///
    /// ```swift
    /// try JacobianAnalysis.singularValues(of: [[3, 0], [4, 5]])   // [3√5, √5]
    /// ```
    public static func singularValues(of matrix: [[Double]]) throws -> [Double] {
        try singularValues(checked(matrix))
    }

    /// The numerical rank. Without `tolerance`, as ``rank``: singular values of the equilibrated
    /// matrix above max(m, n)·ε·σ_max of those; with one, the matrix's own singular values above it.
    /// - Throws: ``ADError/invalidArgument(_:)`` when `tolerance` is NaN, infinite or negative.
    public static func numericalRank(of matrix: [[Double]], tolerance: Double? = nil) throws -> Int {
        let a = try checked(matrix)
        if let tolerance {
            // σ > NaN is always false (rank 0) and σ > −t always true (an exact zero counted),
            // so either would be a confident wrong rank rather than a mistake reported.
            guard tolerance.isFinite && tolerance >= 0 else {
                throw ADError.invalidArgument("numericalRank(of:tolerance:): tolerance must be finite and ≥ 0, got \(tolerance); leave it nil to derive it from the singular values")
            }
            return try singularValues(a).filter { $0 > tolerance }.count
        }
        return try JacobianAnalysis(matrix).rank
    }

    /// κ₂ = σ_max / σ_min, as ``conditionNumber``: +∞ when the matrix is numerically
    /// rank-deficient or the ratio overflows.
    public static func conditionNumber(of matrix: [[Double]]) throws -> Double {
        try JacobianAnalysis(matrix).conditionNumber
    }

    /// det of a square matrix via LU (`dgetrf`); 0 for an exactly singular one.
    /// - Throws: ``ADError/nonFinite(what:op:node:)`` when |det| overflows or underflows Double;
    ///   ``logAbsDeterminant(of:)`` gives it as sign and log|det| then.
    ///   ``LinalgError/illConditioned(routine:reciprocalCondition:errorBound:)`` when the matrix is
    ///   singular to working precision (see ``requireDeterminantResolved(_:_:)``).
    ///
    /// ```swift
    /// try JacobianAnalysis.determinant(of: [[1, 2], [3, 4]])   // −2
    /// ```
    public static func determinant(of matrix: [[Double]]) throws -> Double {
        let a = try checked(matrix)
        try requireEqual("columns of a \(a.shapeText) matrix whose determinant is asked (it must be square)", a.rows, a.cols)
        let lu = try luDeterminant(a)
        try requireDeterminantResolved(a, lu)
        guard let d = lu.value else {
            throw ADError.nonFinite(what: "determinant (|det| = exp(\(lu.logAbs)) is outside Double's range; use logAbsDeterminant(of:))",
                                    op: "dgetrf", node: nil)
        }
        return d
    }

    /// (log|det|, sign) of a square matrix via LU; (−∞, 0) when singular.
    /// - Throws: as ``determinant(of:)``, except that a |det| outside Double's range is an answer here.
    public static func logAbsDeterminant(of matrix: [[Double]]) throws -> (logAbs: Double, sign: Double) {
        let a = try checked(matrix)
        try requireEqual("columns of a \(a.shapeText) matrix whose determinant is asked (it must be square)", a.rows, a.cols)
        let lu = try luDeterminant(a)
        try requireDeterminantResolved(a, lu)
        return (lu.logAbs, lu.sign)
    }

    /// Throws ``LinalgError/illConditioned(routine:reciprocalCondition:errorBound:)`` when `a` is
    /// nonsingular but singular to working precision: reciprocal condition number (1-norm,
    /// LAPACK's `dgecon` estimate, on the equilibrated matrix) below ε = 2⁻⁵³, as `dgesvx` decides.
    ///
    /// Why: LU's det is exact for a backward-perturbed matrix, and a perturbation of relative size
    /// ε changes det by a relative n·ε·κ or so. For the 14×14 Hilbert matrix LU gave
    /// −2.387·10⁻¹⁰⁶ where the stored matrix's exact determinant (rationals) is −3.799·10⁻¹⁰⁶.
    /// Equilibration (powers of two) changes det by an exact factor, so badly scaled but well
    /// conditioned matrices (diag(10³⁰⁰, 10⁻³⁰⁰)) pass. An exactly zero pivot is an answer, 0.
    /// `errorBound` is the estimate n·ε/rcond, not a guarantee.
    static func requireDeterminantResolved(_ a: Matrix<Double>, _ lu: (logAbs: Double, sign: Double, value: Double?)) throws {
        guard lu.sign != 0, a.rows > 1 else { return }
        var b = equilibrated(a)
        let n = b.rows
        var norm1 = 0.0
        for j in 0..<n { var s = 0.0; for i in 0..<n { s += Swift.abs(b[i, j]) }; norm1 = Swift.max(norm1, s) }
        var pivots = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), &b.elements, Int32(n), &pivots)
        try check(info < 0 ? info : 0, "dgetrf")
        var rcond = 0.0
        if info == 0 { try check(LAPACKE_dgecon(LAPACK_ROW_MAJOR, 49 /* '1' */, Int32(n), &b.elements, Int32(n), norm1, &rcond), "dgecon") }
        let epsilon = Double.ulpOfOne / 2
        if rcond < epsilon {
            throw LinalgError.illConditioned(routine: "dgecon", reciprocalCondition: rcond,
                                             errorBound: rcond > 0 ? Double(n) * epsilon / rcond : .infinity)
        }
    }

    /// The solution x of A·x = b (`dgesvx`: equilibration, then LU with partial pivoting).
    /// - Throws: ``LinalgError/singularMatrix(routine:pivot:)`` when A is exactly singular;
    ///   ``LinalgError/illConditioned(routine:reciprocalCondition:errorBound:)`` when it is singular
    ///   to working precision (the 12×12 Hilbert matrix: reciprocal condition 6·10⁻¹⁷);
    ///   ``ADError/nonFinite(what:op:node:)`` when the solution overflows.
    ///
    /// ```swift
    /// try JacobianAnalysis.solve([[2, 0], [0, 4]], [2, 2])   // [1, 0.5]
    /// ```
    public static func solve(_ matrix: [[Double]], _ b: [Double]) throws -> [Double] {
        var a = try checked(matrix)
        try requireEqual("columns of a linear system's \(a.shapeText) matrix (it must be square)", a.rows, a.cols)
        try requireEqual("right-hand side length of a linear system with a \(a.shapeText) matrix", a.rows, b.count)
        if let j = b.firstIndex(where: { !$0.isFinite }) {
            throw ADError.nonFinite(what: "right-hand side entry \(j)", op: nil, node: nil)
        }
        let n = a.rows
        if n == 0 { return [] }
        // dgesvx, not dgesv: the same LU with partial pivoting, after equilibrating rows and
        // columns (so diag(10³⁰⁰, 10⁻³⁰⁰) is still solved exactly), plus LAPACK's estimate of the
        // reciprocal condition number. dgesv alone returned any finite result: for the 14×14
        // Hilbert matrix x₁ = 3.92 where the exact solution of the stored matrix (rationals) is 7.78.
        var rhs = b
        var x = [Double](repeating: 0, count: n)
        var factors = [Double](repeating: 0, count: n * n)
        var pivots = [Int32](repeating: 0, count: n)
        var rowScale = [Double](repeating: 0, count: n), colScale = [Double](repeating: 0, count: n)
        var equilibration: CChar = 0
        var rcond = 0.0, forwardError = [0.0], backwardError = [0.0], growth = 0.0
        let info = LAPACKE_dgesvx(LAPACK_ROW_MAJOR, 69 /* 'E' equilibrate */, 78 /* 'N' */, Int32(n), 1,
                                  &a.elements, Int32(n), &factors, Int32(n), &pivots, &equilibration,
                                  &rowScale, &colScale, &rhs, 1, &x, 1, &rcond, &forwardError, &backwardError, &growth)
        if info == Int32(n + 1) {
            // LAPACK's own test: rcond below the machine precision, the matrix is singular to
            // working precision. A solution was computed, but its error bound says it is noise.
            throw LinalgError.illConditioned(routine: "dgesvx", reciprocalCondition: rcond, errorBound: forwardError[0])
        }
        try check(info, "dgesvx")
        if let j = x.firstIndex(where: { !$0.isFinite }) {
            throw ADError.nonFinite(what: "solution entry \(j) (the matrix is numerically singular)", op: "dgesvx", node: nil)
        }
        return x
    }

    /// One Newton step for F(x) = 0: the Δ solving J·Δ = −F(x), so the next iterate is x + Δ.
    ///
    /// ```swift
    /// let r = try jacobian(of: f, at: x)
    /// let step = try JacobianAnalysis.newtonStep(jacobian: r.jacobian, residual: r.value)
    /// ```
    public static func newtonStep(jacobian: [[Double]], residual: [Double]) throws -> [Double] {
        try solve(jacobian, residual.map { -$0 })
    }

    // MARK: Internals

    static func checked(_ m: [[Double]]) throws -> Matrix<Double> {
        // Every entry point passes here before its LAPACK call (which calls BLAS).
        try BLAS.requireRunnableCore()
        let a = try Matrix<Double>(m)
        if let k = a.elements.firstIndex(where: { !$0.isFinite }) {
            throw ADError.nonFinite(what: "Jacobian entry (\(k / Swift.max(a.cols, 1)), \(k % Swift.max(a.cols, 1)))", op: nil, node: nil)
        }
        return a
    }

    static func singularValues(_ matrix: Matrix<Double>) throws -> [Double] {
        var a = matrix
        let k = Swift.min(a.rows, a.cols)
        if k == 0 { return [] }
        var s = [Double](repeating: 0, count: k)
        var dummyU = [Double](repeating: 0, count: 1), dummyVT = [Double](repeating: 0, count: 1)
        // jobz 'N': values only, so U and Vᵀ are never referenced; this LAPACKE still checks their
        // leading dimensions against the full sizes (it rejected ldvt = 1 as argument 11).
        let info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 78 /* 'N' */, Int32(a.rows), Int32(a.cols), &a.elements,
                                  Int32(a.cols), &s, &dummyU, Int32(a.rows), &dummyVT, Int32(a.cols))
        try check(info, "dgesdd")
        return s
    }


    /// D_r·A·D_c with powers of two chosen so that every nonzero row, then every nonzero column,
    /// has its largest magnitude in [½, 1). Exact: only exponents change (entries more than
    /// ~10³⁰⁸ below their row's largest may underflow, a loss far below any rank tolerance).
    static func equilibrated(_ matrix: Matrix<Double>) -> Matrix<Double> {
        equilibration(matrix).matrix
    }

    /// ``equilibrated(_:)`` with the exponents it applied: entry (i, j) was multiplied by
    /// 2^(rows[i] + cols[j]), so det B = det A · 2^(Σ rows + Σ cols) for a square A.
    static func equilibration(_ matrix: Matrix<Double>) -> (matrix: Matrix<Double>, rows: [Int], cols: [Int]) {
        var a = matrix
        let (m, n) = (a.rows, a.cols)
        var rowExponents = [Int](repeating: 0, count: m), colExponents = [Int](repeating: 0, count: n)
        // The factor 2^k is applied through Double(sign:exponent:significand:), which scales in
        // steps, never as a multiplication by a precomputed 2^k: a row whose largest entry is
        // subnormal (10⁻³¹⁰, exponent −1030) needs k = 1029, and 2¹⁰²⁹ is +∞ as a Double, so the
        // row became ∞ and the column pass's ∞.exponent + 1 trapped (jac --analyze on x·1e-310).
        func scale(_ x: Double, _ k: Int) -> Double { Double(sign: .plus, exponent: k, significand: x) }
        for i in 0..<m {
            var big = 0.0
            for j in 0..<n { big = Swift.max(big, Swift.abs(a[i, j])) }
            guard big > 0, big.isFinite else { continue }
            let k = -(Int(big.exponent) + 1)
            rowExponents[i] = k
            for j in 0..<n { a[i, j] = scale(a[i, j], k) }
        }
        for j in 0..<n {
            var big = 0.0
            for i in 0..<m { big = Swift.max(big, Swift.abs(a[i, j])) }
            guard big > 0, big.isFinite else { continue }
            let k = -(Int(big.exponent) + 1)
            colExponents[j] = k
            for i in 0..<m { a[i, j] = scale(a[i, j], k) }
        }
        return (a, rowExponents, colExponents)
    }

    /// Singular values by one-sided Jacobi (`dgesvj`, values only), largest first. It needs
    /// m ≥ n, so a wide matrix is transposed (the singular values are the same).
    static func jacobiSingularValues(_ matrix: Matrix<Double>) throws -> [Double] {
        var a = matrix.rows >= matrix.cols ? matrix : matrix.transposed()
        let (m, n) = (a.rows, a.cols)
        if n == 0 { return [] }
        var s = [Double](repeating: 0, count: n)
        var v = [Double](repeating: 0, count: 1)
        var stat = [Double](repeating: 0, count: 6)
        // joba 'G' general, jobu 'N' (no U), jobv 'N' (no V).
        let info = LAPACKE_dgesvj(LAPACK_ROW_MAJOR, 71 /* 'G' */, 78 /* 'N' */, 78 /* 'N' */, Int32(m), Int32(n),
                                  &a.elements, Int32(n), &s, 0, &v, Int32(n), &stat)
        if info > 0 { throw LinalgError.noConvergence(routine: "dgesvj", info: Int(info)) }
        try check(info, "dgesvj")
        // stat[0] is a scale the values must be multiplied by (1 unless they would over/underflow).
        return s.map { $0 * stat[0] }.sorted(by: >)
    }

    static func tolerance(_ s: [Double], _ m: Int, _ n: Int) -> Double {
        Double(Swift.max(m, n)) * Double.ulpOfOne * (s.first ?? 0)
    }

    static func condition(_ s: [Double], _ tau: Double) -> Double {
        guard let hi = s.first, let lo = s.last else { return 0 }
        return lo <= tau ? .infinity : hi / lo   // an overflowing ratio is +∞ as well
    }

    /// det A from LU (`dgetrf`): the product of U's diagonal times the pivot sign, and log|det|.
    ///
    /// The product is formed on significands in [½, 1) with the binary exponents summed apart
    /// (scaling by 2ᵏ is exact), so it cannot overflow or underflow on the way and rounds as the
    /// plain product would: one rounding per factor. Taking it as sign·exp(Σ log|Uᵢᵢ|) instead
    /// (NumPy's way, and ours before) adds the error of exp and log: det [[1, 2], [3, 4]] came out
    /// −2.0000000000000004 and det [[10]] as 10.000000000000002. `value` is nil when |det| is
    /// outside Double's range (0 only for an exactly zero pivot, never for an underflow).
    static func luDeterminant(_ matrix: Matrix<Double>) throws -> (logAbs: Double, sign: Double, value: Double?) {
        if matrix.rows == 0 { return (0, 1, 1) }
        guard var factored = try luDiagonal(matrix) else { return (-.infinity, 0, 0) }   // an exactly zero pivot: det = 0
        var shift = 0
        if factored.diagonal.contains(where: { !$0.isFinite }) {
            // LU of a finite matrix can still overflow: [[1e308, 1e308], [−1e308, 1e308]] pivots
            // on the first row and U₂₂ = 2·10³⁰⁸ = ∞, whose exponent (Int.max) then trapped the sum
            // below. The equilibrated B (entries at most 1, so U grows by at most 2ⁿ⁻¹) has
            // det B = det A · 2^shift exactly, and the shift is taken off in the exponent.
            let e = equilibration(matrix)
            guard let scaled = try luDiagonal(e.matrix) else { return (-.infinity, 0, 0) }
            guard scaled.diagonal.allSatisfy(\.isFinite) else {
                throw ADError.nonFinite(what: "LU factor of the equilibrated \(matrix.shapeText) matrix", op: "dgetrf", node: nil)
            }
            factored = scaled
            shift = e.rows.reduce(0, +) + e.cols.reduce(0, +)
        }
        var logAbs = -Double(shift) * Double.log(2), sign = factored.sign
        var significand = 1.0, exponent = -shift
        for u in factored.diagonal {
            if u < 0 { sign = -sign }
            logAbs += Double.log(Swift.abs(u))
            significand *= Swift.abs(u).significand
            exponent += Int(Swift.abs(u).exponent)
            // Keep the running significand in [1, 2) so that n factors never leave the range.
            exponent += Int(significand.exponent)
            significand = significand.significand
        }
        let value = sign * Double(sign: .plus, exponent: exponent, significand: significand)
        return (logAbs, sign, value.isFinite && value != 0 ? value : nil)
    }

    /// U's diagonal from `dgetrf` and the sign of its row permutation; nil for an exactly zero pivot.
    static func luDiagonal(_ matrix: Matrix<Double>) throws -> (diagonal: [Double], sign: Double)? {
        var a = matrix
        let n = a.rows
        var pivots = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), &a.elements, Int32(n), &pivots)
        if info > 0 { return nil }
        try check(info, "dgetrf")
        var sign = 1.0
        for i in 0..<n where pivots[i] != Int32(i + 1) { sign = -sign }   // LAPACK pivots are 1-based row swaps
        return ((0..<n).map { a[$0, $0] }, sign)
    }

    static func check(_ info: Int32, _ routine: String) throws {
        if info < 0 { throw LinalgError.illegalArgument(routine: routine, argument: Int(-info)) }
        if info > 0 {
            if routine == "dgesdd" { throw LinalgError.noConvergence(routine: routine, info: Int(info)) }
            throw LinalgError.singularMatrix(routine: routine, pivot: Int(info))
        }
    }
}
