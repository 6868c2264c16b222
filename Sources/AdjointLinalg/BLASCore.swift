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

    /// Why OpenBLAS's current core cannot run on a CPU with features `f`, as a typed error; nil
    /// when it can, or when the core is unknown (OpenBLAS then runs its generic kernels).
    ///
    /// Issue 15: the environment's `OPENBLAS_CORETYPE` is never overridden, and no core is picked
    /// that the CPU lacks the instructions for. OpenBLAS itself loads whatever core the variable
    /// names: `OPENBLAS_CORETYPE=SkylakeX` on an AVX2-only CPU killed the process with SIGILL at
    /// the first product, with no message (a review). Leaving the variable alone, the matrix
    /// operations refuse to call BLAS instead, saying what to set. Pure, so tests can feed it
    /// recorded CPUID feature sets.
    ///
    /// - Parameters:
    ///   - core: the core OpenBLAS runs (``coreName``).
    ///   - environment: the value of `OPENBLAS_CORETYPE`, if set.
    static func unrunnableCoreError(core: String?, environment: String?, features f: adjoint_cpu_features) -> LinalgError? {
        guard let core, !adjoint_blas_core_runs_on(core, f) else { return nil }
        let fma4Cores = ["bulldozer", "piledriver", "steamroller", "excavator"]
        let needs: [(String, Bool)]
        if fma4Cores.contains(core.lowercased()) && !f.fma4 {
            needs = [("FMA4", f.fma4)]
        } else {
            switch adjoint_blas_core_level(core) {
            case 3:
                needs = [("AVX-512F", f.avx512f), ("AVX-512DQ", f.avx512dq), ("AVX-512CD", f.avx512cd),
                         ("AVX-512BW", f.avx512bw), ("AVX-512VL", f.avx512vl),
                         ("AVX-512 register state saved by the OS", f.os_zmm), ("AVX2", f.avx2), ("FMA3", f.fma)]
            case 2:
                needs = [("AVX2", f.avx2), ("FMA3", f.fma), ("AVX", f.avx), ("AVX register state saved by the OS", f.os_ymm)]
            default:
                needs = [("AVX", f.avx), ("AVX register state saved by the OS", f.os_ymm)]
            }
        }
        let missing = needs.first { !$0.1 }?.0 ?? "an instruction set it needs"
        let best = adjoint_blas_preferred_core(f).map { String(cString: $0) }
        return .unrunnableBLASCore(core: core, missing: missing, environment: environment, supported: best)
    }

    /// ``unrunnableCoreError(core:environment:features:)`` for this process: OpenBLAS chooses its
    /// core once, when it loads, so this is decided once.
    static let unrunnableCore: LinalgError? = {
        #if arch(x86_64)
        let env = getenv("OPENBLAS_CORETYPE").flatMap { $0.pointee == 0 ? nil : String(cString: $0) }
        return unrunnableCoreError(core: coreName, environment: env, features: adjoint_cpu_features_read())
        #else
        return nil   // the levels and features describe x86-64 cores only
        #endif
    }()

    /// Throws ``LinalgError/unrunnableBLASCore(core:missing:environment:supported:)`` before a
    /// BLAS or LAPACK call that would stop the process with an illegal instruction.
    @inline(__always)
    static func requireRunnableCore() throws {
        if let e = unrunnableCore { throw e }
    }

    /// Maps the start of OpenBLAS's work buffers, once per thread, before its first product.
    ///
    /// OpenBLAS's Haswell/Zen sgemm kernel prefetches packed panels into pages of its work buffer
    /// that nothing writes; a prefetch into an unmapped page costs a page walk and leaves the page
    /// unmapped, so every call pays again. On a Zen 1 VM the depth-8 f32 MLP step took 15.6 ms in a
    /// fresh process and 6.5 ms once some dgemm had happened to touch those pages (which is why the
    /// benchmarks, whose first product is a dgemm, never showed it). Reading the first 4 MB of each
    /// buffer maps the kernel's zero page there: no memory, about 0.3 ms per buffer, once. The
    /// buffers of OpenBLAS's own worker threads (more than one BLAS thread) are out of reach: each
    /// worker takes its buffer when it starts and keeps it, and OpenBLAS has no call that returns it.
    @inline(__always)
    static func mapWorkBuffersOnce() { adjoint_blas_map_work_buffers_once() }

    /// Prints ``coreNote`` to standard error, once per process.
    static func noteCoreOnce() { _ = printedCoreNote }

    private static let printedCoreNote: Bool = {
        guard let note = coreNote else { return false }
        let line = Array(("adjoint: " + note + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        return true
    }()
}
