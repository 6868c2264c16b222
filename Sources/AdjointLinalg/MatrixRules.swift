import AdjointCore

/// The rules of the matrix registry: primal, JVP and VJP of every ``MatrixOp``, one `switch` each.
/// Forward mode, the tape and plain evaluation call these; none restates a rule. Scalar
/// derivatives inside (activations, the loss terms' abs/softplus) come from `Rules.partials`.
///
/// No VJP or JVP forms a Jacobian: products are one gemm each (transposes as BLAS flags),
/// everything else is a single pass over the elements.
enum MatrixRules {
    // MARK: Primal

    /// The op's value and what its derivative rules need saved besides inputs and value
    /// (the row softmax for the log-softmax family and cross-entropy).
    static func primal<S: LinalgScalar>(_ op: MatrixOp, _ a: Matrix<S>, _ b: Matrix<S>?,
                                        _ attr: MatrixAttributes<S>, node: Int?,
                                        pool: MatrixBufferPool<S>? = nil) throws -> (Matrix<S>, Matrix<S>?) {
        try requireArity(op, b)
        switch op {
        case .input, .constant:
            return (a, nil)
        case .matmul:
            return (try Matrix.product(a, false, try second(b, op), false, pool: pool), nil)
        case .add:
            return (try add(a, try second(b, op), alpha: 1, pool: pool), nil)
        case .addBias:
            let bias = try second(b, op)
            try requireBias(a, bias)
            var z = output(a.rows, a.cols, pool)
            MatrixCounters.record("add_bias", flops: a.count)
            withBuffers(a, bias, &z) { pa, pb, pz in S.kernelAddRow(.inPackage, pa, pb, cols: a.cols, into: pz) }
            return (z, nil)
        case .elementwise:
            guard let spec = attr.elementwise else {
                throw ADError.invalidArgument("elementwise matrix op recorded without its scalar op")
            }
            return (try spec.applyChecked(a, node: node, pool: pool), nil)
        case .sum, .mean:
            if op == .mean { try requireSamples(attr.reduction, a) }
            return (reduce(a, attr.reduction, mean: op == .mean, label: op.info.name, pool: pool), nil)
        case .softmax, .logSoftmax, .logSumExp:
            guard a.cols > 0 else {
                throw ADError.invalidArgument("\(op.info.name) of a matrix with no columns (each row needs at least one entry)")
            }
            let (lse, p) = softmax(a, label: op.info.name, pool: pool)
            switch op {
            case .softmax: return (p, nil)
            case .logSumExp: return (lse, p)
            default:
                var z = output(a.rows, a.cols, pool)
                // log pᵢ = xᵢ − lse: exact where log(softmax) would lose the small probabilities.
                withBuffers(a, lse, &z) { pa, pl, pz in
                    S.kernelBroadcast(.inPackage, pl, rows: a.rows, cols: a.cols, .perRow, scale: -1, into: pz)
                    S.kernelAxpy(.inPackage, pa, 1, UnsafeBufferPointer(pz), into: pz)
                }
                return (z, p)
            }
        case .mse, .mae, .huber, .logCosh, .klDivergence, .binaryCrossEntropyWithLogits:
            guard let loss = op.elementwiseLoss else { return (a, nil) }
            let t = try target(attr, a, op)
            if op == .klDivergence, let (r, c) = t.firstNegative {
                throw ADError.invalidArgument("kl_divergence: target entry (\(r), \(c)) is negative; targets are probabilities")
            }
            if op == .binaryCrossEntropyWithLogits, let k = t.elements.firstIndex(where: { !(0...1).contains($0) }) {
                // softplus(x) − t·x is a cross-entropy only for t in [0, 1]; t = 2 gave −10 at x = 10.
                throw ADError.invalidArgument("binary_cross_entropy_with_logits: target entry (\(k / Swift.max(1, t.cols)), "
                                              + "\(k % Swift.max(1, t.cols))) is \(t.elements[k]); labels are probabilities in [0, 1]")
            }
            if op == .huber, !(attr.lossParameter > 0) {
                throw ADError.invalidArgument("huber needs δ > 0, got \(attr.lossParameter)")
            }
            try requireSamples(op, a)
            if op == .mae { reportAbsKinks(a, t, node: node) }
            MatrixCounters.record(op.info.name, flops: a.count)
            let value = a.elements.withUnsafeBufferPointer { pa in
                t.elements.withUnsafeBufferPointer { pt in
                    S.kernelLoss(.inPackage, loss, parameter: attr.lossParameter, scale: meanScale(op, a), pa, pt)
                }
            }
            try checkLoss(value, op, node: node)
            return (Matrix(uncheckedRows: 1, cols: 1, elements: [value]), nil)
        case .softmaxCrossEntropy:
            try checkLabels(attr.labels, a)
            try requireSamples(op, a)
            let (lse, p) = softmax(a, label: op.info.name, pool: pool)
            MatrixCounters.record(op.info.name, flops: a.rows)
            // In Double, as every other reduction (see ``Accumulator``): a Float running sum
            // drifted with the batch size, 0.68869704 for 10⁶ rows of zeros (log 2 = 0.6931472; a
            // review). Scaled there too, rounding once. Double gives the same bits as before.
            var total: Accumulator = 0
            for r in 0..<a.rows { total += Accumulator(lse.elements[r] - a[r, attr.labels[r]]) }
            pool?.recycle(lse)   // read here only: 4,096 rows or more made one allocation per call
            let value = S(total * meanScale(op, a))
            try checkLoss(value, op, node: node)
            return (Matrix(uncheckedRows: 1, cols: 1, elements: [value]), p)
        }
    }

    // MARK: JVP

    /// The tangent of the output given the inputs' tangents (nil = zero, a constant input).
    static func jvp<S: LinalgScalar>(_ op: MatrixOp, _ a: Matrix<S>, _ b: Matrix<S>?, _ ta: Matrix<S>?, _ tb: Matrix<S>?,
                                     _ attr: MatrixAttributes<S>, value z: Matrix<S>, saved: Matrix<S>?,
                                     pool: MatrixBufferPool<S>? = nil) -> Matrix<S>? {
        if ta == nil && tb == nil { return nil }
        let suffix = "_jvp"
        switch op {
        case .input, .constant:
            return ta
        case .matmul:
            // d(AB) = dA·B + A·dB: one gemm per non-constant factor, the second accumulating (β = 1).
            guard let b else { return nil }
            var t = output(z.rows, z.cols, pool)
            var beta: S = 0
            if let ta { Matrix.gemm(into: &t, ta, false, b, false, beta: 0); beta = 1 }
            if let tb { Matrix.gemm(into: &t, a, false, tb, false, beta: beta) }
            return t
        case .add:
            switch (ta, tb) {
            case let (x?, y?): return try? add(x, y, alpha: 1, pool: pool)
            default: return ta ?? tb
            }
        case .addBias:
            // d(X + 1b) = dX + 1·db. Into a new buffer: writing into ta's would copy it on write
            // (the argument's dual still holds it), outside the pool.
            guard let tb else { return ta }
            var t = output(z.rows, z.cols, pool)
            MatrixCounters.record("add_bias" + suffix, flops: z.count)
            tb.elements.withUnsafeBufferPointer { pb in
                t.elements.withUnsafeMutableBufferPointer { pt in
                    if let ta {
                        ta.elements.withUnsafeBufferPointer { pa in S.kernelAddRow(.inPackage, pa, pb, cols: z.cols, into: pt) }
                    } else {
                        S.kernelBroadcast(.inPackage, pb, rows: z.rows, cols: z.cols, .perColumn, scale: 1, into: pt)
                    }
                }
            }
            return t
        case .elementwise:
            guard let spec = attr.elementwise, let ta else { return nil }
            return spec.chain(x: a, z: z, ta, .tangent, suffix: suffix, pool: pool)
        case .sum, .mean:
            guard let ta else { return nil }
            return reduce(ta, attr.reduction, mean: op == .mean, label: op.info.name + suffix, pool: pool)
        case .softmax:
            guard let ta else { return nil }
            return rowChain(.softmax, p: z, ta, outRows: z.rows, outCols: z.cols, label: op.info.name + suffix, pool: pool)
        case .logSoftmax:
            guard let ta, let p = saved else { return nil }
            return rowChain(.logSoftmax, p: p, ta, outRows: z.rows, outCols: z.cols, label: op.info.name + suffix, pool: pool)
        case .logSumExp:
            guard let ta, let p = saved else { return nil }
            return rowChain(.logSumExp, p: p, ta, outRows: a.rows, outCols: 1, label: op.info.name + suffix, pool: pool)
        case .mse, .mae, .huber, .logCosh, .klDivergence, .binaryCrossEntropyWithLogits:
            guard let ta, let d = lossGradient(op, a, attr, cotangent: 1, pool: pool) else { return nil }
            MatrixCounters.record(op.info.name + suffix, flops: a.count)
            let dot = d.elements.withUnsafeBufferPointer { pd in
                ta.elements.withUnsafeBufferPointer { pt in S.kernelDot(.inPackage, pd, pt) }
            }
            pool?.recycle(d)
            return Matrix(uncheckedRows: 1, cols: 1, elements: [dot])
        case .softmaxCrossEntropy:
            // dL = (1/m) Σ_r (⟨p_r, v_r⟩ − v[r, label_r]).
            guard let ta, let p = saved else { return nil }
            let rowDots = rowChain(.logSumExp, p: p, ta, outRows: a.rows, outCols: 1, label: op.info.name + suffix, pool: pool)
            // Accumulated and scaled in Double, as the loss itself (the primal above).
            var total: Accumulator = 0
            for r in 0..<a.rows { total += Accumulator(rowDots.elements[r] - ta[r, attr.labels[r]]) }
            // Given back, as the elementwise losses' d above: a batch of 4,096 rows or more made
            // one allocation per forward-mode call.
            pool?.recycle(rowDots)
            return Matrix(uncheckedRows: 1, cols: 1, elements: [S(total * meanScale(op, a))])
        }
    }

    // MARK: VJP

    /// The cotangents of the inputs given the output's cotangent g; an input whose `need` flag is
    /// false (a constant) gets nil and costs nothing.
    static func vjp<S: LinalgScalar>(_ op: MatrixOp, _ a: Matrix<S>, _ b: Matrix<S>?, _ attr: MatrixAttributes<S>,
                                     value z: Matrix<S>, saved: Matrix<S>?, cotangent g: Matrix<S>,
                                     needA: Bool, needB: Bool, pool: MatrixBufferPool<S>? = nil) -> (Matrix<S>?, Matrix<S>?) {
        let suffix = "_vjp"
        switch op {
        case .input, .constant:
            return (nil, nil)
        case .matmul:
            // Z = AB: Ā = Ḡ·Bᵀ, B̄ = Aᵀ·Ḡ, each one gemm with BLAS reading the transpose in place.
            guard let b else { return (nil, nil) }
            var ga: Matrix<S>?, gb: Matrix<S>?
            if needA {
                var t = output(a.rows, a.cols, pool)
                Matrix.gemm(into: &t, g, false, b, true, beta: 0)
                ga = t
            }
            if needB {
                var t = output(b.rows, b.cols, pool)
                Matrix.gemm(into: &t, a, true, g, false, beta: 0)
                gb = t
            }
            return (ga, gb)
        case .add:
            return (needA ? g : nil, needB ? g : nil)
        case .addBias:
            // The bias was broadcast over the rows, so its cotangent sums the rows.
            return (needA ? g : nil,
                    needB ? reduce(g, .perColumn, mean: false, label: "add_bias" + suffix, pool: pool) : nil)
        case .elementwise:
            guard needA, let spec = attr.elementwise else { return (nil, nil) }
            return (spec.chain(x: a, z: z, g, .cotangent, suffix: suffix, pool: pool), nil)
        case .sum, .mean:
            guard needA else { return (nil, nil) }
            let n = reducedCount(a, attr.reduction)
            let scale: S = op == .mean ? 1 / S(Swift.max(n, 1)) : 1
            var d = output(a.rows, a.cols, pool)
            MatrixCounters.record(op.info.name + suffix, flops: a.count)
            g.elements.withUnsafeBufferPointer { pg in
                d.elements.withUnsafeMutableBufferPointer { pd in
                    S.kernelBroadcast(.inPackage, pg, rows: a.rows, cols: a.cols, attr.reduction, scale: scale, into: pd)
                }
            }
            return (d, nil)
        case .softmax:
            // The softmax Jacobian diag(p) − ppᵀ is symmetric, so its VJP is its JVP.
            guard needA else { return (nil, nil) }
            return (rowChain(.softmax, p: z, g, outRows: a.rows, outCols: a.cols, label: op.info.name + suffix, pool: pool), nil)
        case .logSoftmax:
            guard needA, let p = saved else { return (nil, nil) }
            return (rowChain(.logSoftmaxTranspose, p: p, g, outRows: a.rows, outCols: a.cols, label: op.info.name + suffix, pool: pool), nil)
        case .logSumExp:
            guard needA, let p = saved else { return (nil, nil) }
            return (rowChain(.logSumExpTranspose, p: p, g, outRows: a.rows, outCols: a.cols, label: op.info.name + suffix, pool: pool), nil)
        case .mse, .mae, .huber, .logCosh, .klDivergence, .binaryCrossEntropyWithLogits:
            guard needA else { return (nil, nil) }
            MatrixCounters.record(op.info.name + suffix, flops: a.count)
            return (lossGradient(op, a, attr, cotangent: g.elements.first ?? 0, pool: pool), nil)
        case .softmaxCrossEntropy:
            // ∂/∂z [lse(z) − z_label] = softmax(z) − onehot(label), times the 1/m average.
            guard needA, var d = saved else { return (nil, nil) }
            MatrixCounters.record(op.info.name + suffix, flops: a.count)
            let scale = (g.elements.first ?? 0) * lossScale(op, a)
            for r in 0..<a.rows { d[r, attr.labels[r]] -= 1 }
            // A plain product: d + (scale − 1)·d, as this was, rounds scale − 1 near −1 and then
            // cancels, an error of m·ε relative (Float, 4096 rows: 2·10⁻⁴ instead of 10⁻⁷).
            d.elements.withUnsafeMutableBufferPointer { pd in
                for i in pd.indices { pd[i] *= scale }
            }
            return (d, nil)
        }
    }

    // MARK: Helpers

    /// A loss is one number: if it is NaN or infinite, say which loss (a NaN prediction, a
    /// log-probability of −∞ in KL, …) instead of handing the NaN on.
    static func checkLoss<S: LinalgScalar>(_ value: S, _ op: MatrixOp, node: Int?) throws {
        if !value.isFinite {
            throw ADError.nonFinite(what: "value of the loss (check the prediction and target for NaN/∞)",
                                    op: op.info.name, node: node)
        }
    }

    /// MAE is |x − t| per element, the registry's `abs`: a prediction equal to its target sits on
    /// abs's kink (abs′(0) = 0 by convention), reported with the node as the scalar modes and the
    /// elementwise ops report theirs. (A ReLU output of exactly 0 against a target of 0 lands there.)
    static func reportAbsKinks<S: LinalgScalar>(_ a: Matrix<S>, _ t: Matrix<S>, node: Int?) {
        for i in 0..<a.count {
            let d = a.elements[i] - t.elements[i]
            if Rules.isKink(.abs, d, d) { Diagnostics.reportKink(.abs, node: node, inputs: [d.approximateDouble]) }
        }
    }

    /// Every interpreter's `apply` reaches the rules through ``primal(_:_:_:_:node:pool:)``, so
    /// the argument count is checked here once: evaluation and forward mode had no check of their
    /// own and ran sum(A, A) as sum(A), and input(A) as A, where the tape refused both.
    static func requireArity<S: LinalgScalar>(_ op: MatrixOp, _ b: Matrix<S>?) throws {
        let given = b == nil ? 1 : 2
        guard op.info.arity == given else {
            throw ADError.invalidArgument("\(op.info.name) takes \(op.info.arity) matrix argument(s), given \(given)")
        }
    }

    static func second<S: LinalgScalar>(_ b: Matrix<S>?, _ op: MatrixOp) throws -> Matrix<S> {
        guard let b else { throw ADError.invalidArgument("\(op.info.name) needs two matrix arguments") }
        return b
    }

    static func add<S: LinalgScalar>(_ a: Matrix<S>, _ b: Matrix<S>, alpha: S, pool: MatrixBufferPool<S>? = nil) throws -> Matrix<S> {
        var shapes: String { "(\(a.shapeText) \(alpha < 0 ? "−" : "+") \(b.shapeText))" }
        try requireEqual("rows in \(alpha < 0 ? "a matrix difference" : "add") \(shapes)", a.rows, b.rows)
        try requireEqual("columns in \(alpha < 0 ? "a matrix difference" : "add") \(shapes)", a.cols, b.cols)
        var z = output(a.rows, a.cols, pool)
        MatrixCounters.record("add", flops: a.count)
        withBuffers(a, b, &z) { pa, pb, pz in S.kernelAxpy(.inPackage, pa, alpha, pb, into: pz) }
        return z
    }

    /// Sums in place: acc += x (used when a node feeds several ops).
    static func accumulate<S: LinalgScalar>(_ acc: inout Matrix<S>, _ x: Matrix<S>) {
        MatrixCounters.record("accumulate", flops: x.count)
        x.elements.withUnsafeBufferPointer { px in
            acc.elements.withUnsafeMutableBufferPointer { pz in
                S.kernelAxpy(.inPackage, UnsafeBufferPointer(pz), 1, px, into: pz)
            }
        }
    }

    static func reducedCount<S: LinalgScalar>(_ a: Matrix<S>, _ how: Reduction) -> Int {
        switch how {
        case .all: return a.count
        case .perColumn: return a.rows
        case .perRow: return a.cols
        }
    }

    static func reduce<S: LinalgScalar>(_ a: Matrix<S>, _ how: Reduction, mean: Bool, label: String,
                                        pool: MatrixBufferPool<S>? = nil) -> Matrix<S> {
        let (r, c): (Int, Int)
        switch how {
        case .all: (r, c) = (1, 1)
        case .perColumn: (r, c) = (1, a.cols)
        case .perRow: (r, c) = (a.rows, 1)
        }
        let n = reducedCount(a, how)
        // The primal refuses a mean of nothing (requireSamples), so the JVP never sees one; NaN
        // rather than a hidden 0 should another caller ask. In Double: the
        // kernel scales the Double sum before rounding (see kernelReduce).
        let scale: Double = mean ? (n == 0 ? .nan : 1 / Double(n)) : 1
        var z = output(r, c, pool)
        MatrixCounters.record(label, flops: a.count)
        a.elements.withUnsafeBufferPointer { pa in
            z.elements.withUnsafeMutableBufferPointer { pz in
                S.kernelReduce(.inPackage, pa, rows: a.rows, cols: a.cols, how, scale: scale, into: pz)
            }
        }
        return z
    }

    static func softmax<S: LinalgScalar>(_ a: Matrix<S>, label: String, pool: MatrixBufferPool<S>? = nil) -> (lse: Matrix<S>, p: Matrix<S>) {
        var lse = output(a.rows, 1, pool)
        var p = output(a.rows, a.cols, pool)
        MatrixCounters.record(label, flops: a.count)
        a.elements.withUnsafeBufferPointer { pa in
            lse.elements.withUnsafeMutableBufferPointer { pl in
                p.elements.withUnsafeMutableBufferPointer { pp in
                    S.kernelSoftmax(.inPackage, pa, rows: a.rows, cols: a.cols, lse: pl, p: pp)
                }
            }
        }
        return (lse, p)
    }

    static func rowChain<S: LinalgScalar>(_ form: RowChain, p: Matrix<S>, _ s: Matrix<S>, outRows: Int, outCols: Int,
                                          label: String, pool: MatrixBufferPool<S>? = nil) -> Matrix<S> {
        var d = output(outRows, outCols, pool)
        MatrixCounters.record(label, flops: p.count)
        withBuffers(p, s, &d) { pp, ps, pd in S.kernelRowChain(.inPackage, form, p: pp, ps, rows: p.rows, cols: p.cols, into: pd) }
        return d
    }

    /// The averaging factor of a loss: 1/(all elements) for the elementwise ones, 1/rows for
    /// KL and cross-entropy (a sum over classes, averaged over samples).
    /// A loss is a mean: over an empty prediction (a batch of no samples) it has no value. Said
    /// here, before the 0/0 that was reported as "non-finite value of the loss (check the
    /// prediction and target for NaN/∞)", pointing at data that held no NaN.
    static func requireSamples<S: LinalgScalar>(_ op: MatrixOp, _ a: Matrix<S>) throws {
        let n = (op == .klDivergence || op == .softmaxCrossEntropy) ? a.rows : a.count
        if n == 0 {
            throw ADError.invalidArgument("\(op.info.name) of an empty \(a.rows)×\(a.cols) prediction: a mean over no "
                                          + "samples has no value; pass a batch of at least one row")
        }
    }

    /// A mean reduction over no entries, said as the losses say it. Evaluation returned NaN
    /// silently, while the tape and forward mode reported a "non-finite" output of data that
    /// held no NaN. A reduction with no outputs (per column of 0 columns) takes no mean: allowed.
    static func requireSamples<S: LinalgScalar>(_ how: Reduction, _ a: Matrix<S>) throws {
        let n = reducedCount(a, how)
        let outputs = how == .all ? 1 : (how == .perColumn ? a.cols : a.rows)
        guard n == 0, outputs > 0 else { return }
        let over: String
        switch how {
        case .all: over = ""
        case .perColumn: over = " per column (each column has 0 rows)"
        case .perRow: over = " per row (each row has 0 columns)"
        }
        throw ADError.invalidArgument("mean\(over) of an empty \(a.rows)×\(a.cols) matrix: a mean over no samples has no value")
    }

    static func lossScale<S: LinalgScalar>(_ op: MatrixOp, _ a: Matrix<S>) -> S {
        let n = (op == .klDivergence || op == .softmaxCrossEntropy) ? a.rows : a.count
        return n == 0 ? S.nan : 1 / S(n)
    }

    /// ``lossScale(_:_:)`` in Double, for the losses' values: their sums are Doubles, scaled
    /// before rounding to S (a sum can exceed Float's range while its mean does not).
    static func meanScale<S: LinalgScalar>(_ op: MatrixOp, _ a: Matrix<S>) -> Double {
        let n = (op == .klDivergence || op == .softmaxCrossEntropy) ? a.rows : a.count
        return n == 0 ? .nan : 1 / Double(n)
    }

    static func target<S: LinalgScalar>(_ attr: MatrixAttributes<S>, _ a: Matrix<S>, _ op: MatrixOp) throws -> Matrix<S> {
        guard let t = attr.target else { throw ADError.invalidArgument("\(op.info.name) needs a target matrix") }
        var shapes: String { "(prediction \(a.shapeText), target \(t.shapeText))" }
        try requireEqual("target rows of \(op.info.name) \(shapes)", a.rows, t.rows)
        try requireEqual("target columns of \(op.info.name) \(shapes)", a.cols, t.cols)
        return t
    }

    static func checkLabels<S: LinalgScalar>(_ labels: [Int], _ a: Matrix<S>) throws {
        try requireEqual("number of labels of softmax_cross_entropy (one per row of the \(a.shapeText) logits)", a.rows, labels.count)
        for (r, l) in labels.enumerated() where l < 0 || l >= a.cols {
            throw ADError.invalidArgument("softmax_cross_entropy: label \(l) in row \(r) is outside 0..<\(a.cols) (the number of classes)")
        }
    }

    /// cotangent · ∂loss/∂prediction for the elementwise losses, as a matrix.
    static func lossGradient<S: LinalgScalar>(_ op: MatrixOp, _ a: Matrix<S>, _ attr: MatrixAttributes<S>,
                                              cotangent: S, pool: MatrixBufferPool<S>? = nil) -> Matrix<S>? {
        guard let loss = op.elementwiseLoss, let t = attr.target else { return nil }
        var d = output(a.rows, a.cols, pool)
        let scale = cotangent * lossScale(op, a)
        withBuffers(a, t, &d) { pa, pt, pd in
            S.kernelLossDerivative(.inPackage, loss, parameter: attr.lossParameter, scale: scale, pa, pt, into: pd)
        }
        return d
    }

    /// An output buffer: recycled from the pool when there is one (contents unspecified, so every
    /// caller overwrites all of it), else fresh.
    @inline(__always)
    static func output<S: LinalgScalar>(_ rows: Int, _ cols: Int, _ pool: MatrixBufferPool<S>?) -> Matrix<S> {
        pool?.matrix(rows, cols) ?? Matrix(uncheckedRows: rows, cols: cols)
    }

    @inline(__always)
    static func withBuffers<S: LinalgScalar>(
        _ a: Matrix<S>, _ b: Matrix<S>, _ z: inout Matrix<S>,
        _ body: (UnsafeBufferPointer<S>, UnsafeBufferPointer<S>, UnsafeMutableBufferPointer<S>) -> Void
    ) {
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                z.elements.withUnsafeMutableBufferPointer { pz in body(pa, pb, pz) }
            }
        }
    }
}
