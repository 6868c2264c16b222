import CAdjointBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which OpenBLAS kernels run the matrix products, and what this CPU could run instead.
///
/// OpenBLAS picks its kernel family ("core") once, when it loads. Debian 12's 0.3.21 does not
/// recognise recent CPUs and falls back to older kernels (Prescott's SSE3 or Haswell's AVX2 on
/// CPUs with AVX-512), at 2–3.5× the time per gemm. The toolkit's own programs (`jac`, the demo,
/// the benchmarks) re-select the best core the CPU supports before `main` (target
/// `CAdjointBLASEntry`); a program that only links the library gets ``coreNote`` printed once, on
/// its first matrix product, saying what to set. Neither ever overrides `OPENBLAS_CORETYPE` when
/// the environment sets it, nor picks a core whose instructions the CPU lacks.
///
/// ```swift
/// BLAS.coreName        // the core OpenBLAS runs: "Haswell" where OPENBLAS_CORETYPE=Haswell is set
/// BLAS.preferredCore   // "SkylakeX" on a CPU with AVX-512, nil on one with SSE only
/// ```
extension BLAS {
    /// The core OpenBLAS uses now, or nil when the BLAS library is not OpenBLAS.
    public static var coreName: String? { adjoint_blas_current_core().map { String(cString: $0) } }

    /// The best OpenBLAS core this CPU's features (CPUID, and the OS-saved register state) allow,
    /// or nil when nothing beyond OpenBLAS's generic kernels is possible.
    public static var preferredCore: String? {
        adjoint_blas_preferred_core(adjoint_cpu_features_read()).map { String(cString: $0) }
    }

    /// The core OpenBLAS ran before an entry point switched it, or nil when nothing was switched.
    public static var coreBeforeSwitch: String? { adjoint_blas_core_before_switch().map { String(cString: $0) } }

    /// A sentence saying what to set when OpenBLAS runs a core below what this CPU supports; nil
    /// when it runs the best one (or is not OpenBLAS). When `OPENBLAS_CORETYPE` chose the slower
    /// core, the note says so and leaves the choice to whoever set it.
    public static var coreNote: String? {
        guard let current = coreName, let preferred = preferredCore,
              adjoint_blas_core_level(current) < adjoint_blas_core_level(preferred) else { return nil }
        if let set = getenv("OPENBLAS_CORETYPE"), set.pointee != 0 {
            return "note: OpenBLAS runs its \(current) kernels because the environment sets "
                + "OPENBLAS_CORETYPE=\(String(cString: set)); this CPU also supports \(preferred), "
                + "whose matrix products are about 2x faster. Left as set."
        }
        return "note: OpenBLAS is running its \(current) kernels on a CPU that supports \(preferred); "
            + "matrix products are 2-3x faster with OPENBLAS_CORETYPE=\(preferred) set in the environment "
            + "before the program starts (OpenBLAS reads it only when it loads)."
    }

    /// Prints ``coreNote`` to standard error, once per process.
    static func noteCoreOnce() { _ = printedCoreNote }

    private static let printedCoreNote: Bool = {
        guard let note = coreNote else { return false }
        let line = Array(("adjoint: " + note + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        return true
    }()
}
