import AdjointCore

/// A primitive the generator can place: a built-in op or a registered user primitive.
public enum GraphPrimitive: Sendable, Hashable, CustomStringConvertible {
    case builtin(Op)
    /// Index into the generator's ``GraphGenerator/userPrimitives``.
    case user(Int)

    public var description: String {
        switch self {
        case .builtin(let op): return op.info.name
        case .user(let k): return "user #\(k)"
        }
    }
}

/// Draws random expression graphs over the registry, reproducibly from a seed.
///
/// Domain-aware: each node is placed only where its op is defined with a margin at the graph's
/// point (log and sqrt see arguments ≥ 0.1, a denominator is ≥ 0.25 away from 0, `tan` stays
/// within ±1.3, `pow` gets a base ≥ 0.2) and at least ``kinkMargin`` from a kink (relu at 0, a
/// tie of max), so differences are a fair witness. Values stay within ±``valueBound``.
/// Graphs have fan-out (a node read by several later ones), shared subexpressions, a spine that
/// reaches the drawn depth (up to ``maxDepth``) and 1 to ``maxOutputs`` outputs.
///
/// Each graph draws a palette: only rational-closed ops (so exact mode runs), only analytic ops
/// (so the complex step runs), or everything, so all witnesses see many graphs.
///
/// ```swift
/// let gen = GraphGenerator()
/// let g = try gen.graph(seed: 42, focus: .builtin(.elu))   // elu appears, most likely several times
/// g.formula
/// ```
public struct GraphGenerator {
    /// Built-ins drawn from.
    public var builtins: [Op] = Op.primitives
    /// User primitives drawn from (by default the registered ones).
    public var userPrimitives: [any ScalarPrimitive.Type] = UserPrimitives.scalar
    /// Deepest spine drawn.
    public var maxDepth = 30
    /// Most op nodes in one graph.
    public var maxOps = 40
    /// Most inputs.
    public var maxInputs = 4
    /// Most outputs.
    public var maxOutputs = 3
    /// Smallest allowed distance to a kink, in the kink's own units. Central differences step by
    /// about 6e-6·scale times the argument's sensitivity, far inside this.
    public static let kinkMargin = 0.05
    /// Largest |value| of a node; keeps e^x and powers from overflowing a later op.
    public static let valueBound = 40.0
    /// Largest relative condition number of a placed node, and largest running rounding bound
    /// of its value in ε: beyond it the value has lost 10 bits (a cancelling sum, log near 1).
    public static let conditionBound = 0x1p10
    /// Largest running rounding bound of a node's value, in ε: half the checker's AD allowance
    /// (``CheckOptions/adAccuracyULPs``), whose difference witnesses assume f is rounded to a
    /// few ulps. A graph beyond it has noise no witness accounts for (see ``accept``).
    public static let roundingBound = 32.0
    /// Largest printed length of one output's formula (shared nodes are written out again).
    public static let formulaLengthBound = 12_000
    /// Share of graphs with one kink-capable op placed exactly at its kink.
    public static let kinkProbability = 0.1
    /// The ops that can be placed at a kink on purpose (hypot's kink needs two zero inputs).
    static let kinkOps: Set<Op> = [.relu, .abs, .leakyRelu, .elu, .max, .min]
    /// Probability that an op is the graph's focus op, when it has one.
    static let focusProbability = 0.35

    /// A generator over every built-in primitive and every registered user primitive, with the
    /// default size bounds; change the stored properties to narrow it.
    ///
    /// ```swift
    /// var gen = GraphGenerator()
    /// gen.builtins = [.sin, .mul, .exp]      // only these built-ins
    /// gen.maxDepth = 8
    /// let g = try gen.graph(seed: 1)
    /// ```
    public init() {}

    /// Why graphs cannot be drawn with these settings and this focus (nil when they can): every
    /// graph needs a primitive to place and sizes of at least 1, and a focus must be one of the
    /// generator's primitives.
    public func problem(focus: GraphPrimitive? = nil) -> String? {
        if primitives.isEmpty {
            return "GraphGenerator has no primitive to place: builtins and userPrimitives are both empty"
        }
        // A primitive whose every application is an error cannot be placed, and silently leaving
        // it out passed a self-test that never exercised it.
        if let p = userPrimitives.first(where: { $0.arity != 1 && $0.arity != 2 }) {
            return "user primitive '\(p.name)' declares arity \(p.arity); a scalar primitive takes 1 or 2 inputs"
        }
        if let op = builtins.first(where: { !Op.primitives.contains($0) }) {
            return "GraphGenerator.builtins contains '\(op.info.name)', which is not a primitive (use ops from Op.primitives)"
        }
        for (name, v) in [("maxDepth", maxDepth), ("maxOps", maxOps), ("maxInputs", maxInputs), ("maxOutputs", maxOutputs)] where v < 1 {
            return "GraphGenerator.\(name) must be ≥ 1, got \(v)"
        }
        switch focus {
        case .user(let k) where !userPrimitives.indices.contains(k):
            return "focus .user(\(k)) is out of range: the generator has \(userPrimitives.count) user primitive(s)"
        case .builtin(let op) where !Op.primitives.contains(op):
            return "focus .builtin(.\(op)) is not a primitive (use ops from Op.primitives)"
        default: return nil
        }
    }

    /// Every primitive this generator can place: the built-ins, then the user primitives.
    public var primitives: [GraphPrimitive] {
        builtins.map { .builtin($0) } + userPrimitives.indices.map { .user($0) }
    }

    /// The name of a primitive (a user primitive by its declared name).
    public func name(of p: GraphPrimitive) -> String {
        switch p {
        case .builtin(let op): return op.info.name
        case .user(let k): return userPrimitives.indices.contains(k) ? userPrimitives[k].name : p.description
        }
    }

    private struct Slot {
        var value: Double
        var depth: Int
        var length: Int
        var bits: Int
        var isConstant: Bool
        /// First-order running bound on the value's relative rounding error, in units of ε.
        var rounding: Double
    }

    /// The graph of `seed`; with `focus`, that primitive is drawn far more often than the others
    /// (and its palette always admits it). Throws `ADError.invalidArgument` with ``problem(focus:)``'s
    /// text when the settings or the focus do not allow a graph.
    public func graph(seed: UInt64, focus: GraphPrimitive? = nil) throws -> RandomGraph {
        if let why = problem(focus: focus) { throw ADError.invalidArgument(why) }
        var rng = SeededGenerator(seed: seed)
        func uniform(_ k: Int) -> Int { Int(rng.next() % UInt64(Swift.max(k, 1))) }
        func chance(_ p: Double) -> Bool { rng.nextUnit() < p }
        func dyadic(_ r: ClosedRange<Double>) -> Double {
            // Sixteenths: exact in binary and in decimal, so exact mode and the printed formula agree.
            let lo = (r.lowerBound * 16).rounded(.up), hi = (r.upperBound * 16).rounded(.down)
            // A user primitive's declared range may hold no sixteenth (0.5...0.51 gave 0.5625,
            // outside it) or more than an Int counts (−1e18...1e18, or an infinite bound: Int(hi − lo)
            // trapped; a review). Then any Double in the range, clamped to finite ones: it prints
            // as a literal that reads back to itself, and exact mode takes its exact value.
            guard lo <= hi, hi - lo < 0x1p52 else {
                let a = Swift.max(r.lowerBound, -Double.greatestFiniteMagnitude)
                let b = Swift.min(r.upperBound, Double.greatestFiniteMagnitude)
                let v = a / 2 + rng.nextUnit() * (b / 2 - a / 2)
                return Swift.min(b, Swift.max(a, v * 2))
            }
            return (lo + Double(uniform(Int(hi - lo) + 1))) / 16
        }

        // Palette: rational-closed only, analytic only, or all.
        var palette = primitives
        let kind = uniform(3)
        func admitted(_ p: GraphPrimitive, _ k: Int) -> Bool {
            guard case .builtin(let op) = p else { return k == 2 }
            return k == 0 ? op.info.isRationalClosed : (k == 1 ? op.info.isAnalytic : true)
        }
        var paletteKind = kind
        if let focus, !admitted(focus, kind) { paletteKind = 2 }
        // A narrowed generator (only non-analytic built-ins, only user primitives) can leave a
        // restricted palette empty: draw from all of them instead.
        if !palette.contains(where: { admitted($0, paletteKind) }) { paletteKind = 2 }
        palette = palette.filter { admitted($0, paletteKind) }

        let n = 1 + uniform(maxInputs)
        var point: [Double] = []
        var nodes: [GraphNode] = []
        var slots: [Slot] = []
        var constants: [Double] = []
        for j in 0..<n {
            var v = dyadic(-2...2)
            if Swift.abs(v) < 0.125 { v = 0.75 }
            point.append(v)
            nodes.append(GraphNode(op: .input, a: 0, b: 0, n: j))
            slots.append(Slot(value: v, depth: 0, length: 3, bits: 8, isConstant: false, rounding: 1))  // x ± h is rounded
        }
        func addConstant(_ c: Double) -> Int {
            constants.append(c)
            nodes.append(GraphNode(op: .constant, a: 0, b: 0, n: constants.count - 1))
            slots.append(Slot(value: c, depth: 0, length: RandomGraph.literal(c).count, bits: 8, isConstant: true, rounding: 0))
            return nodes.count - 1
        }

        let targetDepth = 2 + uniform(maxDepth - 1)
        let targetOps = Swift.max(targetDepth, 4 + uniform(maxOps - 3))
        var ops = 0, attempts = 0
        // Kinks are approached only on purpose: in some graphs one kink-capable op is placed
        // exactly at its kink, on an input shifted by its own (dyadic, so exact) value, where the
        // checker must find the convention a valid subgradient.
        var kinkOnPurpose = chance(GraphGenerator.kinkProbability)
        func slot(_ value: Double, from args: [Int], rounding: Double) -> Slot {
            Slot(value: value, depth: 1 + (args.map { slots[$0].depth }.max() ?? 0),
                 length: args.map { slots[$0].length }.reduce(12, +), bits: args.map { slots[$0].bits }.reduce(0, +),
                 isConstant: false, rounding: rounding)
        }
        while ops < targetOps && attempts < targetOps * 30 {
            attempts += 1
            let p: GraphPrimitive
            if let focus, chance(GraphGenerator.focusProbability) { p = focus } else { p = palette[uniform(palette.count)] }
            if kinkOnPurpose, case .builtin(let op) = p, GraphGenerator.kinkOps.contains(op) {
                kinkOnPurpose = false
                let j = uniform(n)
                let c = addConstant(point[j])
                var arg = j, other = c
                if op != .max && op != .min {
                    // x_j − c = 0 exactly; the second input (slope, alpha) is a drawn constant.
                    nodes.append(GraphNode(op: .sub, a: j, b: c, n: 0))
                    slots.append(slot(0, from: [j, c], rounding: 1))
                    arg = nodes.count - 1
                    other = op.info.arity == 2 ? addConstant(dyadic(op.info.sampleRanges[1])) : arg
                }
                let z = primal(p, slots[arg].value, slots[other].value, 0)
                nodes.append(GraphNode(op: op, a: arg, b: other, n: 0))
                slots.append(slot(z, from: [arg, other], rounding: 1))
                ops += 1
                continue
            }
            let arity: Int
            switch p {
            case .builtin(let op): arity = op.info.arity
            case .user(let k): arity = userPrimitives[k].arity
            }
            // First argument: the deepest node (grows the spine) or any non-constant node (fan-out).
            let deepest = slots.indices.filter { !slots[$0].isConstant }.max { slots[$0].depth < slots[$1].depth } ?? 0
            var a = chance(0.5) ? deepest : uniform(slots.count)
            if slots[a].isConstant { a = deepest }
            var b = a
            var exponent = 0
            if arity == 2 {
                if chance(0.25) {
                    let ranges: [ClosedRange<Double>]
                    switch p {
                    case .builtin(let op): ranges = op.info.sampleRanges
                    case .user(let k): ranges = userPrimitives[k].sampleRanges
                    }
                    b = -1   // a fresh constant, added only if the node is accepted
                    exponent = 0
                    let c = dyadic(ranges.count > 1 ? ranges[1] : -2...2)
                    if accept(p, slots[a].value, c, 0, rounding: (slots[a].rounding, 0)) == nil { continue }
                    b = addConstant(c)
                } else {
                    b = uniform(slots.count)
                    if chance(0.5) && b == a { b = uniform(slots.count) }
                }
            }
            if case .builtin(.powi) = p { exponent = [-3, -2, -1, 2, 3, 4][uniform(6)] }
            guard let rounding = accept(p, slots[a].value, slots[b].value, exponent,
                                        rounding: (slots[a].rounding, slots[b].rounding)) else { continue }
            let z = primal(p, slots[a].value, slots[b].value, exponent)
            let length = slots[a].length + (arity == 2 ? slots[b].length : 0) + 12
            guard length <= GraphGenerator.formulaLengthBound else { continue }
            let bits: Int
            switch p {
            case .builtin(.powi): bits = slots[a].bits * Swift.abs(exponent)
            case .builtin(.square): bits = slots[a].bits * 2
            case .builtin(.neg), .builtin(.relu), .builtin(.abs): bits = slots[a].bits
            default: bits = slots[a].bits + (arity == 2 ? slots[b].bits : 0)
            }
            let node: GraphNode
            switch p {
            case .builtin(let op): node = GraphNode(op: op, a: a, b: b, n: exponent)
            case .user(let k): node = GraphNode(op: .custom, a: a, b: b, n: k)
            }
            nodes.append(node)
            slots.append(Slot(value: z, depth: 1 + Swift.max(slots[a].depth, slots[b].depth), length: length,
                              bits: Swift.min(bits, 1 << 30), isConstant: slots[a].isConstant && slots[b].isConstant,
                              rounding: rounding))
            ops += 1
        }

        // Outputs: the deepest node, then random op nodes (distinct), up to maxOutputs.
        let opNodes = nodes.indices.filter { nodes[$0].op != .input && nodes[$0].op != .constant && !slots[$0].isConstant }
        var outputs: [Int] = []
        if let deep = opNodes.max(by: { slots[$0].depth < slots[$1].depth }) { outputs.append(deep) }
        else { outputs.append(0) }
        let extra = uniform(maxOutputs)
        for _ in 0..<extra where !opNodes.isEmpty {
            let k = opNodes[uniform(opNodes.count)]
            if !outputs.contains(k) { outputs.append(k) }
        }
        return RandomGraph(seed: seed, nodes: nodes, constants: constants, inputs: n, outputs: outputs,
                           point: point, userPrimitives: userPrimitives,
                           depth: outputs.map { slots[$0].depth }.max() ?? 0,
                           exactBits: outputs.map { slots[$0].bits }.max() ?? 0)
    }

    func primal(_ p: GraphPrimitive, _ x: Double, _ y: Double, _ n: Int) -> Double {
        switch p {
        case .builtin(let op): return Diagnostics.quietly { Rules.primal(op, x, y, n) }
        case .user(let k): return Diagnostics.quietly { RandomGraph.applyUser(userPrimitives[k], x, y) }
        }
    }

    /// The rounding bound of `p` placed on arguments with these values and rounding bounds (in ε),
    /// or nil when it may not be placed: outside the domain or its margin, near a kink, a value
    /// too large, or too ill-conditioned.
    func accept(_ p: GraphPrimitive, _ x: Double, _ y: Double, _ n: Int,
                rounding r: (Double, Double)) -> Double? {
        guard admissible(p, x, y, n) else { return nil }
        let z = primal(p, x, y, n)
        // Ill-conditioned values are not placed (like kinks). The running bound
        // r_z = 1 + (|x·∂x|·r_x + |y·∂y|·r_y)/|z| (in ε) follows how inputs' rounding reaches z;
        // beyond 2¹⁰ the value has lost 10 bits (x − y cancelling, log of tanh(10) or of
        // erf(6), which round to 1, long chains of amplifying ops). Differences then see the
        // noise's slope, not the function's, and the checker's error estimates, which assume
        // ε·|f|, do not notice (FoundIssuesTests), so no witness could decide.
        let (dx, dy): (Double, Double)
        let arity: Int
        switch p {
        case .builtin(let op):
            (dx, dy) = Rules.unmutatedPartials(op, x, y, n, output: z); arity = op.info.arity
        case .user(let k):
            (dx, dy) = Diagnostics.quietly { userPrimitives[k].partials(x, y, output: z) }; arity = userPrimitives[k].arity
        }
        let amplified = Swift.abs(x * dx) * r.0 + (arity == 2 ? Swift.abs(y * dy) * r.1 : 0)
        let unit = Swift.abs(x * dx) + (arity == 2 ? Swift.abs(y * dy) : 0)
        guard amplified.isFinite && unit.isFinite else { return nil }
        if unit > 0 && !(unit <= GraphGenerator.conditionBound * Swift.abs(z)) { return nil }
        if amplified == 0 { return 1 }
        guard z != 0 else { return nil }
        let rounding = 1 + amplified / Swift.abs(z)
        return rounding <= GraphGenerator.roundingBound ? rounding : nil
    }

    func admissible(_ p: GraphPrimitive, _ x: Double, _ y: Double, _ n: Int) -> Bool {
        switch p {
        case .builtin(let op):
            switch op {
            case .div: if Swift.abs(y) < 0.25 { return false }
            case .log, .sqrt: if x < 0.1 { return false }
            case .log1p: if x < -0.9 { return false }
            case .pow: if x < 0.2 || Swift.abs(y) > 3 { return false }
            case .tan: if Swift.abs(x) > 1.3 { return false }
            case .powi: if Swift.abs(x) < 0.25 { return false }
            default: break
            }
            if Rules.domainViolation(op, x, y, n) != nil { return false }
            if let d = Rules.kinkDistance(op, x, y), d < GraphGenerator.kinkMargin { return false }
        case .user(let k):
            let u = userPrimitives[k]
            if u.domainViolation(x, y) != nil { return false }
            if let d = u.kinkDistance(x, y), d < GraphGenerator.kinkMargin { return false }
        }
        let z = primal(p, x, y, n)
        return z.isFinite && Swift.abs(z) <= GraphGenerator.valueBound
    }
}
