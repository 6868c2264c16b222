import AdjointCore

/// Bounds on the size of the complexity demonstration's problems, checked before anything is
/// allocated or run.
///
/// Each size alone can be modest while their product is not: depth 512, width 512 and batch 4096
/// store ~10⁹ activations (8.6 GB) and the naive chain would run for hours. A CLI typo should get
/// an error naming the limit, not a hang or an out-of-memory kill. The estimates are computed in
/// Double so that no product of user sizes can overflow.
///
/// ```swift
/// try ComplexityLimits.checkStorage(depth: 4, width: 8, batch: 2)          // fine
/// try ComplexityLimits.checkStorage(depth: 512, width: 512, batch: 4096)   // throws invalidArgument
/// ```
public enum ComplexityLimits {
    /// Most scalars one problem may hold: parameters L·(m² + m) plus stored activations L·b·m
    /// (inputs, outputs and activation slopes of every layer, ~3 copies). 2²⁵ Doubles is 256 MiB,
    /// several times what the default sweeps use and well under a small machine's memory.
    public static let maximumStoredScalars: Double = 33_554_432

    /// Most estimated flops of one method at one sweep point. 2·10¹⁰ is seconds to a minute of
    /// BLAS on two cores (depth 128, width 128, batch 64, ~1.7·10¹⁰, took 12 s in a debug build);
    /// the default depth sweep's largest point needs ~10⁷.
    public static let maximumEstimatedFlops: Double = 2e10

    /// Most scalar ops a ``JacobianModeComparison`` may apply in all: its unchunked forward mode
    /// alone is n passes of m·2n ops and reverse mode m sweeps of the same tape. 2²⁶ admits
    /// 256 → 256, which took 43 s in a debug build (`jac complexity --jacobian-modes 256,256`).
    public static let maximumJacobianScalarOps: Double = 67_108_864

    /// Scalars a depth-L, width-m problem with batch b stores: parameters plus ~3 activations per layer.
    public static func storedScalars(depth: Int, width: Int, batch: Int) -> Double {
        let l = Double(depth), m = Double(width), b = Double(batch)
        return l * (m * m + m) + 3 * l * b * m
    }

    /// Throws ``ADError/invalidArgument(_:)`` when a problem of these sizes would hold more than
    /// ``maximumStoredScalars``; the message names the sizes and the limit.
    public static func checkStorage(depth: Int, width: Int, batch: Int) throws {
        let s = storedScalars(depth: depth, width: width, batch: batch)
        guard s <= maximumStoredScalars else {
            throw ADError.invalidArgument(
                "an MLP of depth \(depth), width \(width) with batch \(batch) would store ~\(String(format: s)) scalars "
                + "(parameters L·(m²+m) plus activations 3·L·b·m); the limit is \(String(format: maximumStoredScalars)): "
                + "reduce depth, width or batch")
        }
    }

    /// Estimated flops of the costliest method a sweep point runs: the naive chain
    /// (L²·b·m² for vector–Jacobian products, L²·b·m³ for full Jacobians) or finite differences
    /// when they run (2·|W| forward passes of 2·L·b·m² each).
    public static func estimatedFlops(depth: Int, width: Int, options: ComplexitySweep.Options) -> Double {
        let l = Double(depth), m = Double(width), b = Double(options.batch)
        let forward = 2 * l * b * m * m
        let naive = options.naiveForm == .vectorJacobian ? l * l * b * m * m : l * l * b * m * m * m
        let parameters = l * (m * m + m)
        let finite = parameters <= Double(options.finiteDifferencesParameterLimit) ? 2 * parameters * forward : 0
        return Swift.max(3 * forward, naive, finite)
    }

    /// Throws ``ADError/invalidArgument(_:)`` when a sweep point is too large to store or to run.
    public static func checkSweepPoint(depth: Int, width: Int, options: ComplexitySweep.Options) throws {
        try checkStorage(depth: depth, width: width, batch: options.batch)
        let f = estimatedFlops(depth: depth, width: width, options: options)
        guard f <= maximumEstimatedFlops else {
            throw ADError.invalidArgument(
                "a complexity sweep point of depth \(depth), width \(width), batch \(options.batch) "
                + "(\(options.naiveForm.rawValue) naive chain) needs ~\(String(format: f)) flops; the limit is "
                + "\(String(format: maximumEstimatedFlops)): reduce depth, width or batch")
        }
    }

    /// Throws ``ADError/invalidArgument(_:)`` when comparing Jacobian modes of Rⁿ → Rᵐ would apply
    /// more than ``maximumJacobianScalarOps`` scalar ops (≈ 2·n·m·(n + m) over all modes).
    public static func checkJacobianModes(inputs: Int, outputs: Int) throws {
        let n = Double(inputs), m = Double(outputs)
        let ops = 2 * n * m * (n + m)
        guard ops <= maximumJacobianScalarOps else {
            throw ADError.invalidArgument(
                "comparing Jacobian modes of R^\(inputs) -> R^\(outputs) needs ~\(String(format: ops)) scalar ops "
                + "(about 2·n·m·(n + m)); the limit is \(String(format: maximumJacobianScalarOps)): reduce n or m")
        }
    }
}

private extension String {
    /// A large estimate as mantissa·10^exponent with two significant digits ("8.6e9").
    init(format value: Double) {
        guard value.isFinite, value > 0 else { self = "\(value)"; return }
        var e = 0, v = value
        while v >= 10 { v /= 10; e += 1 }
        let r = (v * 10).rounded() / 10
        self = e == 0 ? "\(r)" : "\(r)e\(e)"
    }
}
