import XCTest
import CAdjointBLAS
import AdjointCore
@testable import AdjointLinalg
#if canImport(Glibc)
import Glibc
#endif

/// The OpenBLAS core decision (CAdjointBLAS) on recorded feature sets, and the switch itself.
final class BLASCoreTests: XCTestCase {
    /// Features as Linux lists them in /proc/cpuinfo's `flags` (the kernel drops avx/avx512 flags
    /// when the OS does not save their registers, so their presence implies the OS state).
    private func features(_ flags: String, osSavesZMM: Bool? = nil) -> adjoint_cpu_features {
        let f = Set(flags.split(separator: " ").map(String.init))
        var c = adjoint_cpu_features()
        c.sse3 = f.contains("pni"); c.ssse3 = f.contains("ssse3")
        c.sse4_1 = f.contains("sse4_1"); c.sse4_2 = f.contains("sse4_2")
        c.avx = f.contains("avx"); c.avx2 = f.contains("avx2"); c.fma = f.contains("fma")
        c.avx512f = f.contains("avx512f"); c.avx512dq = f.contains("avx512dq"); c.avx512cd = f.contains("avx512cd")
        c.avx512bw = f.contains("avx512bw"); c.avx512vl = f.contains("avx512vl"); c.fma4 = f.contains("fma4")
        c.os_ymm = c.avx
        c.os_zmm = osSavesZMM ?? c.avx512f
        return c
    }

    private func preferred(_ f: adjoint_cpu_features) -> String? {
        adjoint_blas_preferred_core(f).map { String(cString: $0) }
    }

    // Flag lists recorded from /proc/cpuinfo of each kind of CPU (trimmed to the SIMD flags).
    static let core2 = "sse sse2 pni ssse3"
    static let piledriver = "sse sse2 pni ssse3 sse4_1 sse4_2 avx fma fma4"
    static let nehalem = "sse sse2 pni ssse3 sse4_1 sse4_2 popcnt"
    static let sandyBridge = "sse sse2 pni ssse3 sse4_1 sse4_2 avx"
    static let haswell = "sse sse2 pni ssse3 sse4_1 sse4_2 avx fma avx2"
    static let alderLake = "sse sse2 pni ssse3 sse4_1 sse4_2 avx fma avx2 avx_vnni"
    static let skylakeX = "sse sse2 pni ssse3 sse4_1 sse4_2 avx fma avx2 avx512f avx512dq avx512cd avx512bw avx512vl"
    static let knightsLanding = "sse sse2 pni ssse3 sse4_1 sse4_2 avx fma avx2 avx512f avx512pf avx512er avx512cd"
    /// This session's machine ("AMD EPYC", recorded 2026-11-30).
    static let epycZen = "sse sse2 pni ssse3 sse4_1 sse4_2 avx fma avx2 avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512_bf16 avx512vbmi avx512_vbmi2 avx512_vnni avx512_bitalg avx512_vpopcntdq avx512_vp2intersect"

    func testDecisionOnRecordedFeatureSets() {
        XCTAssertNil(preferred(features(Self.core2)), "SSE only: leave OpenBLAS's generic choice")
        XCTAssertNil(preferred(features(Self.nehalem)))
        XCTAssertEqual(preferred(features(Self.sandyBridge)), "Sandybridge")
        XCTAssertEqual(preferred(features(Self.haswell)), "Haswell")
        XCTAssertEqual(preferred(features(Self.alderLake)), "Haswell")
        XCTAssertEqual(preferred(features(Self.skylakeX)), "SkylakeX")
        XCTAssertEqual(preferred(features(Self.epycZen)), "SkylakeX")
        // AVX-512F without BW/DQ/VL cannot run the SkylakeX kernels.
        XCTAssertEqual(preferred(features(Self.knightsLanding)), "Haswell")
        // CPUID lists AVX-512 but the OS does not save ZMM state (some hypervisors): never AVX-512.
        XCTAssertEqual(preferred(features(Self.skylakeX, osSavesZMM: false)), "Haswell")
        // AVX listed without the OS saving YMM state: nothing beyond SSE.
        var noYMM = features(Self.haswell)
        noYMM.os_ymm = false
        XCTAssertNil(preferred(noYMM))
        // AVX2 without FMA (no OpenBLAS core assumes that): AVX kernels only.
        XCTAssertEqual(preferred(features("sse sse2 pni ssse3 sse4_1 sse4_2 avx avx2")), "Sandybridge")
    }

    /// Which named cores a CPU may be switched to (the benchmark's `adjoint_blas_force_core`):
    /// nothing above its level, and OpenBLAS's AMD FMA4 cores only where CPUID lists FMA4 (their
    /// kernels use the four-operand `vfmaddpd`, an illegal instruction on every Intel CPU).
    func testCoresACPUCanRun() {
        func runs(_ name: String, _ flags: String) -> Bool { adjoint_blas_core_runs_on(name, features(flags)) }
        XCTAssertTrue(runs("Haswell", Self.haswell))
        XCTAssertTrue(runs("Sandybridge", Self.haswell))
        XCTAssertTrue(runs("Zen", Self.haswell), "Zen's kernels are Haswell's: AVX2 and FMA3")
        XCTAssertFalse(runs("SkylakeX", Self.haswell))
        XCTAssertFalse(runs("Excavator", Self.haswell), "an AVX2 level, but FMA4 code")
        XCTAssertFalse(runs("Bulldozer", Self.sandyBridge), "an AVX level, but FMA4 code")
        XCTAssertFalse(runs("piledriver", Self.epycZen), "Zen lists no FMA4")
        XCTAssertTrue(runs("Piledriver", Self.piledriver))
        XCTAssertTrue(runs("Sandybridge", Self.piledriver))
        XCTAssertFalse(runs("Haswell", Self.piledriver), "no AVX2")
        XCTAssertTrue(runs("Prescott", Self.core2))
        XCTAssertFalse(runs("Sandybridge", Self.core2))
    }

    func testCoreLevels() {
        XCTAssertEqual(adjoint_blas_core_level("Prescott"), 0)
        XCTAssertEqual(adjoint_blas_core_level("Core2"), 0)
        XCTAssertEqual(adjoint_blas_core_level("Sandybridge"), 1)
        XCTAssertEqual(adjoint_blas_core_level("Haswell"), 2)
        XCTAssertEqual(adjoint_blas_core_level("Zen"), 2)
        XCTAssertEqual(adjoint_blas_core_level("SkylakeX"), 3)
        XCTAssertEqual(adjoint_blas_core_level("cooperlake"), 3, "OpenBLAS names vary in case")
        XCTAssertEqual(adjoint_blas_core_level(nil), 0)
    }

    /// A core the CPU cannot run, named by OPENBLAS_CORETYPE, is a typed error naming the
    /// variable, the core, the first missing feature and the core to set instead; a runnable
    /// core, or one OpenBLAS does not know (it then runs generic kernels), is not. On an AVX2-only
    /// CPU, OPENBLAS_CORETYPE=SkylakeX killed the process with SIGILL at the first product, with
    /// no message (a review). Decided on recorded feature sets; no SIGILL is run here.
    func testCoreTheCPUCannotRunIsATypedError() {
        let avx2Only = features(Self.haswell)
        guard let e = BLAS.unrunnableCoreError(core: "SkylakeX", environment: "SkylakeX", features: avx2Only) else {
            return XCTFail("SkylakeX on an AVX2-only CPU must be refused")
        }
        XCTAssertEqual(e, .unrunnableBLASCore(core: "SkylakeX", missing: "AVX-512F", environment: "SkylakeX", supported: "Haswell"))
        for part in ["OPENBLAS_CORETYPE=SkylakeX", "AVX-512F", "set it to Haswell", "SIGILL"] {
            XCTAssertTrue(e.description.contains(part), "\(part) in: \(e.description)")
        }
        // Runnable: the CPU's own best core, a lower one, and names OpenBLAS maps to generic kernels.
        XCTAssertNil(BLAS.unrunnableCoreError(core: "Haswell", environment: "Haswell", features: avx2Only))
        XCTAssertNil(BLAS.unrunnableCoreError(core: "Sandybridge", environment: nil, features: avx2Only))
        XCTAssertNil(BLAS.unrunnableCoreError(core: "Prescott", environment: "Prescott", features: features(Self.core2)))
        XCTAssertNil(BLAS.unrunnableCoreError(core: "SkylakeX", environment: "SkylakeX", features: features(Self.skylakeX)))
        XCTAssertNil(BLAS.unrunnableCoreError(core: nil, environment: "SkylakeX", features: avx2Only), "not OpenBLAS")
        // AVX-512 listed but the OS does not save its registers: that is what is missing.
        XCTAssertEqual(BLAS.unrunnableCoreError(core: "Cooperlake", environment: "Cooperlake",
                                                features: features(Self.skylakeX, osSavesZMM: false)),
                       .unrunnableBLASCore(core: "Cooperlake", missing: "AVX-512 register state saved by the OS",
                                           environment: "Cooperlake", supported: "Haswell"))
        // Knights Landing has AVX-512F but not BW/DQ/VL.
        XCTAssertEqual(BLAS.unrunnableCoreError(core: "SkylakeX", environment: "SkylakeX", features: features(Self.knightsLanding)),
                       .unrunnableBLASCore(core: "SkylakeX", missing: "AVX-512DQ", environment: "SkylakeX", supported: "Haswell"))
        // An FMA4 core on an Intel AVX2 CPU (its level alone would pass), and AVX2 on an SSE-only one.
        XCTAssertEqual(BLAS.unrunnableCoreError(core: "Excavator", environment: "Excavator", features: avx2Only),
                       .unrunnableBLASCore(core: "Excavator", missing: "FMA4", environment: "Excavator", supported: "Haswell"))
        XCTAssertEqual(BLAS.unrunnableCoreError(core: "Haswell", environment: "Haswell", features: features(Self.nehalem)),
                       .unrunnableBLASCore(core: "Haswell", missing: "AVX2", environment: "Haswell", supported: nil))
        XCTAssertNil(BLAS.unrunnableCoreError(core: "Piledriver", environment: "Piledriver", features: features(Self.piledriver)))
        // This process runs a core its CPU supports (the suite would not have got here otherwise).
        XCTAssertNil(BLAS.unrunnableCore)
    }

    /// The CPUID reader agrees with the kernel's view of this machine's flags.
    func testCPUIDReaderMatchesProcCpuinfo() throws {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            throw XCTSkip("no /proc/cpuinfo")
        }
        let fromKernel = features(String(line.split(separator: ":", maxSplits: 1)[1]))
        let fromCPUID = adjoint_cpu_features_read()
        XCTAssertEqual(fromCPUID.avx, fromKernel.avx)
        XCTAssertEqual(fromCPUID.avx2, fromKernel.avx2)
        XCTAssertEqual(fromCPUID.fma, fromKernel.fma)
        XCTAssertEqual(fromCPUID.avx512f, fromKernel.avx512f)
        XCTAssertEqual(fromCPUID.avx512bw, fromKernel.avx512bw)
        XCTAssertEqual(fromCPUID.os_ymm, fromKernel.avx)
        XCTAssertEqual(fromCPUID.fma4, fromKernel.fma4)
        XCTAssertEqual(preferred(fromCPUID), preferred(fromKernel))
    }

    /// The switch on the real library: from a forced generic core it selects the CPU's preferred
    /// one; with OPENBLAS_CORETYPE set it changes nothing; products stay right after each switch.
    /// Restores the core and the environment it found.
    func testSwitchSelectsPreferredCoreAndRespectsTheEnvironment() throws {
        guard let original = BLAS.coreName, let preferredCore = BLAS.preferredCore,
              adjoint_blas_core_level(preferredCore) > 0 else {
            throw XCTSkip("not OpenBLAS, or a CPU with no core beyond SSE")
        }
        let given = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        defer {
            if let given { setenv("OPENBLAS_CORETYPE", given, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
            _ = adjoint_blas_force_core(original)
        }
        guard adjoint_blas_force_core("Prescott") else { throw XCTSkip("OpenBLAS without DYNAMIC_ARCH") }
        XCTAssertEqual(BLAS.coreName?.lowercased(), "prescott")
        try checkProduct()
        XCTAssertNotNil(BLAS.coreNote, "a generic core on a better CPU must produce the note")

        setenv("OPENBLAS_CORETYPE", "Prescott", 1)
        XCTAssertEqual(adjoint_blas_select_preferred_core(), adjoint_blas_kept_environment)
        XCTAssertEqual(BLAS.coreName?.lowercased(), "prescott", "the environment's choice is never overridden")
        XCTAssertEqual(String(cString: getenv("OPENBLAS_CORETYPE")), "Prescott", "the environment is left as given")

        unsetenv("OPENBLAS_CORETYPE")
        XCTAssertEqual(adjoint_blas_select_preferred_core(), adjoint_blas_switched)
        XCTAssertEqual(BLAS.coreName?.lowercased(), preferredCore.lowercased())
        XCTAssertEqual(BLAS.coreBeforeSwitch?.lowercased(), "prescott")
        XCTAssertNil(getenv("OPENBLAS_CORETYPE"), "the switch leaves no variable behind")
        XCTAssertNil(BLAS.coreNote)
        try checkProduct()
        XCTAssertEqual(adjoint_blas_select_preferred_core(), adjoint_blas_kept_best)
    }

    /// A 3×2 · 2×3 product of small integers, exact in Double on any kernel.
    private func checkProduct() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        let b = try Matrix<Double>([[7, 8, 9], [10, 11, 12]])
        XCTAssertEqual(try a.matmul(b), try Matrix([[27, 30, 33], [61, 68, 75], [95, 106, 117]]))
    }

    /// A product clears its result and asks BLAS for β = 1 (OpenBLAS's own β = 0 clearing is a
    /// slow scalar pass): the bits must be those of the BLAS wrapper's β = 0 call over a result buffer full
    /// of NaN, which β = 0 must ignore, for every combination of transposes, in both precisions.
    func testProductMatchesBLASBetaZeroBitForBit() throws {
        var g = SeededGenerator(seed: 41)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let (m, k, n) = (37, 53, 29)
            let a = try Matrix<Double>.random(ta ? k : m, ta ? m : k, in: -1...1, using: &g)
            let b = try Matrix<Double>.random(tb ? n : k, tb ? k : n, in: -1...1, using: &g)
            let ours = try a.matmul(b, transposeSelf: ta, transposeOther: tb)
            var blas = [Double](repeating: .nan, count: m * n)
            Double.gemm(.inPackage, transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1, a: a.elements, lda: a.cols,
                        b: b.elements, ldb: b.cols, beta: 0, c: &blas, ldc: n)
            XCTAssertEqual(ours.elements.map(\.bitPattern), blas.map(\.bitPattern), "Double, transposes \(ta) \(tb)")

            let af = try Matrix<Float>(rows: a.rows, cols: a.cols, elements: a.elements.map(Float.init))
            let bf = try Matrix<Float>(rows: b.rows, cols: b.cols, elements: b.elements.map(Float.init))
            let oursF = try af.matmul(bf, transposeSelf: ta, transposeOther: tb)
            var blasF = [Float](repeating: .nan, count: m * n)
            Float.gemm(.inPackage, transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1, a: af.elements, lda: af.cols,
                       b: bf.elements, ldb: bf.cols, beta: 0, c: &blasF, ldc: n)
            XCTAssertEqual(oursF.elements.map(\.bitPattern), blasF.map(\.bitPattern), "Float, transposes \(ta) \(tb)")
        }
    }

    /// The first product on a thread maps the start of OpenBLAS's work buffers (see
    /// `BLAS.mapWorkBuffersOnce`). mincore is the witness: a small sgemm alone leaves about 270 KB
    /// of the first 4 MB mapped (measured on the Zen 1 VM of 2026-12-05), the largest products in
    /// the other tests under 2 MB, so without the mapping this fails on the second assertion.
    func testFirstProductOnAThreadMapsTheWorkBuffer() throws {
        guard BLAS.coreName != nil else { throw XCTSkip("the BLAS is not OpenBLAS") }
        let bytes = Int(ADJOINT_BLAS_MAPPED_BYTES)
        // Written by the thread before it signals, read here after the wait.
        final class Outcome: @unchecked Sendable { var resident = 0; var failure: Error? }
        let outcome = Outcome()
        // A thread of its own, so its once-per-thread mapping has not run yet.
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            do {
                var g = SeededGenerator(seed: 3)
                let a = try Matrix<Float>.random(64, 256, in: -1...1, using: &g)
                let b = try Matrix<Float>.random(256, 256, in: -1...1, using: &g)
                _ = try a.matmul(b)
                outcome.resident = adjoint_blas_work_buffer_resident_bytes(bytes)
            } catch { outcome.failure = error }
        }
        thread.start()
        done.wait()
        if let failure = outcome.failure { throw failure }
        XCTAssertEqual(outcome.resident, bytes, "first \(bytes) bytes of the work buffer mapped after the thread's first product")
        // The mapping function itself, on a range that is not a whole number of pages.
        XCTAssertGreaterThanOrEqual(adjoint_blas_map_work_buffers(12_345, 1), 12_345)
    }
}
