import AdjointCore
import CLapack

/// A scalar that dense matrices can hold: Double (BLAS `d…` routines) or Float (`s…`).
///
/// The protocol is also where the per-element kernels live. Each kernel is a requirement with one
/// generic implementation in ``LinalgScalar``'s extension (``Kernels.swift``); because the
/// conformances of Double and Float are in this module, the compiler emits a specialised copy of
/// every kernel for each type. Generic matrix code elsewhere (the tape, the dual, user code in
/// another module) then pays one witness-table call per *matrix* op, never per element.
///
/// ```swift
/// let c = try Matrix<Double>([[1, 2]]).matmul(Matrix([[3], [4]]))   // [[11]]
/// ```
///
/// The BLAS calls and kernels work on raw buffers and check no sizes (``Matrix`` checks them
/// first), so each takes a ``LinalgKernelAccess`` that only code in this package can create:
/// other modules can use the protocol as a constraint but cannot call a kernel.
public protocol LinalgScalar: ADScalar, BinaryFloatingPoint, Sendable {
    /// C ← α·op(A)·op(B) + β·C on row-major buffers; `op` transposes when the flag is set, so a
    /// transpose never needs a copy. op(A) is m×k, op(B) is k×n, C is m×n.
    static func gemm(_ access: LinalgKernelAccess, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// y ← α·op(A)·x + β·y for a row-major m×n matrix A.
    static func gemv(_ access: LinalgKernelAccess, transpose: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)

    // Kernels: see Kernels.swift for the single implementation of each.

    /// z[i] = op(x[i]) through `Rules.primal`; returns the first i whose z[i] is NaN or
    /// infinite, or −1. Elements at a kink of op (relu at 0, …) are reported to ``Diagnostics``
    /// with `node`, as the scalar modes report theirs. `z` may be `x`'s own memory.
    static func kernelMap(_ access: LinalgKernelAccess, _ op: Op, exponent: Int, parameter: Self, node: Int?,
                          _ x: UnsafeBufferPointer<Self>, into z: UnsafeMutableBufferPointer<Self>) -> Int
    /// d[i] = ∂op/∂x (x[i]) · s[i] through `Rules.partials`, given the outputs z, formed as the
    /// scalar mode of `direction` forms it (see ``ChainDirection``). `d` may be `s`'s own memory.
    static func kernelChain(_ access: LinalgKernelAccess, _ op: Op, _ direction: ChainDirection, exponent: Int, parameter: Self,
                            x: UnsafeBufferPointer<Self>, z: UnsafeBufferPointer<Self>, _ s: UnsafeBufferPointer<Self>,
                            into d: UnsafeMutableBufferPointer<Self>)
    /// Elementwise z = a + α·b.
    static func kernelAxpy(_ access: LinalgKernelAccess, _ a: UnsafeBufferPointer<Self>, _ alpha: Self, _ b: UnsafeBufferPointer<Self>,
                           into z: UnsafeMutableBufferPointer<Self>)
    /// z[r, c] = x[r, c] + b[c] for a row-major rows×cols x.
    static func kernelAddRow(_ access: LinalgKernelAccess, _ x: UnsafeBufferPointer<Self>, _ b: UnsafeBufferPointer<Self>, cols: Int,
                             into z: UnsafeMutableBufferPointer<Self>)
    /// Sums of a rows×cols matrix: all, per column (1×cols) or per row (rows×1), times `scale`,
    /// the product taken in Double and rounded to Self once.
    static func kernelReduce(_ access: LinalgKernelAccess, _ x: UnsafeBufferPointer<Self>, rows: Int, cols: Int, _ how: Reduction,
                             scale: Double, into z: UnsafeMutableBufferPointer<Self>)
    /// The transpose of a reduction: spreads the reduced g back over rows×cols, times `scale`.
    static func kernelBroadcast(_ access: LinalgKernelAccess, _ g: UnsafeBufferPointer<Self>, rows: Int, cols: Int, _ how: Reduction,
                                scale: Self, into z: UnsafeMutableBufferPointer<Self>)
    /// Per row r: lse[r] = log Σ_c exp(x[r, c]) with the row maximum subtracted first, and
    /// p[r, c] = exp(x[r, c] − lse[r]) (the softmax).
    static func kernelSoftmax(_ access: LinalgKernelAccess, _ x: UnsafeBufferPointer<Self>, rows: Int, cols: Int,
                              lse: UnsafeMutableBufferPointer<Self>, p: UnsafeMutableBufferPointer<Self>)
    /// The row-wise products the softmax family's JVPs and VJPs need, given the softmax p;
    /// see ``RowChain`` for the forms.
    static func kernelRowChain(_ access: LinalgKernelAccess, _ form: RowChain, p: UnsafeBufferPointer<Self>, _ s: UnsafeBufferPointer<Self>,
                               rows: Int, cols: Int, into d: UnsafeMutableBufferPointer<Self>)
    /// scale · Σᵢ ℓ(x[i], t[i]) for an elementwise loss, the product taken in Double and rounded
    /// to Self once (a mean's 1/n brings back a sum that only Double can hold).
    static func kernelLoss(_ access: LinalgKernelAccess, _ loss: ElementwiseLoss, parameter: Self, scale: Double,
                           _ x: UnsafeBufferPointer<Self>, _ t: UnsafeBufferPointer<Self>) -> Self
    /// d[i] = scale · ∂ℓ/∂x (x[i], t[i]).
    static func kernelLossDerivative(_ access: LinalgKernelAccess, _ loss: ElementwiseLoss, parameter: Self, scale: Self,
                                     _ x: UnsafeBufferPointer<Self>, _ t: UnsafeBufferPointer<Self>,
                                     into d: UnsafeMutableBufferPointer<Self>)
    /// `count` copies of `value`, filled by specialised code (a generic `Array(repeating:)` copies
    /// element by element through value witnesses, which showed up at 10% of a backward pass).
    static func makeElements(_ access: LinalgKernelAccess, count: Int, repeating value: Self) -> [Self]
    /// The first index whose element is NaN or infinite, or −1.
    static func kernelFirstNonFinite(_ access: LinalgKernelAccess, _ x: UnsafeBufferPointer<Self>) -> Int
    /// Σᵢ a[i]·b[i].
    static func kernelDot(_ access: LinalgKernelAccess, _ a: UnsafeBufferPointer<Self>, _ b: UnsafeBufferPointer<Self>) -> Self
}

/// The key to ``LinalgScalar``'s raw-buffer kernels, which check no sizes.
///
/// Swift gives a protocol's requirements the protocol's own access level, so the kernels cannot be
/// `package` themselves; a parameter of this type, whose only initializer is `package`, restricts
/// their callers to the Adjoint package instead. Outside it the type is visible but unconstructible.
///
/// ```swift
/// // inside the package only:
/// let zeros = Double.makeElements(.inPackage, count: 4, repeating: 0)
/// ```
public struct LinalgKernelAccess: Sendable {
    package init() {}
    /// The token package code passes.
    package static let inPackage = LinalgKernelAccess()
}

@inline(__always) private func blasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Double: LinalgScalar {
    /// `cblas_dgemm`, row-major.
    public static func gemm(_ access: LinalgKernelAccess, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, blasTranspose(transposeA), blasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    /// `cblas_dgemv`, row-major, unit strides.
    public static func gemv(_ access: LinalgKernelAccess, transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, blasTranspose(transpose), Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
}

extension Float: LinalgScalar {
    /// `cblas_sgemm`, row-major.
    public static func gemm(_ access: LinalgKernelAccess, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, blasTranspose(transposeA), blasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    /// `cblas_sgemv`, row-major, unit strides.
    public static func gemv(_ access: LinalgKernelAccess, transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, blasTranspose(transpose), Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
}

/// Controls for the BLAS library behind the matrix ops.
///
/// ```swift
/// BLAS.setThreadCount(1)   // single-threaded, so timings do not depend on the core count
/// ```
public enum BLAS {
    /// Sets how many threads OpenBLAS uses. `OPENBLAS_NUM_THREADS` is read when the library
    /// loads, so setting the environment variable from inside the process is too late; this call is not.
    public static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(Swift.max(1, n))) }
    /// The number of threads OpenBLAS currently uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
}
