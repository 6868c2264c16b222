import AdjointCore
import AdjointLinalg

/// The ways to a gradient compared by the demonstration, plus the forward pass they are measured against.
///
/// The raw values are the JSON keys (`"finite_differences"`, …), which scripts depend on.
///
/// ```swift
/// ComplexityMethod.naive.rawValue   // "naive"
/// ```
public enum ComplexityMethod: String, CaseIterable, Sendable, Hashable {
    /// One plain evaluation of the loss (the unit of cost).
    case forward
    /// Memoized backpropagation (the toolkit's reverse mode on a ``MatrixTape``).
    case backprop
    /// The naive chain: Jacobian products from the loss down to each layer, formed anew per layer.
    case naive
    /// Central differences over every parameter.
    case finiteDifferences = "finite_differences"

    /// The three gradient methods (everything but the forward pass).
    public static let gradientMethods: [ComplexityMethod] = [.backprop, .naive, .finiteDifferences]

    /// A human-readable name for tables and plot legends.
    public var label: String {
        switch self {
        case .forward: return "forward pass"
        case .backprop: return "backprop"
        case .naive: return "naive chain"
        case .finiteDifferences: return "finite differences"
        }
    }
}

/// The work one method did, read off the counters.
///
/// ```swift
/// let (_, counts) = try measureOperations { try problem.backprop() }
/// MethodCost(counts).flops
/// ```
public struct MethodCost: Sendable, Equatable {
    /// Floating-point operations (2·m·n·k per product, one per element of elementwise work).
    public var flops: Int
    /// Matrix products.
    public var matmuls: Int
    /// Evaluations of the loss (forward passes).
    public var functionEvaluations: Int
    /// Entries recorded on tapes, and the bytes they held.
    public var tapeEntries: Int
    /// Bytes of tape (values and saved matrices).
    public var tapeBytes: Int

    /// The figures of `counts` that describe a method's cost.
    public init(_ counts: OperationCounts) {
        flops = counts.flops; matmuls = counts.matmuls; functionEvaluations = counts.functionEvaluations
        tapeEntries = counts.tapeEntries; tapeBytes = counts.tapeBytes
    }
}

/// One network size of a sweep: what each method cost there, and how far its gradient was from
/// backprop's.
///
/// ```swift
/// let p = try ComplexitySweep.depth([4], width: 8).points[0]
/// p.ratioToForward(.backprop)   // ≤ 3.5: the cheap-gradient bound
/// ```
public struct ComplexityPoint: Sendable {
    /// Depth L (number of layers).
    public let depth: Int
    /// Width m (every layer is m×m).
    public let width: Int
    /// Samples in the batch.
    public let batch: Int
    /// |W|, the number of scalar parameters, L·(m² + m).
    public let parameterCount: Int
    /// One forward pass of the loss.
    public let forward: MethodCost
    /// Memoized backprop.
    public let backprop: MethodCost
    /// The naive chain.
    public let naive: MethodCost
    /// Central differences; nil when |W| exceeded the sweep's limit and the method was skipped.
    public let finiteDifferences: MethodCost?
    /// max |naive − backprop| over all gradient entries (nil when not checked).
    public let naiveMaxDifference: Double?
    /// max |finite differences − backprop| (nil when skipped or not checked).
    public let finiteDifferencesMaxDifference: Double?
    /// max |backprop gradient entry|, the scale of the two differences.
    public let gradientScale: Double

    /// The cost of `method`, nil for skipped finite differences.
    public func cost(_ method: ComplexityMethod) -> MethodCost? {
        switch method {
        case .forward: return forward
        case .backprop: return backprop
        case .naive: return naive
        case .finiteDifferences: return finiteDifferences
        }
    }

    /// flops(method) / flops(forward pass).
    public func ratioToForward(_ method: ComplexityMethod) -> Double? {
        guard let c = cost(method), forward.flops > 0 else { return nil }
        return Double(c.flops) / Double(forward.flops)
    }
}

/// The counters' demonstration: for a range of depths (width fixed) or widths (depth fixed),
/// measure what each way to the gradient costs, and fit the exponent of the cost's growth.
///
/// ```swift
/// let r = try ComplexitySweep.run(kind: .depth, sizes: [1, 2, 4, 8, 16, 32, 64], fixed: 16)
/// print(r.toTable())
/// r.exponents[.backprop]   // ≈ 1
/// r.exponents[.naive]      // ≈ 2
/// r.toJSON()               // {"sweep": "depth", "width": 16, "points": [...], "exponents": {...}}
/// ```
public enum ComplexitySweep {
    /// Which size the sweep varies.
    public enum Kind: String, Sendable, CaseIterable {
        /// Depth L varies; width m is fixed.
        case depth
        /// Width m varies; depth L is fixed.
        case width

        /// The default sizes swept: depths 1…64 by doubling, or widths 2…64 by doubling.
        public var defaultSizes: [Int] {
            self == .depth ? [1, 2, 4, 8, 16, 32, 64] : [2, 4, 8, 16, 32, 64]
        }

        /// The default fixed size: width 16 for a depth sweep, depth 4 for a width sweep.
        public var defaultFixed: Int { self == .depth ? 16 : 4 }

        /// The other dimension's name ("width" for a depth sweep): the JSON key of the fixed size.
        public var fixedName: String { self == .depth ? "width" : "depth" }
    }

    /// Settings of a sweep other than the sizes.
    ///
    /// ```swift
    /// var o = ComplexitySweep.Options(); o.batch = 4; o.naiveForm = .fullJacobian
    /// ```
    public struct Options: Sendable {
        /// Samples per batch (the costs scale linearly with it).
        public var batch = 1
        /// Hidden-layer activation (the output layer is linear).
        public var activation: Op = .tanh
        /// Seed of the network, the input and the target.
        public var seed: UInt64 = 1
        /// How the naive chain forms its Jacobian products.
        public var naiveForm: NaiveChainForm = .vectorJacobian
        /// Finite differences are skipped (reported as null) above this many parameters: each
        /// costs 2·|W| forward passes, so |W| = 20 000 at depth 64 is already ~10⁹ flops.
        public var finiteDifferencesParameterLimit = 20_000
        /// Whether to compare every method's gradient with backprop's at every point.
        public var checkAgreement = true
        /// Defaults: batch 1, tanh, seed 1, vector–Jacobian naive chain, |W| ≤ 20 000 for finite differences.
        public init() {}
    }

    /// Largest depth or width accepted: the naive chain's L² and finite differences' |W|² make
    /// bigger sizes take minutes, and a CLI typo should get an error, not a hang.
    public static let maximumSize = 512

    /// Runs a sweep. `sizes` are the depths (or widths) to measure, default ``Kind/defaultSizes``;
    /// `fixed` is the width (or depth) held fixed, default ``Kind/defaultFixed``.
    ///
    /// Counts are taken with ``measureOperations(_:)`` around each method alone; the agreement
    /// checks run outside the measured blocks.
    /// - Throws: ``ADError/invalidArgument(_:)`` for empty or out-of-range sizes, or a point whose
    ///   estimated memory or work exceeds ``ComplexityLimits``.
    public static func run(kind: Kind, sizes: [Int]? = nil, fixed: Int? = nil,
                           options: Options = Options()) throws -> ComplexitySweepResult {
        let sizes = sizes ?? kind.defaultSizes
        let fixed = fixed ?? kind.defaultFixed
        guard !sizes.isEmpty else { throw ADError.invalidArgument("a complexity sweep needs at least one \(kind.rawValue)") }
        for s in sizes + [fixed] where s < 1 || s > maximumSize {
            throw ADError.invalidArgument("complexity sweep sizes must be in 1...\(maximumSize), got \(s)")
        }
        guard options.batch >= 1, options.batch <= 4096 else {
            throw ADError.invalidArgument("complexity sweep batch must be in 1...4096, got \(options.batch)")
        }
        // Every point is checked before the first is measured, so a too-large last size fails at
        // once instead of after minutes of work on the smaller ones.
        for s in sizes {
            let (depth, width) = kind == .depth ? (s, fixed) : (fixed, s)
            try ComplexityLimits.checkSweepPoint(depth: depth, width: width, options: options)
        }
        var points: [ComplexityPoint] = []
        for s in sizes {
            let (depth, width) = kind == .depth ? (s, fixed) : (fixed, s)
            points.append(try measurePoint(depth: depth, width: width, options: options))
        }
        return ComplexitySweepResult(kind: kind, fixed: fixed, options: options, points: points)
    }

    /// A depth sweep: depths `depths` at width `width`.
    ///
    /// ```swift
    /// let r = try ComplexitySweep.depth([1, 2, 4, 8], width: 8)
    /// ```
    public static func depth(_ depths: [Int] = Kind.depth.defaultSizes, width: Int = Kind.depth.defaultFixed,
                             options: Options = Options()) throws -> ComplexitySweepResult {
        try run(kind: .depth, sizes: depths, fixed: width, options: options)
    }

    /// A width sweep: widths `widths` at depth `depth`.
    ///
    /// ```swift
    /// let r = try ComplexitySweep.width([2, 4, 8, 16], depth: 2)
    /// ```
    public static func width(_ widths: [Int] = Kind.width.defaultSizes, depth: Int = Kind.width.defaultFixed,
                             options: Options = Options()) throws -> ComplexitySweepResult {
        try run(kind: .width, sizes: widths, fixed: depth, options: options)
    }

    /// Measures every method once on the seeded problem of this size.
    static func measurePoint(depth: Int, width: Int, options: Options) throws -> ComplexityPoint {
        let p = try MLPGradientProblem<Double>.seeded(depth: depth, width: width, batch: options.batch,
                                                      activation: options.activation, seed: options.seed)
        let (_, fwd) = try measureOperations { try p.forwardLoss() }
        let (bp, bpCounts) = try measureOperations { try p.backprop() }
        let (nv, nvCounts) = try measureOperations { try p.naiveChain(form: options.naiveForm) }
        var fd: MLPGradient<Double>?
        var fdCost: MethodCost?
        if p.parameterCount <= options.finiteDifferencesParameterLimit {
            let (g, c) = try measureOperations { try p.finiteDifferences() }
            fd = g; fdCost = MethodCost(c)
        }
        return ComplexityPoint(
            depth: depth, width: width, batch: options.batch, parameterCount: p.parameterCount,
            forward: MethodCost(fwd), backprop: MethodCost(bpCounts), naive: MethodCost(nvCounts),
            finiteDifferences: fdCost,
            naiveMaxDifference: options.checkAgreement ? bp.maxAbsDifference(to: nv) : nil,
            finiteDifferencesMaxDifference: options.checkAgreement ? fd.map { bp.maxAbsDifference(to: $0) } : nil,
            gradientScale: bp.maxAbs)
    }
}

/// Least-squares exponents of power laws: the slope of log y against log x.
///
/// ```swift
/// PowerLawFit.exponent(x: [1, 2, 4], y: [3, 12, 48])   // 2
/// ```
public enum PowerLawFit {
    /// The least-squares slope of log(y) against log(x), or nil with fewer than two distinct
    /// positive x (or any y ≤ 0, which has no logarithm).
    public static func exponent(x: [Double], y: [Double]) -> Double? {
        guard x.count == y.count, x.allSatisfy({ $0 > 0 }), y.allSatisfy({ $0 > 0 }) else { return nil }
        let lx = x.map { Double.log($0) }, ly = y.map { Double.log($0) }
        let n = Double(lx.count)
        // Distinct x, not sxx > 0: the mean of equal logarithms can round off them, leaving a
        // tiny positive sxx and a slope of 0 (x = 544 three times gave 0.0).
        guard n >= 2, Set(x).count >= 2 else { return nil }
        let mx = lx.reduce(0, +) / n, my = ly.reduce(0, +) / n
        let sxx = lx.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        guard sxx > 0 else { return nil }
        let sxy = zip(lx, ly).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        return sxy / sxx
    }

    /// The indices of the points in the upper half of the x range on a log scale
    /// (log x ≥ the midpoint of log min and log max), where lower-order terms have faded.
    ///
    /// A cost a·L² + c·L fitted from L = 1 has a slope well below 2 (at L = 1 the linear term
    /// is most of the cost), so the asymptotic exponent is fitted on the upper half; the
    /// all-points slope is reported beside it. Falls back to all points when the upper half
    /// has fewer than two distinct x.
    public static func upperHalf(_ x: [Double]) -> [Int] {
        guard let lo = x.min(), let hi = x.max(), lo > 0 else { return Array(x.indices) }
        let mid = (Double.log(lo) + Double.log(hi)) / 2
        let idx = x.indices.filter { Double.log(x[$0]) >= mid - 1e-12 }
        return Set(idx.map { x[$0] }).count >= 2 ? idx : Array(x.indices)
    }
}

/// The outcome of a ``ComplexitySweep``: the points, the fitted exponents, and the output
/// formats (table, JSON, CSV, SVG).
///
/// ```swift
/// let r = try ComplexitySweep.depth([8, 16, 32], width: 8)
/// r.exponents[.naive]   // ≈ 2
/// ```
public struct ComplexitySweepResult: Sendable {
    /// Which size varied.
    public let kind: ComplexitySweep.Kind
    /// The size held fixed (the width of a depth sweep, the depth of a width sweep).
    public let fixed: Int
    /// The settings used.
    public let options: ComplexitySweep.Options
    /// One point per size, in the order given.
    public let points: [ComplexityPoint]

    /// The varied size of each point.
    public var sizes: [Int] { points.map { kind == .depth ? $0.depth : $0.width } }

    /// The smallest size in the fit window (the upper half of the sizes on a log scale, see
    /// ``PowerLawFit/upperHalf(_:)``) of the methods measured at every size; see
    /// ``fitFrom(_:)`` for a method skipped at some.
    public var fitFrom: Int? {
        let s = sizes
        return PowerLawFit.upperHalf(s.map(Double.init)).map { s[$0] }.min()
    }

    /// The smallest size in `method`'s own fit window, taken over the sizes it was measured at:
    /// finite differences skipped at the largest sizes are fitted lower down than the rest, and
    /// one window label for all misreported theirs.
    public func fitFrom(_ method: ComplexityMethod) -> Int? {
        let s = sizes
        return fitWindow(method).map { s[$0] }.min()
    }

    /// The indices of the points `method`'s exponent is fitted over.
    private func fitWindow(_ method: ComplexityMethod) -> [Int] {
        let measured = points.indices.filter { points[$0].cost(method) != nil }
        return PowerLawFit.upperHalf(measured.map { Double(sizes[$0]) }).map { measured[$0] }
    }

    /// The asymptotic exponents: least-squares slope of log(flops) against log(size) over the
    /// fit window, per method (nil for a method with fewer than two measured points there).
    public var exponents: [ComplexityMethod: Double] { fit(window: true) }

    /// The same slopes over every point (biased towards the lower-order terms at small sizes).
    public var exponentsAllPoints: [ComplexityMethod: Double] { fit(window: false) }

    /// The slope of log(finite-difference flops) against log |W|, over the fit window: the
    /// O(|W|²) claim (≈ 2 whether depth or width grows |W|).
    public var finiteDifferencesExponentVsParameters: Double? {
        let measured = points.indices.filter { points[$0].finiteDifferences != nil }
        let use = PowerLawFit.upperHalf(measured.map { Double(points[$0].parameterCount) }).map { measured[$0] }
        return PowerLawFit.exponent(x: use.map { Double(points[$0].parameterCount) },
                                    y: use.compactMap { points[$0].finiteDifferences.map { Double($0.flops) } })
    }

    /// The largest backprop-flops / forward-flops ratio over the sweep (the cheap-gradient constant).
    public var maxBackpropRatio: Double {
        points.compactMap { $0.ratioToForward(.backprop) }.max() ?? .nan
    }

    private func fit(window: Bool) -> [ComplexityMethod: Double] {
        let xs = sizes.map(Double.init)
        var out: [ComplexityMethod: Double] = [:]
        for m in ComplexityMethod.allCases {
            let use = window ? fitWindow(m) : xs.indices.filter { points[$0].cost(m) != nil }
            out[m] = PowerLawFit.exponent(x: use.map { xs[$0] },
                                          y: use.compactMap { points[$0].cost(m).map { Double($0.flops) } })
        }
        return out
    }
}
