import AdjointCore

/// What a user primitive's primal or rule gave at each point already evaluated inside one
/// `validate` call, by the exact arguments (``ExactPoint``: +0 and −0 apart; a NaN argument is
/// never shared).
///
/// Why: a user's rule can be a solve or a simulation, and validate's checks asked it again at
/// points another check had evaluated: each sample's centre for the partials and again for the
/// differences of the partials; a kink found by the scans along both inputs, and the 36 points
/// around it, once per scan and once more for the whole gradient's hull; every point of the
/// partials check's differences of the primal, again under the differences of the partials (a max
/// of two: 175 of 3,190 rule calls and 1,903 of 4,984 primal calls were repeats).
///
/// Sharing a value assumes the primal and rules are deterministic (the same bits in give the same
/// bits out), as every difference validate takes already does. A call that reported anything (an
/// error, a kink, an escape) is not kept: the next call at that point runs and reports again, so
/// each check's collection of diagnostics sees what it saw when nothing was shared. One memo
/// lives for one `validate` call, which evaluates on one thread, so it takes no lock.
final class EvaluationMemo<Value> {
    private var values: [ExactPoint<Double>: Value] = [:]

    func value(at arguments: [Double], _ evaluate: () -> Value) -> Value {
        let key = ExactPoint(arguments)
        if let known = values[key] { return known }
        // Collected here only to see whether the call reported; a collection passes every event
        // on to the enclosing one, so the caller's collection is unchanged.
        let (value, diagnostics) = Diagnostics.collect(evaluate)
        if diagnostics.errorCount == 0 && diagnostics.kinkCount == 0 && diagnostics.escapes == 0
            && diagnostics.escapingRules.isEmpty {
            values[key] = value
        }
        return value
    }
}

/// A scalar primitive's primal and partials on Doubles for one `validate` call, each point
/// evaluated once (see ``EvaluationMemo``). The partials are keyed by their output argument too.
final class ScalarEvaluations<P: ScalarPrimitive> {
    private let primals = EvaluationMemo<Double>()
    private let rules = EvaluationMemo<(Double, Double)>()

    func primal(_ x: Double, _ y: Double) -> Double { primals.value(at: [x, y]) { P.primal(x, y) } }

    func partials(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) {
        rules.value(at: [x, y, z]) { P.partials(x, y, output: z) }
    }
}

/// A vector primitive's primal, JVP and VJP for one `validate` call, each point (with its
/// direction or cotangent) evaluated once (see ``EvaluationMemo``).
final class VectorEvaluations<P: VectorPrimitive> {
    private let primals = EvaluationMemo<[Double]>()
    private let jvps = EvaluationMemo<[Double]?>()
    private let vjps = EvaluationMemo<[Double]?>()

    func primal(_ x: [Double]) -> [Double] { primals.value(at: x) { P.primal(x) } }

    // x and the direction (or cotangent) concatenated: within one call every x has n entries,
    // so the split is unambiguous; the length is in the key too, for a rule asked otherwise.
    func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        jvps.value(at: [Double(x.count)] + x + v) { P.jvp(at: x, direction: v) }
    }

    func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        vjps.value(at: [Double(x.count)] + x + u) { P.vjp(at: x, cotangent: u) }
    }
}
