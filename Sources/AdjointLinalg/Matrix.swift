import AdjointCore
import CAdjointSupport
import CAdjointVectorMath
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dense matrix of Double or Float, stored **row-major**: element (i, j) is `elements[i * cols + j]`.
///
/// Row-major matches how `[[Double]]` Jacobians and batches of samples (one sample per row) are
/// written, and CBLAS/LAPACKE take it directly (`CblasRowMajor`, `LAPACK_ROW_MAJOR`), so no
/// conversion copies are made. A value type: copies share storage until written.
///
/// ```swift
/// let a = try Matrix<Double>([[1, 2], [3, 4]])
/// let b = try a.matmul(a, transposeOther: true)   // A·Aᵀ = [[5, 11], [11, 25]], no copy of Aᵀ
/// a[1, 0]                                          // 3
/// ```
public struct Matrix<Scalar: LinalgScalar>: Equatable, Sendable, CustomStringConvertible {
    /// Number of rows (samples, when a matrix holds a batch).
    public let rows: Int
    /// Number of columns (features).
    public let cols: Int
    /// Row-major elements, `rows * cols` of them.
    public internal(set) var elements: [Scalar]

    /// Wraps row-major elements; throws when their count is not rows·cols or a size is negative.
    ///
    /// ```swift
    /// let m = try Matrix<Double>(rows: 2, cols: 3, elements: [1, 2, 3, 4, 5, 6])
    /// ```
    public init(rows: Int, cols: Int, elements: [Scalar]) throws {
        let n = try Matrix.elementCount(rows, cols)
        try requireEqual("element count of a \(rows)×\(cols) matrix", n, elements.count)
        self.rows = rows; self.cols = cols; self.elements = elements
    }

    /// Builds a matrix from its rows; throws when the rows have different lengths.
    ///
    /// ```swift
    /// let m = try Matrix<Double>([[1, 2], [3, 4]])
    /// ```
    public init(_ rowArrays: [[Scalar]]) throws {
        let c = rowArrays.first?.count ?? 0
        for (i, r) in rowArrays.enumerated() where r.count != c {
            throw ADError.dimensionMismatch(what: "length of row \(i)", expected: c, got: r.count)
        }
        self.rows = rowArrays.count; self.cols = c
        self.elements = rowArrays.flatMap { $0 }
    }

    /// A rows×cols matrix of zeros; throws on a negative size.
    ///
    /// ```swift
    /// let z = try Matrix<Float>.zeros(2, 3)
    /// ```
    public static func zeros(_ rows: Int, _ cols: Int) throws -> Matrix {
        try Matrix(rows: rows, cols: cols, elements: Scalar.makeElements(.inPackage, count: elementCount(rows, cols), repeating: 0))
    }

    /// rows·cols, or a typed error for a negative size or one whose element count overflows.
    static func elementCount(_ rows: Int, _ cols: Int) throws -> Int {
        guard rows >= 0, cols >= 0 else {
            throw ADError.invalidArgument("matrix size \(rows)×\(cols) has a negative dimension")
        }
        let (n, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard !overflow, n <= Int(Int32.max) else {
            throw ADError.limitExceeded(what: "element count of a \(rows)×\(cols) matrix", limit: Int(Int32.max))
        }
        return n
    }

    /// Internal constructor for sizes already validated by the caller.
    init(uncheckedRows rows: Int, cols: Int, repeating v: Scalar = 0) {
        self.rows = rows; self.cols = cols
        self.elements = Scalar.makeElements(.inPackage, count: rows * cols, repeating: v)
    }

    init(uncheckedRows rows: Int, cols: Int, elements: [Scalar]) {
        self.rows = rows; self.cols = cols; self.elements = elements
    }

    /// The number of elements.
    public var count: Int { rows * cols }
    /// "rows×cols", for error messages that name both shapes.
    var shapeText: String { "\(rows)×\(cols)" }
    /// Whether the shape equals `other`'s.
    public func hasShape(of other: Matrix) -> Bool { rows == other.rows && cols == other.cols }

    /// Element (i, j). A row or column out of range traps, as `Array`'s subscript does: indices
    /// here are the program's own (loop bounds, shapes it built). For indices read from input,
    /// use ``element(_:_:)``, which throws instead.
    ///
    /// Why a trap and not a thrown error: a subscript with a setter cannot throw, and the element
    /// accessor of a value type is the place Swift's collections trap on a programming error. What
    /// it must not do is what it did: check only the flat index, so on a 2×3 matrix `m[0, 5]`
    /// read element (1, 2) and `m[1, -1]` element (0, 2) with no error. Each index is checked on
    /// its own.
    ///
    /// ```swift
    /// let m = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
    /// m[1, 2]   // 6
    /// ```
    public subscript(i: Int, j: Int) -> Scalar {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "index (\(i), \(j)) outside a \(rows)×\(cols) matrix")
            return elements[i * cols + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "index (\(i), \(j)) outside a \(rows)×\(cols) matrix")
            elements[i * cols + j] = newValue
        }
    }

    /// Element (i, j), or ``ADError/invalidArgument(_:)`` naming the index and the shape when the
    /// row or the column is out of range: the accessor for indices that come from input.
    ///
    /// ```swift
    /// let m = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
    /// try m.element(1, 2)   // 6
    /// try m.element(0, 5)   // throws: column 5 is outside 0..<3
    /// ```
    public func element(_ i: Int, _ j: Int) throws -> Scalar {
        guard i >= 0 && i < rows else {
            throw ADError.invalidArgument("row \(i) is outside 0..<\(rows) of a \(rows)×\(cols) matrix")
        }
        guard j >= 0 && j < cols else {
            throw ADError.invalidArgument("column \(j) is outside 0..<\(cols) of a \(rows)×\(cols) matrix")
        }
        return elements[i * cols + j]
    }

    /// The rows as nested arrays (the shape of ``JacobianResult/jacobian``).
    public var rowArrays: [[Scalar]] {
        (0..<rows).map { Array(elements[($0 * cols)..<(($0 + 1) * cols)]) }
    }

    /// A materialised transpose. Products never need it: pass `transposeSelf`/`transposeOther`
    /// to ``matmul(_:transposeSelf:transposeOther:)`` and BLAS reads the matrix transposed in place.
    public func transposed() -> Matrix {
        var t = Matrix(uncheckedRows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t.elements[j * rows + i] = elements[i * cols + j] } }
        return t
    }

    /// The shape and the rows, for printing.
    public var description: String {
        "Matrix<\(Scalar.self)>(\(rows)×\(cols)) " + rowArrays.map { "\($0)" }.joined(separator: "\n")
    }

    // MARK: Products

    /// op(self)·op(other) by one `dgemm`/`sgemm`; the transposes are BLAS flags, not copies.
    /// Counted as 2·m·n·k flops and one matmul. Throws when the inner sizes differ.
    ///
    /// ```swift
    /// let a = try Matrix<Double>([[1, 2], [3, 4]])
    /// try a.matmul(a, transposeSelf: true)   // AᵀA = [[10, 14], [14, 20]]
    /// ```
    public func matmul(_ other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Matrix {
        try Matrix.product(self, transposeSelf, other, transposeOther)
    }

    /// op(A)·op(B) with the shape check; internal entry used by the tape and the dual as well.
    static func product(_ a: Matrix, _ ta: Bool, _ b: Matrix, _ tb: Bool,
                        pool: MatrixBufferPool<Scalar>? = nil) throws -> Matrix {
        let (m, k) = ta ? (a.cols, a.rows) : (a.rows, a.cols)
        let (k2, n) = tb ? (b.cols, b.rows) : (b.rows, b.cols)
        try requireEqual("inner dimension in matmul (\(m)×\(k) · \(k2)×\(n))", k, k2)
        _ = try elementCount(m, n)
        // Every matrix program's first product is a primal one, through here: refused with a
        // typed error when OpenBLAS runs kernels this CPU cannot (BLAS.unrunnableCore).
        try BLAS.requireRunnableCore()
        var c = pool?.matrix(m, n) ?? Matrix(uncheckedRows: m, cols: n)
        gemm(into: &c, a, ta, b, tb, beta: 0)
        return c
    }

    /// c ← op(a)·op(b) + β·c, shapes already checked. The one place a product is counted.
    static func gemm(into c: inout Matrix, _ a: Matrix, _ ta: Bool, _ b: Matrix, _ tb: Bool, beta: Scalar) {
        let m = c.rows, n = c.cols, k = ta ? a.rows : a.cols
        MatrixCounters.matmul(m: m, n: n, k: k)
        BLAS.noteCoreOnce()
        // The derivative rules' products come after a primal product, which threw the typed error
        // (BLAS.requireRunnableCore). Should one be reached first anyway, it gives NaN, which the
        // tapes' and forward mode's finiteness checks report, rather than a SIGILL or a trap.
        if BLAS.unrunnableCore != nil {
            for i in 0..<c.elements.count { c.elements[i] = Scalar(Double.nan) }
            return
        }
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if beta == 0 { for i in 0..<c.elements.count { c.elements[i] = 0 } }
            return
        }
        BLAS.mapWorkBuffersOnce()
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else { return }
                    // β = 0 is cleared here and passed as β = 1: OpenBLAS 0.3.21 clears c for β = 0
                    // in a pass of its own with scalar stores (sgemm_beta, 7–8% of a depth-8 f32
                    // training step), where a memset runs at cache speed. The same bits either
                    // way: its kernel then adds the product to the zeros in both cases. memset, since
                    // this function is not always specialised and a generic fill costs a witness
                    // call per element (it made the forward pass 16% slower).
                    var effectiveBeta = beta
                    if beta == 0 {
                        memset(cp, 0, pc.count * MemoryLayout<Scalar>.stride)
                        effectiveBeta = 1
                    }
                    Scalar.gemm(.inPackage, transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1,
                                a: ap, lda: Swift.max(1, a.cols), b: bp, ldb: Swift.max(1, b.cols),
                                beta: effectiveBeta, c: cp, ldc: Swift.max(1, n))
                }
            }
        }
        // The range recovery reads the calling thread's underflow flag, and OpenBLAS computes part
        // of a large product on worker threads whose flags no one reads: with two threads, a
        // 128×128 product whose last 8 columns underflowed raised nothing here, and a lost adjoint
        // stayed 0. Below the least normal number only a product a_ik·b_kj loses anything (a sum of
        // floats that small is exact), so the smallest nonzero |a_ik|·|b_kj| for each k decides,
        // and the flag is raised here for it. It may be raised where an FMA kernel absorbed the
        // tiny product into a large sum without flagging: that costs the lifted passes, which
        // then change nothing. Only inside a pass that reads the flag: the scan of both operands of
        // a 64×256 by 256×256 product took 4.5–5.4 µs in Float (C probe, one core, this machine).
        if adjoint_blas_watched() != 0, BLAS.threadCount > 1, adjoint_underflow_raised() == 0,
           someProductUnderflows(a, ta, b, tb, k: k) {
            adjoint_underflow_raise()
        }
    }

    /// The smallest nonzero |x_ij|: +∞ when every element is 0.
    static func leastNonzeroMagnitude(_ x: Matrix) -> Scalar {
        x.elements.withUnsafeBufferPointer { e in
            if let base = UnsafeRawPointer(e.baseAddress) {
                if Scalar.self == Double.self {
                    return Scalar(adjoint_least_nonzero_magnitude_f64(base.assumingMemoryBound(to: Double.self), e.count))
                }
                if Scalar.self == Float.self {
                    return Scalar(adjoint_least_nonzero_magnitude_f32(base.assumingMemoryBound(to: Float.self), e.count))
                }
            }
            return e.lazy.map(\.magnitude).filter { $0 != 0 }.min() ?? .infinity
        }
    }

    /// Whether some product a_ik·b_kj of op(a)·op(b) is nonzero and below the least normal
    /// number: the smallest nonzero magnitude of op(a)'s column k times that of op(b)'s row k.
    /// One pass over each operand, a small part of the product's m·n·k.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    private static func someProductUnderflows(_ a: Matrix, _ ta: Bool, _ b: Matrix, _ tb: Bool, k: Int) -> Bool {
        func smallestNonzero(_ x: Matrix, perRow: Bool) -> [Scalar] {
            var least = [Scalar](repeating: .infinity, count: k)
            let cols = x.cols
            x.elements.withUnsafeBufferPointer { e in
                least.withUnsafeMutableBufferPointer { l in
                    for r in 0..<x.rows {
                        for c in 0..<cols {
                            let v = e[r * cols + c].magnitude
                            let kk = perRow ? r : c
                            if v != 0, v < l[kk] { l[kk] = v }
                        }
                    }
                }
            }
            return least
        }
        // The two smallest magnitudes first, by the vectorised scan: almost every product passes
        // there, and the per-k minima below (a strided, branching pass) are for the rest.
        guard leastNonzeroMagnitude(a) * leastNonzeroMagnitude(b) < Scalar.leastNormalMagnitude else { return false }
        // op(a) is m×k: k indexes a's columns, or its rows when transposed; op(b) is k×n.
        let leastA = smallestNonzero(a, perRow: ta), leastB = smallestNonzero(b, perRow: !tb)
        // Two nonzero magnitudes whose product is below the least normal number (0 included,
        // where it underflowed all the way); an overflow to +∞ is not below it.
        return zip(leastA, leastB).contains { $0 * $1 < Scalar.leastNormalMagnitude }
    }

    /// op(self)·x by one `dgemv`/`sgemv`. Counted as 2·m·n flops.
    ///
    /// ```swift
    /// try Matrix<Double>([[1, 2], [3, 4]]).multiply(vector: [1, 1])                   // [3, 7]
    /// try Matrix<Double>([[1, 2], [3, 4]]).multiply(vector: [1, 1], transposed: true) // [4, 6]
    /// ```
    public func multiply(vector x: [Scalar], transposed: Bool = false) throws -> [Scalar] {
        let (outCount, inCount) = transposed ? (cols, rows) : (rows, cols)
        try requireEqual("vector length in a matrix–vector product (\(transposed ? "transposed " : "")\(shapeText) matrix, "
                         + "vector of \(x.count))", inCount, x.count)
        try BLAS.requireRunnableCore()
        var y = [Scalar](repeating: 0, count: outCount)
        MatrixCounters.record("matvec", flops: 2 * rows * cols)
        guard rows > 0, cols > 0 else { return y }
        elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    guard let ap = pa.baseAddress, let xp = px.baseAddress, let yp = py.baseAddress else { return }
                    Scalar.gemv(.inPackage, transpose: transposed, m: rows, n: cols, alpha: 1, a: ap, lda: cols,
                                x: xp, beta: 0, y: yp)
                }
            }
        }
        return y
    }

    // MARK: Elementwise through the registry

    /// Applies a scalar registry op to every element, with the registry's own primal
    /// (`Rules.primal`). Binary ops whose second input is a parameter (`leaky_relu`'s slope,
    /// `elu`'s alpha) take it from `parameter`, by default the registry's conventional value
    /// (``OpInfo/defaultParameter``: 0.01 and 1); `powi` takes `exponent`.
    ///
    /// ```swift
    /// let t = try Matrix<Double>([[0, 1]]).map(.tanh)   // [[0, tanh 1]]
    /// ```
    public func map(_ op: Op, parameter: Scalar? = nil, exponent: Int = 0) throws -> Matrix {
        let a = try ElementwiseSpec(op: op, parameter: parameter, exponent: exponent)
        return try a.applyChecked(self, node: nil)
    }

    /// self + other, same shape.
    public func adding(_ other: Matrix) throws -> Matrix { try MatrixRules.add(self, other, alpha: 1) }
    /// self − other, same shape.
    public func subtracting(_ other: Matrix) throws -> Matrix { try MatrixRules.add(self, other, alpha: -1) }

    /// The first element that is NaN or infinite, as (row, column).
    public var firstNonFinite: (row: Int, col: Int)? {
        let k = elements.withUnsafeBufferPointer { Scalar.kernelFirstNonFinite(.inPackage, $0) }
        return k < 0 ? nil : (k / Swift.max(cols, 1), k % Swift.max(cols, 1))
    }

    /// The first negative element, as (row, column).
    var firstNegative: (Int, Int)? {
        guard let k = elements.firstIndex(where: { $0 < 0 }) else { return nil }
        return (k / Swift.max(cols, 1), k % Swift.max(cols, 1))
    }

    /// Runs `body` with read access to the row-major elements.
    public func withUnsafeElements<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer(body)
    }
}

/// A validated elementwise activation: a scalar registry op plus its constant parameter.
///
/// ```swift
/// let spec = try ElementwiseSpec<Double>(op: .leakyRelu, parameter: 0.2)
/// try ElementwiseSpec<Double>(op: .elu).parameter   // 1, ELU's conventional α
/// ```
public struct ElementwiseSpec<Scalar: LinalgScalar>: Sendable, Equatable {
    /// The scalar registry op applied per element.
    public let op: Op
    /// Second input of a binary op used as a parameter (leaky slope, elu alpha); 0 otherwise.
    public let parameter: Scalar
    /// `powi`'s exponent; 0 otherwise.
    public let exponent: Int

    /// Throws for ops that are not functions of one matrix element: leaves, and binary ops whose
    /// second input is not a parameter (`add`, `mul`, `max`, …). Without `parameter`, leaky ReLU's
    /// slope is 0.01 and ELU's α is 1 (``OpInfo/defaultParameter``, as `leaky_relu(x)` and
    /// `elu(x)` read in a formula); it was 0, which silently made both a ReLU.
    public init(op: Op, parameter: Scalar? = nil, exponent: Int = 0) throws {
        guard ElementwiseSpec.isElementwise(op) else {
            throw ADError.invalidArgument("\(op.info.name) is not an elementwise (unary) op; use leaky_relu/elu with a parameter or a unary op")
        }
        self.op = op; self.exponent = exponent
        self.parameter = parameter ?? op.info.defaultParameter.flatMap { Double($0) }.map { Scalar($0) } ?? 0
    }

    /// Whether `op` can be applied per element: every unary registry op, plus the binary ones whose
    /// second input is a constant parameter.
    public static func isElementwise(_ op: Op) -> Bool {
        op.arity == 1 || op == .leakyRelu || op == .elu
    }

    /// op applied to every element; the index of the first non-finite output, if any, is
    /// returned so callers can name the op and the input that caused it.
    func apply(_ x: Matrix<Scalar>, node: Int? = nil, pool: MatrixBufferPool<Scalar>? = nil) -> (value: Matrix<Scalar>, firstNonFinite: Int?) {
        var z = pool?.matrix(x.rows, x.cols) ?? Matrix<Scalar>(uncheckedRows: x.rows, cols: x.cols)
        MatrixCounters.record(op.info.name, flops: x.count)
        let bad = x.elements.withUnsafeBufferPointer { px in
            z.elements.withUnsafeMutableBufferPointer { pz in
                Scalar.kernelMap(.inPackage, op, exponent: exponent, parameter: parameter, node: node, px, into: pz)
            }
        }
        return (z, bad < 0 ? nil : bad)
    }

    /// Applies the op and turns a non-finite result into a typed error naming the op, the
    /// element and, when the registry knows one, the domain violation.
    func applyChecked(_ x: Matrix<Scalar>, node: Int?, pool: MatrixBufferPool<Scalar>? = nil) throws -> Matrix<Scalar> {
        let (z, bad) = apply(x, node: node, pool: pool)
        if let i = bad { try fail(input: x.elements[i], at: i, cols: x.cols, node: node) }
        return z
    }

    /// The typed error for a non-finite output at element `i` whose input was `xi`: a domain
    /// error when the registry names one, else a non-finite value (a non-finite input passes).
    func fail(input xi: Scalar, at i: Int, cols: Int, node: Int?) throws {
        let at = "element (\(i / Swift.max(1, cols)), \(i % Swift.max(1, cols)))"
        if let reason = Rules.domainViolation(op, xi, parameter, exponent) {
            throw ADError.domain(op: op.info.name, node: node, inputs: [xi.approximateDouble],
                                 reason: reason + " at " + at)
        }
        if xi.isFinite {
            throw ADError.nonFinite(what: "value of \(op.info.name) at \(at)", op: op.info.name, node: node)
        }
    }

    /// A dense layer's bias and activation in one pass: pre = x + b (b broadcast over the rows)
    /// and z = op(pre), row by row, so each row is still in cache when the activation reads it.
    /// Counted as the two ops it replaces ("add_bias" and the activation's name).
    ///
    /// - Parameter keepPreactivation: return `pre` as its own matrix (the tape records it and the
    ///   derivatives of x-based rules need it); when false, z is computed in pre's place and no
    ///   second buffer is used.
    func applyWithBias(_ x: Matrix<Scalar>, _ bias: Matrix<Scalar>, node: Int?, keepPreactivation: Bool,
                       pool: MatrixBufferPool<Scalar>?) throws -> (z: Matrix<Scalar>, pre: Matrix<Scalar>?) {
        try requireBias(x, bias)
        let (rows, cols) = (x.rows, x.cols)
        var z = pool?.matrix(rows, cols) ?? Matrix<Scalar>(uncheckedRows: rows, cols: cols)
        var pre = keepPreactivation ? (pool?.matrix(rows, cols) ?? Matrix<Scalar>(uncheckedRows: rows, cols: cols)) : nil
        MatrixCounters.record("add_bias", flops: x.count)
        MatrixCounters.record(op.info.name, flops: x.count)
        var firstBad = -1
        x.elements.withUnsafeBufferPointer { px in
            bias.elements.withUnsafeBufferPointer { pb in
                z.elements.withUnsafeMutableBufferPointer { pz in
                    func pass(_ target: UnsafeMutableBufferPointer<Scalar>) {
                        for r in 0..<rows {
                            let row = r * cols
                            let xr = UnsafeBufferPointer(rebasing: px[row..<(row + cols)])
                            let tr = UnsafeMutableBufferPointer(rebasing: target[row..<(row + cols)])
                            let zr = UnsafeMutableBufferPointer(rebasing: pz[row..<(row + cols)])
                            Scalar.kernelAddRow(.inPackage, xr, pb, cols: cols, into: tr)
                            // Element by element in place when tr is zr: each output reads only its own input.
                            let bad = Scalar.kernelMap(.inPackage, op, exponent: exponent, parameter: parameter, node: node,
                                                       UnsafeBufferPointer(tr), into: zr)
                            if bad >= 0 && firstBad < 0 { firstBad = row + bad }
                        }
                    }
                    if pre == nil {
                        pass(pz)
                    } else {
                        pre?.elements.withUnsafeMutableBufferPointer { pass($0) }
                    }
                }
            }
        }
        if firstBad >= 0 {
            try fail(input: x.elements[firstBad] + bias.elements[firstBad % cols], at: firstBad, cols: cols, node: node)
        }
        return (z, pre)
    }

    /// s ← s ⊙ op′(x) in s's own storage: the reverse sweep owns the cotangent it is done with,
    /// so the activation's VJP needs no new buffer.
    func chainInPlace(x: Matrix<Scalar>, z: Matrix<Scalar>, _ s: inout Matrix<Scalar>, _ direction: ChainDirection, suffix: String) {
        MatrixCounters.record(op.info.name + suffix, flops: x.count)
        x.elements.withUnsafeBufferPointer { px in
            z.elements.withUnsafeBufferPointer { pz in
                s.elements.withUnsafeMutableBufferPointer { ps in
                    Scalar.kernelChain(.inPackage, op, direction, exponent: exponent, parameter: parameter, x: px, z: pz,
                                       UnsafeBufferPointer(ps), into: ps)
                }
            }
        }
    }

    /// s ⊙ op′(x), using the saved outputs z (for the output-based rules like tanh′ = 1 − z²),
    /// formed as `direction`'s scalar mode forms it (``ChainDirection``).
    func chain(x: Matrix<Scalar>, z: Matrix<Scalar>, _ s: Matrix<Scalar>, _ direction: ChainDirection, suffix: String,
               pool: MatrixBufferPool<Scalar>? = nil) -> Matrix<Scalar> {
        var d = pool?.matrix(x.rows, x.cols) ?? Matrix<Scalar>(uncheckedRows: x.rows, cols: x.cols)
        MatrixCounters.record(op.info.name + suffix, flops: x.count)
        x.elements.withUnsafeBufferPointer { px in
            z.elements.withUnsafeBufferPointer { pz in
                s.elements.withUnsafeBufferPointer { ps in
                    d.elements.withUnsafeMutableBufferPointer { pd in
                        Scalar.kernelChain(.inPackage, op, direction, exponent: exponent, parameter: parameter, x: px, z: pz, ps, into: pd)
                    }
                }
            }
        }
        return d
    }
}

/// The shape check of add_bias, naming both shapes: the bias must be 1×n for an m×n x.
func requireBias<S: LinalgScalar>(_ x: Matrix<S>, _ bias: Matrix<S>) throws {
    var shapes: String { "(x \(x.shapeText), bias \(bias.shapeText); a bias is 1×n for an m×n x)" }
    try requireEqual("bias rows in add_bias \(shapes)", 1, bias.rows)
    try requireEqual("bias columns in add_bias \(shapes)", x.cols, bias.cols)
}

/// The message is an autoclosure: built only when the sizes differ, since the shape checks run on
/// every op and a message naming both shapes costs string building each time.
@inline(__always)
func requireEqual(_ what: @autoclosure () -> String, _ expected: Int, _ got: Int) throws {
    if expected != got { throw ADError.dimensionMismatch(what: what(), expected: expected, got: got) }
}
