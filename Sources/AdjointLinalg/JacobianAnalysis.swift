import AdjointCore
import CLapack

/// A LAPACK routine that failed, as a typed error (LAPACK's `info` code, translated).
///
/// ```swift
/// do { _ = try JacobianAnalysis.solve([[1, 2], [2, 4]], [1, 1]) }
/// catch let e as LinalgError { print(e) }   // "dgesv: the matrix is singular (U[2,2] = 0) …"
/// ```
public enum LinalgError: Error, Equatable, Sendable, CustomStringConvertible {
    /// LU found an exactly zero pivot (1-based, as LAPACK reports it): no unique solution.
    case singularMatrix(routine: String, pivot: Int)
    /// The SVD's iteration did not converge (`info` > 0 from dgesdd).
    case noConvergence(routine: String, info: Int)
    /// LAPACK rejected argument number `argument` (`info` < 0): a bug on our side, reported rather than hidden.
    case illegalArgument(routine: String, argument: Int)

    /// What failed and what to do about it.
    public var description: String {
        switch self {
        case let .singularMatrix(r, p):
            return "\(r): the matrix is singular (U[\(p),\(p)] = 0); no unique solution — check the rank with JacobianAnalysis"
        case let .noConvergence(r, info):
            return "\(r): the singular value iteration did not converge (info = \(info))"
        case let .illegalArgument(r, a):
            return "\(r): LAPACK rejected argument \(a)"
        }
    }
}

/// Linear-algebra facts about a Jacobian, from LAPACKE: singular values, numerical rank,
/// 2-norm condition number, and for square Jacobians the determinant (via LU).
///
/// Takes Jacobians as the toolkit returns them (``JacobianResult/jacobian``: rows are outputs).
///
/// - Numerical rank: the number of singular values above
///   τ = max(m, n) · ε · σ_max (ε = 2⁻⁵², the convention of MATLAB's and NumPy's `rank`): a
///   singular value below τ is indistinguishable from rounding noise of a matrix of that size.
/// - Condition number: κ₂ = σ_max / σ_min with σ_min the smallest of the min(m, n) singular
///   values; +∞ when the matrix is numerically rank-deficient (σ_min ≤ τ), since the computed
///   ratio would then be rounding noise (≈ 1/ε) rather than a property of the Jacobian.
/// - Determinant: product of U's diagonal from `dgetrf` times the pivot sign; an exactly zero pivot
///   gives det = 0 (that is an answer, not an error). log|det| sums log|U_ii| so it neither
///   overflows nor underflows where det itself would.
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
    /// In decreasing order, min(m, n) of them.
    public let singularValues: [Double]
    /// Singular values above ``rankTolerance``.
    public let rank: Int
    /// τ = max(m, n) · ε · σ_max.
    public let rankTolerance: Double
    /// κ₂ = σ_max / σ_min (+∞ when numerically rank-deficient).
    public let conditionNumber: Double
    /// det J, for square J.
    public let determinant: Double?
    /// log |det J| (−∞ when singular), for square J.
    public let logAbsDeterminant: Double?
    /// The sign of det J (−1, 0 or 1), for square J.
    public let determinantSign: Double?

    /// Analyses `jacobian` (rows are outputs). Throws for ragged rows, NaN/infinite entries or a LAPACK failure.
    public init(_ jacobian: [[Double]]) throws {
        let a = try JacobianAnalysis.checked(jacobian)
        rows = a.rows; cols = a.cols
        singularValues = try JacobianAnalysis.singularValues(a)
        let tau = JacobianAnalysis.tolerance(singularValues, rows, cols)
        rankTolerance = tau
        rank = singularValues.filter { $0 > tau }.count
        conditionNumber = JacobianAnalysis.condition(singularValues, tau)
        if rows == cols {
            let (l, s) = try JacobianAnalysis.luLogDet(a)
            logAbsDeterminant = l; determinantSign = s
            determinant = s == 0 ? 0 : s * Double.exp(l)
        } else {
            logAbsDeterminant = nil; determinantSign = nil; determinant = nil
        }
    }

    /// Singular values of `matrix`, largest first (LAPACKE `dgesdd`, values only).
    ///
    /// ```swift
    /// try JacobianAnalysis.singularValues(of: [[3, 0], [4, 5]])   // [3√5, √5]
    /// ```
    public static func singularValues(of matrix: [[Double]]) throws -> [Double] {
        try singularValues(checked(matrix))
    }

    /// The numerical rank: singular values above `tolerance` (default max(m, n)·ε·σ_max).
    public static func numericalRank(of matrix: [[Double]], tolerance: Double? = nil) throws -> Int {
        let a = try checked(matrix)
        let s = try singularValues(a)
        let tau = tolerance ?? self.tolerance(s, a.rows, a.cols)
        return s.filter { $0 > tau }.count
    }

    /// κ₂ = σ_max / σ_min; +∞ when the matrix is numerically rank-deficient.
    public static func conditionNumber(of matrix: [[Double]]) throws -> Double {
        let a = try checked(matrix)
        let s = try singularValues(a)
        return condition(s, tolerance(s, a.rows, a.cols))
    }

    /// det of a square matrix via LU (`dgetrf`); 0 for an exactly singular one.
    ///
    /// ```swift
    /// try JacobianAnalysis.determinant(of: [[1, 2], [3, 4]])   // −2
    /// ```
    public static func determinant(of matrix: [[Double]]) throws -> Double {
        let (l, s) = try logAbsDeterminant(of: matrix)
        return s == 0 ? 0 : s * Double.exp(l)
    }

    /// (log|det|, sign) of a square matrix via LU; (−∞, 0) when singular.
    public static func logAbsDeterminant(of matrix: [[Double]]) throws -> (logAbs: Double, sign: Double) {
        let a = try checked(matrix)
        try requireEqual("columns of a matrix whose determinant is asked (it must be square)", a.rows, a.cols)
        return try luLogDet(a)
    }

    /// The solution x of A·x = b (`dgesv`, LU with partial pivoting).
    /// - Throws: ``LinalgError/singularMatrix(routine:pivot:)`` when A is exactly singular;
    ///   ``ADError/nonFinite(what:op:node:)`` when the solution overflows.
    ///
    /// ```swift
    /// try JacobianAnalysis.solve([[2, 0], [0, 4]], [2, 2])   // [1, 0.5]
    /// ```
    public static func solve(_ matrix: [[Double]], _ b: [Double]) throws -> [Double] {
        var a = try checked(matrix)
        try requireEqual("columns of a linear system's matrix (it must be square)", a.rows, a.cols)
        try requireEqual("right-hand side length", a.rows, b.count)
        if let j = b.firstIndex(where: { !$0.isFinite }) {
            throw ADError.nonFinite(what: "right-hand side entry \(j)", op: nil, node: nil)
        }
        let n = a.rows
        if n == 0 { return [] }
        var x = b
        var pivots = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), 1, &a.elements, Int32(n), &pivots, &x, 1)
        try check(info, "dgesv")
        if let j = x.firstIndex(where: { !$0.isFinite }) {
            throw ADError.nonFinite(what: "solution entry \(j) (the matrix is numerically singular)", op: "dgesv", node: nil)
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

    static func tolerance(_ s: [Double], _ m: Int, _ n: Int) -> Double {
        Double(Swift.max(m, n)) * Double.ulpOfOne * (s.first ?? 0)
    }

    static func condition(_ s: [Double], _ tau: Double) -> Double {
        guard let hi = s.first, let lo = s.last else { return 0 }
        return lo <= tau ? .infinity : hi / lo
    }

    static func luLogDet(_ matrix: Matrix<Double>) throws -> (Double, Double) {
        var a = matrix
        let n = a.rows
        if n == 0 { return (0, 1) }
        var pivots = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), &a.elements, Int32(n), &pivots)
        if info > 0 { return (-.infinity, 0) }   // an exactly zero pivot: det = 0
        try check(info, "dgetrf")
        var logAbs = 0.0, sign = 1.0
        for i in 0..<n {
            let u = a[i, i]
            if u < 0 { sign = -sign }
            logAbs += Double.log(Swift.abs(u))
            if pivots[i] != Int32(i + 1) { sign = -sign }   // LAPACK pivots are 1-based row swaps
        }
        return (logAbs, sign)
    }

    static func check(_ info: Int32, _ routine: String) throws {
        if info < 0 { throw LinalgError.illegalArgument(routine: routine, argument: Int(-info)) }
        if info > 0 {
            if routine == "dgesdd" { throw LinalgError.noConvergence(routine: routine, info: Int(info)) }
            throw LinalgError.singularMatrix(routine: routine, pivot: Int(info))
        }
    }
}
