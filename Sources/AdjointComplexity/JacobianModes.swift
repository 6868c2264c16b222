import AdjointCore
import AdjointLinalg

/// A seeded dense map f: Rⁿ → Rᵐ, fᵢ(x) = tanh(Σⱼ aᵢⱼ·xⱼ), for comparing Jacobian modes by counts.
///
/// One evaluation applies exactly m·(2n) scalar ops: n multiplies, n − 1 adds and one tanh per
/// output (the coefficients are constants, not ops).
///
/// ```swift
/// let f = try DenseTanhMap(inputs: 3, outputs: 2, seed: 1)
/// let r = try jacobian(of: f, at: [0.1, 0.2, 0.3])   // 2×3; automatic picks forward (1 chunked pass ≤ 2 sweeps)
/// ```
public struct DenseTanhMap: ADFunction, Sendable {
    /// n.
    public let inputs: Int
    /// m.
    public let outputs: Int
    /// aᵢⱼ, row-major m×n, uniform in [−1, 1].
    public let coefficients: [Double]

    /// A map with seeded coefficients; throws unless 1 ≤ n, m ≤ 4096.
    public init(inputs: Int, outputs: Int, seed: UInt64) throws {
        guard (1...4096).contains(inputs), (1...4096).contains(outputs) else {
            throw ADError.invalidArgument("DenseTanhMap needs 1...4096 inputs and outputs, got \(inputs) → \(outputs)")
        }
        var g = SeededGenerator(seed: seed)
        self.inputs = inputs; self.outputs = outputs
        coefficients = (0..<(inputs * outputs)).map { _ in Double.random(in: -1...1, using: &g) }
    }

    /// n, checked by the Jacobian APIs before evaluating.
    public var inputCount: Int? { inputs }

    /// fᵢ(x) = tanh(Σⱼ aᵢⱼ·xⱼ).
    public func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        (0..<outputs).map { i in
            var s = T(coefficients[i * inputs]) * x[0]
            for j in 1..<Swift.max(1, inputs) { s = s + T(coefficients[i * inputs + j]) * x[j] }
            return T.tanh(s)
        }
    }
}

/// What each way to a Jacobian of f: Rⁿ → Rᵐ cost, by the counters.
///
/// Forward mode needs one pass per input direction, reverse mode one sweep per output:
/// - `forwardUnchunked`: n passes of one tangent each (``jvp(of:at:direction:)`` per basis vector);
/// - `forward`: the toolkit's chunked forward mode, ⌈n/k⌉ passes of k tangent lanes
///   (k = 8, or 1, 2, 4 when n is that small); each op of a pass carries all k lanes as one SIMD
///   value and is counted once;
/// - `reverse`: one recording plus m sweeps; a sweep starts at its output's node and applies
///   the rule of each op recorded up to it once, skipping the ops recorded after that output.
///   Here output i (from 0) is recorded after (i + 1)·2n ops, so the m sweeps apply nm(m + 1)
///   rules: 2nm + nm(m + 1) ops with the recording (30 for n = 3, m = 2), not 2nm·(m + 1).
///
/// ```swift
/// let c = try JacobianModeComparison.run(inputs: 64, outputs: 2)
/// c.automatic.mode    // .reverse: 2 sweeps beat 8 chunked forward passes
/// ```
public struct JacobianModeComparison: Sendable {
    /// The cost of one way to the Jacobian.
    public struct Cost: Sendable {
        /// Passes (forward) or sweeps (reverse).
        public let passes: Int
        /// Scalar op applications: evaluations plus derivative-rule applications.
        public let scalarOps: Int
        /// The mode the toolkit reported.
        public let mode: JacobianMode
    }

    /// n.
    public let inputs: Int
    /// m.
    public let outputs: Int
    /// Scalar ops of one plain evaluation, m·(2n), for scale.
    public let evaluationOps: Int
    /// n single-tangent forward passes.
    public let forwardUnchunked: Cost
    /// The toolkit's chunked forward mode (`jacobian(of:at:mode: .forward)`).
    public let forward: Cost
    /// The toolkit's reverse mode (`jacobian(of:at:mode: .reverse)`).
    public let reverse: Cost
    /// What `jacobian(of:at:mode: .automatic)` did.
    public let automatic: Cost
    /// max |J_forward − J_reverse| over all entries (the modes must agree to rounding); NaN if any entry differs by NaN.
    public let maxDifference: Double

    /// The cheaper of the toolkit's forward and reverse modes by counted scalar ops.
    public var cheaperMode: JacobianMode { forward.scalarOps <= reverse.scalarOps ? .forward : .reverse }

    /// Measures every mode on a seeded ``DenseTanhMap`` with `inputs` → `outputs` at a seeded point.
    /// - Throws: ``ADError/invalidArgument(_:)`` for sizes outside 1...4096 or a comparison above
    ///   ``ComplexityLimits/maximumJacobianScalarOps``.
    public static func run(inputs: Int, outputs: Int, seed: UInt64 = 3) throws -> JacobianModeComparison {
        try ComplexityLimits.checkJacobianModes(inputs: inputs, outputs: outputs)
        let f = try DenseTanhMap(inputs: inputs, outputs: outputs, seed: seed)
        var g = SeededGenerator(seed: seed &+ 1)
        let x = (0..<inputs).map { _ in Double.random(in: -0.5...0.5, using: &g) }
        let (_, ev) = measureOperations { f(x.map { Dual<Double, Double>($0, tangent: 0) }) }
        let (_, unchunked) = try measureOperations { () throws -> Void in
            for j in 0..<inputs {
                let e = (0..<inputs).map { $0 == j ? 1.0 : 0.0 }
                _ = try jvp(of: { f($0) }, at: x, direction: e)
            }
        }
        let (fw, fwc) = try measureOperations { try jacobian(of: f, at: x, mode: .forward) }
        let (rv, rvc) = try measureOperations { try jacobian(of: f, at: x, mode: .reverse) }
        let (au, auc) = try measureOperations { try jacobian(of: f, at: x, mode: .automatic) }
        let diff = nanPropagatingMaxAbs(zip(fw.jacobian, rv.jacobian).lazy.flatMap { zip($0, $1).lazy.map { $0 - $1 } })
        return JacobianModeComparison(
            inputs: inputs, outputs: outputs, evaluationOps: ev.scalarOps,
            forwardUnchunked: Cost(passes: inputs, scalarOps: unchunked.scalarOps, mode: .forward),
            forward: Cost(passes: fw.passes, scalarOps: fwc.scalarOps, mode: fw.mode),
            reverse: Cost(passes: rv.passes, scalarOps: rvc.scalarOps, mode: rv.mode),
            automatic: Cost(passes: au.passes, scalarOps: auc.scalarOps, mode: au.mode),
            maxDifference: diff)
    }

    /// The comparison as one JSON object:
    /// `{"inputs": n, "outputs": m, "evaluation_ops": E, "forward_unchunked": {"passes": …, "scalar_ops": …},
    /// "forward": {…}, "reverse": {…}, "automatic": {"mode": "reverse", "passes": …, "scalar_ops": …},
    /// "cheaper_mode": "reverse", "max_difference": …}`.
    ///
    /// ```swift
    /// print(try JacobianModeComparison.run(inputs: 64, outputs: 2).toJSON())
    /// ```
    public func toJSON() -> String {
        func cost(_ c: Cost, mode: Bool = false) -> String {
            (mode ? "{\"mode\": \"\(c.mode.rawValue)\", " : "{") + "\"passes\": \(c.passes), \"scalar_ops\": \(c.scalarOps)}"
        }
        return "{\"inputs\": \(inputs), \"outputs\": \(outputs), \"evaluation_ops\": \(evaluationOps), "
            + "\"forward_unchunked\": \(cost(forwardUnchunked)), \"forward\": \(cost(forward)), \"reverse\": \(cost(reverse)), "
            + "\"automatic\": \(cost(automatic, mode: true)), \"cheaper_mode\": \"\(cheaperMode.rawValue)\", "
            + "\"max_difference\": \(jsonNumber(maxDifference, digits: nil))}"
    }

    /// One line per way, for printing.
    ///
    /// ```swift
    /// print(try JacobianModeComparison.run(inputs: 2, outputs: 64).summary)
    /// ```
    public var summary: String {
        var s = "Jacobian of f: R^\(inputs) -> R^\(outputs) (one evaluation = \(evaluationOps) scalar ops)\n"
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : (noun.hasSuffix("s") ? "es" : "s"))" }
        let autoNoun = automatic.mode == .reverse ? "sweep" : "pass"
        s += "  forward, 1 tangent per pass: \(count(forwardUnchunked.passes, "pass")), \(forwardUnchunked.scalarOps) ops\n"
        s += "  forward, chunked:            \(count(forward.passes, "pass")), \(forward.scalarOps) ops\n"
        s += "  reverse:                     \(count(reverse.passes, "sweep")) + 1 recording, \(reverse.scalarOps) ops\n"
        s += "  automatic chose \(automatic.mode.rawValue): \(count(automatic.passes, autoNoun)), \(automatic.scalarOps) ops\n"
        return s
    }
}
