import AdjointCore
import AdjointExact

/// Which existing mode produces the derivative expressions.
public enum SymbolicMode: String, Sendable, CaseIterable {
    /// `Dual<Symbolic, Symbolic>`: one pass per input, tangents are expressions.
    case forward
    /// A `Reverse<Symbolic>` tape: one recording, one pullback per output.
    case reverse
}

/// Derivative expressions of a function, with what was decided on the way.
public struct SymbolicJacobian: Sendable {
    /// The function's outputs as expressions.
    public let outputs: [Symbolic]
    /// `jacobian[i][j]` = ∂ outputᵢ / ∂ xⱼ.
    public let jacobian: [[Symbolic]]
    /// Comparisons decided by the binding point (their branch holds near it).
    public let boundComparisons: [String]
    /// Comparisons decided without a caller's point: at ``genericPoint``, so together they
    /// describe the region the derivative belongs to (see ``genericPoint``; the first 1,000 are
    /// listed, and every one is tested). Those whose outcome changes nothing asked for are in
    /// ``nonDecidingComparisons`` instead.
    public let unboundComparisons: [String]
    /// The point that decided every comparison when no point was given and the rules or the
    /// function compared values (relu's x > 0, max's x < y, expm1's choice of form): the
    /// derivative is f's on the open set where each of ``unboundComparisons`` goes the same way
    /// as there (off the boundaries of ``nonDecidingComparisons``), a region that contains this
    /// point (and, as far as eight samples tell, the points 2⁻¹⁷ (relative) around it).
    /// Nil when a point was given (its decisions are ``boundComparisons``) or when nothing was
    /// compared (the derivative holds wherever f is defined).
    ///
    /// Chosen reproducibly (``SymbolicDifferentiation/GenericPoint``): the first of a fixed
    /// seeded list where f is defined (no domain error, no NaN compared) and no comparison goes
    /// another way close by (to the other side, or onto or off a tie: a tie that holds all around
    /// the point is f's branch, as in x < x). A value that overflows there is no obstacle:
    /// only the decisions are asked of the point. Where no candidate qualifies,
    /// ``SymbolicDifferentiation/NoRegion`` is thrown instead.
    ///
    /// ```swift
    /// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [max(x[0], x[1]) + relu(x[0] - x[1])] } }
    /// let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 2)
    /// d.genericPoint          // [2.296…, 2.818…]: x0 < x1 there
    /// d.unboundComparisons    // ["x0 < x1 taken as true", …]: the region x0 < x1, where ∇f = [0, 1]
    /// ```
    public internal(set) var genericPoint: [Double]? = nil

    /// Comparisons decided at ``genericPoint`` whose other outcome, every other decision kept,
    /// gives the same expressions for what was asked: the outputs and the entries of the columns
    /// asked for (`wrt`; for a Hessian, those columns and their gradient entries). They are not
    /// part of the region: the entries hold on either side of each, off its boundary, and one may
    /// change side close to the point (relu(sin(10⁶y)) every π·10⁻⁶) without refusing it. The
    /// other outcomes are tried one at a time and then all together (see
    /// ``SymbolicDifferentiation/GenericPoint/classificationLimit``).
    ///
    /// ```swift
    /// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + T.relu(T.sin(1_000_000 * x[1]))] } }
    /// let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 2, wrt: [0])
    /// d.jacobian[0][0]              // 2*x0, whatever x1 is
    /// d.unboundComparisons          // []
    /// d.nonDecidingComparisons      // ["0 < sin(1000000*x1) taken as …"]
    /// ```
    public internal(set) var nonDecidingComparisons: [String] = []

    /// User primitives (by name) whose declared domain (``ScalarPrimitive/domainViolation(_:_:)``)
    /// the derivation could not check, because no point was given: called on arguments that are
    /// not constants, whose declaration restricts its inputs. The expressions are right wherever
    /// each is defined; evaluated outside, they are the rule's formula there, not an error. Empty
    /// when a point was given, where every domain is checked (a violation throws).
    ///
    /// A user domain is judged on Doubles, and without a point a variable has none: the predicate
    /// ran on the NaN read in its place, and a derivation of log x through a user log threw "domain
    /// error … (inputs: nan)" where the built-in log derives 1/x. It is now not run, and listed here.
    /// (A derivation decided at ``genericPoint`` runs it there, to find a point f is defined at;
    /// that point is the library's, not the caller's, so the domain is listed all the same.)
    ///
    /// ```swift
    /// enum PositiveLog: UnaryPrimitive {   // log x, for x > 0
    ///     static let name = "positive_log"
    ///     static func primal<T: ADScalar>(_ x: T) -> T { log(x) }
    ///     static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
    ///     static func domainViolation(_ x: Double) -> String? { x > 0 ? nil : "log needs x > 0" }
    /// }
    /// struct G: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [PositiveLog.apply(x[0])] } }
    /// try SymbolicDifferentiation.jacobian(of: G(), inputs: 1).uncheckedDomains            // ["positive_log"]
    /// try SymbolicDifferentiation.jacobian(of: G(), inputs: 1, at: [2]).uncheckedDomains   // []
    /// ```
    public internal(set) var uncheckedDomains: [String] = []

    /// The names for ``uncheckedDomains``: user primitives that restrict their inputs
    /// (`declaresDomain`), called on an argument that is not a constant.
    func userDomainsReached() -> [String] {
        let roots = symbols.map(\.id)
        guard let graph = roots.first.flatMap(ExpressionGraph.owner(of:)) else { return [] }
        var names: [String] = []
        var declares: [String: Bool] = [:]
        for i in graph.reachableUnchecked(from: roots) {
            let node = graph.existing(i)
            guard case .call(let name) = node.head, !names.contains(name) else { continue }
            let variable = node.arguments.contains { arg in
                if case .constant = graph.existing(arg).head { return false }
                return true
            }
            guard variable else { continue }
            let restricts = declares[name] ?? ExpressionGraph.primitive(named: name).map { $0.declaresDomain } ?? false
            declares[name] = restricts
            if restricts { names.append(name) }
        }
        return names
    }

    /// Ops with kinks in the function, registry ops (relu, abs, max, …) and user primitives that
    /// declare a kink (``ScalarPrimitive/kinkDistance(_:_:)``, see ``KinkedOp``): their derivative
    /// is the one for one side of each kink only, the side of the point given or of ``genericPoint``.
    ///
    /// An op whose registry entry declares ``OpInfo/ruleIsOneFormulaAcrossKinks``, or a primitive
    /// that declares ``ScalarPrimitive/ruleIsOneFormulaAcrossKinks``, is never listed: hypot's rule
    /// for symbolic scalars is (x/z, y/z) on every side of its one kink x = y = 0, so no side is
    /// chosen, and the rule's only branch (z = 0, the kink itself) is decided at ``genericPoint``
    /// like any comparison, which the derivation reports.
    /// asinh′ = 1/hypot(1, x) put one in every gradient of asinh, and `jac diff "asinh(x)"
    /// --order 2` asked for --at for a smooth function; `jac diff "hypot(x1 - x2, y1 - y2)"`, a
    /// distance, asked for it for a derivative that is one formula wherever the distance is not 0.
    /// A user primitive was never listed, its kinks declared or not: |x₀|·x₁ through a user abs
    /// gave one side's derivative with this list empty, where the built-in abs was listed.
    ///
    /// ```swift
    /// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.asinh(x[0])] } }
    /// try SymbolicDifferentiation.hessian(of: F(), inputs: 1).kinkedOps   // []: hypot(1, x) has no kink
    /// ```
    public var kinkedOps: [KinkedOp] { kinkedOps(wrt: nil) }

    /// ``kinkedOps`` whose arguments depend on one of `variables` (all when nil): only those
    /// decide a derivative with respect to them. `jac diff "x^2 + relu(y)" --wrt x` was refused
    /// for relu, which no entry of the column asked for reads. A user primitive's kink is about
    /// all its arguments (it declares no kink arguments).
    ///
    /// ```swift
    /// struct G: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + T.relu(x[1])] } }
    /// try SymbolicDifferentiation.jacobian(of: G(), inputs: 2).kinkedOps(wrt: [0])   // []
    /// ```
    public func kinkedOps(wrt variables: [Int]?) -> [KinkedOp] {
        let roots = outputs.map(\.id)
        guard let graph = roots.first.flatMap(ExpressionGraph.owner(of:)) else { return [] }
        var ops: [KinkedOp] = []
        // Children come before parents, so whether a node reads a chosen variable is known for
        // its arguments when it is reached.
        var reads: [Int: Bool] = [:]
        // A primitive's declaration is probed once per name, however many calls of it there are.
        var userKinked: [String: Bool] = [:]
        for i in graph.reachableUnchecked(from: roots) {
            let node = graph.existing(i)
            if let variables {
                if case .variable(let j) = node.head { reads[i] = variables.contains(j) }
                else { reads[i] = node.arguments.contains { reads[$0] ?? false } }
            }
            let kinked: KinkedOp
            switch node.head {
            case .op(let op):
                guard case .kinks = op.info.smoothness, !op.info.ruleIsOneFormulaAcrossKinks else { continue }
                kinked = .builtin(op)
            case .call(let name):
                let listed = userKinked[name] ?? ExpressionGraph.primitive(named: name).map {
                    $0.declaresKinks && !$0.ruleIsOneFormulaAcrossKinks
                } ?? false
                userKinked[name] = listed
                guard listed else { continue }
                kinked = .user(name)
            case .variable, .constant: continue
            }
            if ops.contains(kinked) { continue }
            if variables != nil, !node.arguments.contains(where: { reads[$0] ?? false }) { continue }
            ops.append(kinked)
        }
        return ops
    }

    /// An op with kinks as ``kinkedOps`` lists it: a registry op, or a user primitive
    /// (``ScalarPrimitive``) by its name, the name its calls print under. ``name`` is what a
    /// message shows for either.
    ///
    /// ```swift
    /// SymbolicJacobian.KinkedOp.builtin(.relu).name   // "relu"
    /// SymbolicJacobian.KinkedOp.user("my_abs").name   // "my_abs"
    /// ```
    public enum KinkedOp: Hashable, Sendable, CustomStringConvertible {
        /// A registry op whose entry declares kinks (``OpInfo/smoothness``).
        case builtin(Op)
        /// A user primitive, by its name, whose `kinkDistance` declares a kink.
        case user(String)

        /// The op's name in the formula language, or the primitive's declared name.
        public var name: String {
            switch self {
            case .builtin(let op): return op.info.name
            case .user(let name): return name
            }
        }

        public var description: String { name }
    }

    /// All entries row by row.
    public var entries: [Symbolic] { jacobian.flatMap { $0 } }

    /// Outputs, then entries row by row: what a derivation moves out of its graph.
    var symbols: [Symbolic] { outputs + entries }

    /// The same with ``symbols`` replaced, in their order.
    func replacing(_ symbols: [Symbolic]) -> SymbolicJacobian {
        var rest = symbols.dropFirst(outputs.count)
        let rows = jacobian.map { row -> [Symbolic] in
            defer { rest = rest.dropFirst(row.count) }
            return Array(rest.prefix(row.count))
        }
        var result = SymbolicJacobian(outputs: Array(symbols.prefix(outputs.count)), jacobian: rows,
                                      boundComparisons: boundComparisons, unboundComparisons: unboundComparisons)
        result.genericPoint = genericPoint
        result.nonDecidingComparisons = nonDecidingComparisons
        result.uncheckedDomains = uncheckedDomains
        return result
    }
}

/// Symbolic derivatives from the registry's own modes.
///
/// A row of the Jacobian holds no term of another output: the zeros a mode writes for "no
/// contribution" (the cotangent seeding another output, a constant's tangent, a rule's zero
/// partial) are structural, and a product with one vanishes even where its other factor is
/// undefined, as the numeric sweep cuts a product with the constant 0. So f = (x², log x) has
/// ∂f₁/∂x = 2x, not 2x + 0·(1/x), which is undefined at 0. The function's own 0·(1/y) stays.
///
/// ```swift
/// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0]) + x[0] * x[1] - sin(x[1])] } }
/// let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 2)
/// try d.jacobian[0].map { try $0.formula(variables: ["x1", "x2"]) }   // ["x2 + 1/x1", "x1 - cos(x2)"]
/// ```
public enum SymbolicDifferentiation {
    /// The function's outputs as expressions of variables 0..<inputs.
    public static func expressions(of f: some ADFunction, inputs n: Int, at point: [Double]? = nil) throws -> [Symbolic] {
        try inOwnGraph({ () throws -> [Symbolic] in
            let x = try variables(n, point)
            return Diagnostics.quietly { f(x) }
        }, moving: { $0 }, { $1 })
    }

    /// Runs one derivation in a graph of its own and moves what it returns (`symbols` of the
    /// result, put back in by `rebuilt`) into the caller's graph; every other node is freed with
    /// that graph when the derivation ends, finished or not.
    ///
    /// All derivations used to build in the one process-wide graph, which never frees a node. A
    /// loop whose test reads the inputs (a Newton iteration's `while abs(delta) > tol`) never ends
    /// on symbols without a point (each unbound comparison is taken as true): it filled that graph
    /// to its cap of 2²² nodes and kept it, and every later symbolic call in the process failed
    /// with the same limit, a 30,000-node one included (a review). Filling a derivation's graph
    /// to that cap takes 43 s in an optimised build and 151–187 s in a debug one on the 2-core
    /// development machine, with a peak of 940 MB resident (measured 2026-12-03; the docs had
    /// said a minute).
    ///
    /// Throws ``ADError/limitExceeded(what:limit:)`` when the derivation's graph refused a node
    /// (its results would hold NaN in place of the refused expressions), naming the first
    /// comparison decided without a point, the usual cause, and when the caller's graph cannot
    /// take the results.
    static func inOwnGraph<R>(_ body: () throws -> R, moving symbols: (R) -> [Symbolic],
                              _ rebuilt: (R, [Symbolic]) -> R) throws -> R {
        let parent = ExpressionGraph.current
        let graph = ExpressionGraph.forDerivation()
        // A NaN in place of a refused node can make the body fail another way: the limit is the cause.
        let (r, log) = ExpressionGraph.$derivation.withValue(graph) { BranchLog.recording { Result { try body() } } }
        if let why = graph.foreignUse { throw ADError.invalidArgument(why) }
        if graph.refusals > 0 {
            let hint = log.unbound.first.map {
                "comparisons were decided without a point, the first \"\($0)\": a loop whose test reads the inputs does not end that way; pass the point with at:"
            }
            throw ADError.limitExceeded(what: graph.limitDescription(hint), limit: graph.maximumNodeCount)
        }
        let result = try r.get()
        let kept = symbols(result)
        guard let ids = parent.adopt(kept.map(\.id), from: graph) else {
            throw ADError.limitExceeded(what: parent.limitDescription("the results of a derivation did not fit"), limit: parent.maximumNodeCount)
        }
        return rebuilt(result, zip(kept, ids).map { Symbolic(id: $1, binding: $0.binding, isStructuralZero: $0.isStructuralZero) })
    }

    /// The Jacobian as expressions, by `mode`. With `point`, branches are decided there, and the
    /// point is checked as the numeric modes check it: a domain error, or an output or entry whose
    /// Double value there is NaN or ±∞, throws (``ADError/nonFinite(what:op:node:)``), in either mode.
    /// Unlike the numeric modes, an overflow on the way is no error where exact rationals give a
    /// finite value: an output when every op of f is rational (x⁴⁰⁰/x³⁹⁹ at 10 is 10), an entry
    /// when every op of its expression is.
    ///
    /// Without `point`, a derivation that compares values (a kinked op's rule, a form chosen for
    /// accuracy, a branch of f) is decided at one generic point, ``SymbolicJacobian/genericPoint``:
    /// the derivative is f's on that point's region, or ``NoRegion`` is thrown when no candidate
    /// lies inside one (see ``decidingComparisons(inputs:at:columns:asked:_:)``). Only the
    /// comparisons that change the outputs or the entries of the `wrt` columns make the region
    /// (``SymbolicJacobian/nonDecidingComparisons``): ∂/∂x of x² + relu(sin(10⁶y)) is 2x with no
    /// region to sample in y.
    ///
    /// ```swift
    /// struct Root: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0])] } }
    /// try SymbolicDifferentiation.jacobian(of: Root(), inputs: 1)             // [[0.5/sqrt(x0)]]
    /// try SymbolicDifferentiation.jacobian(of: Root(), inputs: 1, at: [0])    // throws: 0.5/sqrt(x0) divides by zero there
    /// ```
    ///
    /// - Parameter wrt: the columns (inputs) the caller will use; only their entries are checked at
    ///   `point` (nil: all). ∂(x² + √y)/∂x is 2x at y = 0, where the ∂/∂y entry is +∞: asking
    ///   for x alone (`jac diff … --wrt x`) was refused for the column not asked for. Every column
    ///   is still built; an index outside 0..<inputs throws ``ADError/invalidArgument(_:)``.
    public static func jacobian(of f: some ADFunction, inputs n: Int, mode: SymbolicMode = .reverse,
                                at point: [Double]? = nil, wrt columns: [Int]? = nil) throws -> SymbolicJacobian {
        let asked = columns ?? Array(0..<Swift.max(n, 0))   // a negative n is refused by the derivation, not trapped here
        return try decidingComparisons(inputs: n, at: point, columns: columns, asked: { d in
            d.outputs + d.jacobian.flatMap { row in asked.map { row[$0] } }
        }) { p in try decidedJacobian(of: f, inputs: n, mode: mode, at: p, wrt: columns) }
    }

    /// ``jacobian(of:inputs:mode:at:wrt:)`` with each comparison decided as it comes: at `point`,
    /// or without one on its own (see ``Symbolic``); only ``decidingComparisons(inputs:at:columns:asked:_:)``
    /// calls it without a point.
    static func decidedJacobian(of f: some ADFunction, inputs n: Int, mode: SymbolicMode,
                                at point: [Double]?, wrt columns: [Int]?) throws -> SymbolicJacobian {
        if let c = f.inputCount, c != n { throw ADError.dimensionMismatch(what: "number of inputs", expected: c, got: n) }
        if let bad = columns?.first(where: { $0 < 0 || $0 >= n }) {
            throw ADError.invalidArgument("column \(bad) is not an input (the function has \(n), columns 0..<\(n))")
        }
        return try inOwnGraph({ try jacobian(of: f, try variables(n, point), mode: mode, checking: columns) },
                              moving: \.symbols, { $0.replacing($1) })
    }

    /// `derive(point)` when a point is given; without one, the derivation without a point, and
    /// when that compared values, the derivation at ``GenericPoint``'s first candidate that lies
    /// inside a region, reported as ``SymbolicJacobian/genericPoint``.
    ///
    /// Each comparison used to be decided on its own without a point (a variable side large and
    /// positive, two variable sides by node order), and together they could hold nowhere:
    /// max(x0, x1) + relu(x0 − x1) took x0 < x1 and x0 − x1 > 0 and gave [1, 0], the derivative
    /// of no region ([0, 1] where x0 < x1, [2, −1] where x0 > x1, by hand). Decided at one
    /// point, they are all true together there.
    ///
    /// The derivation without a point runs first: without comparisons it is the answer, valid
    /// wherever f is defined, and a function no candidate is inside the domain of (log(x − 1000))
    /// still gets it. Everything runs in a graph of its own, so only the answer reaches the
    /// caller's graph.
    ///
    /// Only comparisons that decide what was asked (`asked`: the outputs and the entries of the
    /// columns asked for) make the region: one whose other outcome gives the same expressions
    /// is listed in ``SymbolicJacobian/nonDecidingComparisons`` instead, and may change side
    /// close to the point (see ``GenericPoint/nonDeciding(_:base:at:asked:everyComparison:_:)``).
    /// Every comparison is asked about when `columns` leaves some out (`jac diff f --wrt x`,
    /// whose note should name no comparison of y's alone); otherwise only those that change
    /// close to the point, which would refuse it, so a full Jacobian pays no extra derivation
    /// where it did not before.
    static func decidingComparisons(inputs n: Int, at point: [Double]?, columns: [Int]?, asked: @escaping (SymbolicJacobian) -> [Symbolic],
                                    _ derive: @escaping ([Double]?) throws -> SymbolicJacobian) throws -> SymbolicJacobian {
        if point != nil { return try derive(point) }
        let someColumns = columns.map { Set($0).count < n } ?? false
        var result = try inOwnGraph({ () throws -> SymbolicJacobian in
            let unbound = try derive(nil)
            if unbound.unboundComparisons.isEmpty { return unbound }
            var undefined: [String] = []
            let candidates = GenericPoint.candidates(n)
            for p in candidates {
                let d: SymbolicJacobian
                let run = GenericPoint.Run(testing: true)
                do {
                    d = try GenericPoint.$run.withValue(run) { try derive(p) }
                } catch let rejection as GenericPoint.Rejection {
                    if rejection.undefined { undefined.append("\(p): \(rejection.reason)"); continue }
                    throw NoRegion(reason: rejection.reason, point: p, nearby: rejection.nearby)
                } catch let e as ADError {
                    // Outside f's domain, or where a value overflows: not a region's question.
                    switch e {
                    case .domain, .nonFinite: undefined.append("\(p): \(e)"); continue
                    default: throw e
                    }
                }
                let ignored = try GenericPoint.nonDeciding(run, base: d, at: p, asked: asked, everyComparison: someColumns, derive)
                let ignoredTexts = Set(ignored.compactMap { run.texts[$0] })
                var chosen = SymbolicJacobian(outputs: d.outputs, jacobian: d.jacobian, boundComparisons: [],
                                              unboundComparisons: d.boundComparisons.filter { !ignoredTexts.contains($0) })
                chosen.nonDecidingComparisons = run.met.filter(ignored.contains).compactMap { run.texts[$0] }
                chosen.genericPoint = p
                return chosen
            }
            throw NoRegion(reason: "f is undefined (a domain error, or a NaN compared) at each of the \(candidates.count) points tried "
                           + "(the first: \(undefined.first ?? "none"))", point: nil)
        }, moving: \.symbols, { $0.replacing($1) })
        result.uncheckedDomains = result.userDomainsReached()
        return result
    }

    /// The error for a derivative without a point that no region of the inputs can be given for:
    /// a comparison went another way within 2⁻¹⁷ (relative) of the point tried (a region too
    /// narrow to sample, as relu(sin(10⁶x)); a side that is 0 in the reals and whose sign or zero
    /// is rounding's, as relu(sin²x + cos²x − 1); the point on a kink), or f was undefined at
    /// every candidate. The branch taken would then be that of no open region, so no derivative is
    /// returned; pass a point with `at:` to choose the branch there.
    ///
    /// ```swift
    /// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(T.sin(1_000_000 * x[0]))] } }
    /// try SymbolicDifferentiation.jacobian(of: F(), inputs: 1)   // throws NoRegion: 0 < sin(1000000*x0) changes 2·10⁻⁵ away
    /// ```
    public struct NoRegion: Error, Equatable, Sendable, CustomStringConvertible {
        /// What went wrong: the comparison, its outcome at ``point`` and at ``nearby`` and its sides'
        /// values there, or why no candidate was defined.
        public let reason: String
        /// The point the comparisons were decided at (nil when no candidate point was defined).
        public let point: [Double]?
        /// The point beside ``point`` where the comparison went the other way (nil when none was
        /// found: no candidate was defined).
        public let nearby: [Double]?

        /// The error for a comparison decided at `point` that goes another way at `nearby`.
        public init(reason: String, point: [Double]?, nearby: [Double]? = nil) {
            self.reason = reason; self.point = point; self.nearby = nearby
        }

        /// How far ``nearby`` is from ``point``, relative to max(1, |xᵢ|) in the coordinate that
        /// moved most (nil without both).
        public var relativeDistance: Double? {
            guard let point, let nearby, point.count == nearby.count else { return nil }
            return zip(point, nearby).map { p, q in Swift.abs(q - p) / Swift.max(1, Swift.abs(p)) }.max()
        }

        /// Says what decided (the comparison), where (the point and the nearby point, their
        /// coordinates named x0, x1, … in f's input order), and what to do (pass a point).
        public var description: String {
            func named(_ p: [Double]) -> String { p.enumerated().map { "x\($0) = \($1)" }.joined(separator: ", ") }
            guard let point else {
                return "no region of the inputs for a derivative without a point: \(reason); pass a point (at:) inside f's domain"
            }
            var text = "no region of the inputs for a derivative without a point: the comparisons were decided at \(named(point)), and \(reason)"
            if let nearby {
                text += "; the nearby point is \(named(nearby))"
                if let d = relativeDistance { text += ", \(d) (relative) away" }
            }
            return text + ". A derivative decided there would hold on no open region around the point: pass a point (at:) to take "
                + "the branch that holds at it"
        }
    }

    /// The points that decide comparisons for a derivation without one, and the tests that a
    /// point lies inside a region rather than at or near the edge of one.
    public enum GenericPoint {
        /// The seed of the candidates: the same points, in the same order, on every run.
        public static let seed: UInt64 = 0x5EED_0047
        /// How many candidates are tried for one where f and its derivative are defined.
        public static let candidateCount = 16
        /// Sides closer than this, relative to the larger, are a tie: a decision between them may
        /// be rounding's (sin²x + cos²x − 1 > 0), so a tie must hold all around the point or not
        /// at all.
        public static let tieTolerance = 0x1p-30
        /// How far (relative to max(1, |xᵢ|)) the decisions are asked again around the point: a
        /// region narrower than this is not sampled, and a side whose sign is rounding's changes.
        public static let perturbation = 0x1p-17

        /// Set while a candidate is derived: each comparison is decided through ``decide(_:_:_:_:)``
        /// and recorded here, and each derivation tests its decisions.
        @TaskLocal static var run: Run?
        /// Whether a candidate is being derived.
        static var searching: Bool { run != nil }

        /// Most comparisons whose outcome is asked about, one derivation each (see
        /// ``nonDeciding(_:base:at:asked:everyComparison:_:)``). A comparison past it counts as
        /// deciding: it stays in the region, or refuses it when it changes close to the point.
        public static let classificationLimit = 32

        /// A comparison recognised in any derivation: its relation and its sides' structure.
        struct ComparisonKey: Hashable {
            let a: ExpressionGraph.StructuralKey, relation: String, b: ExpressionGraph.StructuralKey
            init?(_ a: Symbolic, _ relation: String, _ b: Symbolic) {
                let graph = ExpressionGraph.current
                guard let ka = graph.structuralKey(a.id), let kb = graph.structuralKey(b.id) else { return nil }
                self.a = ka; self.relation = relation; self.b = kb
            }
        }

        /// One derivation at a candidate: which outcomes it takes the other way, and what it met.
        final class Run: @unchecked Sendable {
            /// Comparisons decided against the point: their other outcome, every other decision kept.
            let flipped: Set<ComparisonKey>
            /// Whether the decisions are asked again around the point (not while their outcomes
            /// are being flipped: a flipped decision is the point's other side by construction).
            let testing: Bool
            /// Each comparison met, in order, with its log text ("a < b taken as true").
            var met: [ComparisonKey] = []
            var texts: [ComparisonKey: String] = [:]
            /// Comparisons that went another way (or onto or off a tie) close to the point, in
            /// order, with the first reason for each.
            var unstable: [ComparisonKey] = []
            var reasons: [ComparisonKey: String] = [:]
            /// Where each of `unstable` went the other way: the point beside the one tried.
            var nearby: [ComparisonKey: [Double]] = [:]

            init(flipping flipped: Set<ComparisonKey> = [], testing: Bool) { self.flipped = flipped; self.testing = testing }
        }

        /// The outcome of comparing `a` and `b` bound to a candidate: `natural`, or its negation
        /// for a comparison the running ``Run`` flips. Registry predicates that only keep a value
        /// inside a domain (``Symbolic/libraryPredicate(_:)``) are neither flipped nor recorded.
        static func decide(_ a: Symbolic, _ relation: String, _ b: Symbolic, _ natural: Bool) -> Bool {
            guard let run, !BranchLog.checking, let key = ComparisonKey(a, relation, b) else { return natural }
            let decided = run.flipped.contains(key) ? !natural : natural
            if run.texts[key] == nil {
                run.texts[key] = "\(BranchLog.shown(a)) \(relation) \(BranchLog.shown(b)) taken as \(decided)"
                run.met.append(key)
            }
            return decided
        }

        /// The comparisons of `run` (a derivation at `point` that gave `base`) whose outcome does
        /// not change what the caller asked for (`asked`: the outputs and entries of the columns
        /// asked for): flipped, alone, with every other decision kept, the derivation gives the
        /// same expressions and meets no comparison `run` did not. Those are asked first that
        /// went another way close to the point, then, with `everyComparison`, the rest.
        ///
        /// ∂/∂x of x² + relu(sin(10⁶y)) is 2x whatever y is: relu's comparison, whose side changes
        /// every π·10⁻⁶, refused the derivation (``NoRegion``) though neither of its outcomes
        /// reaches ∂/∂x. A comparison that does matter stays: ∂/∂x of (y > 0 ? x : 2x) is 1 or 2.
        ///
        /// Throws ``NoRegion`` when a comparison that changes close to the point decides, or
        /// when the ones found not to decide alone change the expressions flipped together ((y > 0
        /// || z > 0) ? x : 2x at y, z > 0, written without short-circuit). Outcomes flipped three
        /// or more at a time are not tried.
        static func nonDeciding(_ run: Run, base: SymbolicJacobian, at point: [Double], asked: (SymbolicJacobian) -> [Symbolic],
                                everyComparison: Bool, _ derive: ([Double]?) throws -> SymbolicJacobian) throws -> Set<ComparisonKey> {
            let stable = everyComparison ? run.met.filter { run.reasons[$0] == nil } : []
            let candidates = run.unstable + stable
            guard !candidates.isEmpty else { return [] }
            let baseIDs = asked(base).map(\.id)
            let baseMet = Set(run.met)
            // Ids compare expressions: both derivations' results were moved into the running graph,
            // which interns each expression once.
            func unchanged(flipping keys: Set<ComparisonKey>) -> Bool {
                let flippedRun = Run(flipping: keys, testing: false)
                guard let d = try? $run.withValue(flippedRun, operation: { try derive(point) }) else { return false }
                return asked(d).map(\.id) == baseIDs && flippedRun.met.allSatisfy(baseMet.contains)
            }
            var ignored: [ComparisonKey] = []
            for (k, key) in candidates.enumerated() {
                if k < classificationLimit && unchanged(flipping: [key]) { ignored.append(key); continue }
                if let reason = run.reasons[key] { throw NoRegion(reason: reason, point: point, nearby: run.nearby[key]) }
            }
            if ignored.count > 1 && !unchanged(flipping: Set(ignored)) {
                // The ones the point needs ignored (they change close to it), if those alone hold together.
                let needed = ignored.filter { run.reasons[$0] != nil }
                if needed.count > 1 && !unchanged(flipping: Set(needed)) {
                    throw NoRegion(reason: "\(run.reasons[needed[0]] ?? ""); the comparisons that change close to the point each leave "
                                   + "the entries asked for unchanged alone, but not taken the other way together", point: point,
                                   nearby: run.nearby[needed[0]])
                }
                return Set(needed)
            }
            return Set(ignored)
        }

        /// Why a candidate lies in no region. `undefined`: a side was NaN there or beside it (an
        /// overflow's ∞ − ∞), which another candidate may not meet; otherwise a decision changed
        /// side or tie close by, which ends the search (at a random point that happens by chance
        /// about once in 10⁵ per comparison; otherwise it is the function's doing).
        struct Rejection: Error { let reason: String; var undefined = false; var nearby: [Double]? = nil }

        /// The candidates for n inputs, in the order tried. The first has 2 < x0 < x1 < … < 3:
        /// beyond the thresholds 0 and ±1 the rules use, on the side the derivation without a
        /// point took (a variable large and positive, the one built first the smaller), so where
        /// that gave one region's derivative the answer keeps it. The second has 0 < x0 < … < 1
        /// (inside √(1 − x²)'s domain); the rest draw each coordinate from ±1, ±4, ±0.25
        /// and ±16 in turn, both signs.
        ///
        /// ```swift
        /// SymbolicDifferentiation.GenericPoint.candidates(2)[0]   // [2.296…, 2.818…]: where max(x0, x1) + relu(x0 − x1) is decided
        /// ```
        public static func candidates(_ n: Int) -> [[Double]] {
            var g = SeededGenerator(seed: seed)
            let scales = [1.0, 4, 0.25, 16]
            return (0..<candidateCount).map { k -> [Double] in
                (0..<n).map { i -> Double in
                    let u = g.nextUnit()
                    switch k {
                    case 0: return 2 + (Double(i) + 0.1 + 0.8 * u) / Double(n)
                    case 1: return (Double(i) + 0.1 + 0.8 * u) / Double(n)
                    default: return scales[(k - 2) % scales.count] * (2 * u - 1)
                    }
                }
            }
        }

        /// Whether sides `a` and `b` of a comparison are at or near a tie, or cannot be compared
        /// (two infinities of one sign). One infinite side is no tie: a value that overflowed is
        /// far from every finite one, on the side its sign says.
        static func isTie(_ a: Double, _ b: Double) -> Bool {
            if a.isInfinite || b.isInfinite { return a == b }
            return abs(a - b) <= tieTolerance * Swift.max(abs(a), abs(b))
        }

        /// Records in the running ``Run`` each decision of `log`, taken at `point`, that goes the
        /// other way, or ties where it did not or no longer ties where it did, at one of eight
        /// points around it (the caller then asks whether its outcome matters; a NaN side there
        /// throws ``Rejection``): ±t·``perturbation``·max(1, |xᵢ|) along a seeded direction of signs, for
        /// t = 1, 1/2, 1/4, 1/8, each with its own direction. The decisions fix the path through
        /// f, so where each goes the same way the same expressions hold.
        ///
        /// A tie that holds all around the point is no obstacle: its sides are equal on an open
        /// set, so their gradients are too, and the branch taken there is f's: a user's x < x is
        /// false throughout, and a kinked rule's tie convention combines equal gradients (max's
        /// ½∇a + ½∇b = ∇a for max(max(x0, x1), x1) where x0 < x1; relu's 0·∇g with ∇g = 0). A tie
        /// at the point alone means the point is on a kink. A region narrower than the
        /// perturbation, or a side whose sign or zero is rounding's (sin²x + cos²x − 1), changes
        /// at one of the eight with a probability of about 1 − 2⁻⁸. Reads the sides in the running
        /// derivation's graph.
        static func test(_ log: BranchLog, at point: [Double]) throws {
            guard let run, run.testing else { return }
            if let nan = log.firstNaN { throw Rejection(reason: "the comparison \(nan) has a NaN side", undefined: true) }
            guard !log.boundSides.isEmpty else { return }
            var g = SeededGenerator(seed: seed ^ 0xD1CE)
            let ids = log.boundSides.flatMap { [$0.a, $0.b] }
            for t in [1.0, 0.5, 0.25, 0.125] {
                let direction = point.map { x in (g.next() & 1 == 0 ? t : -t) * perturbation * Swift.max(1, abs(x)) }
                for sign in [1.0, -1.0] {
                    let q = zip(point, direction).map { $0 + sign * $1 }
                    let v: [Double] = Diagnostics.quietly { ExpressionGraph.current.evaluateUnchecked(ids, at: q) }
                    for (k, side) in log.boundSides.enumerated() {
                        let (a, b) = (v[2 * k], v[2 * k + 1])
                        if a.isNaN || b.isNaN {
                            throw Rejection(reason: "a comparison has a NaN side at \(q), beside the point", undefined: true)
                        }
                        let decided = side.relation == "==" ? a == b : a < b
                        let tie = isTie(a, b)
                        guard decided != side.decided || tie != side.tie else { continue }
                        // Unrecognisable (a side of another graph): refused as before.
                        guard let key = side.key else { throw Rejection(reason: "a comparison changes close to the point", nearby: q) }
                        guard run.reasons[key] == nil else { continue }
                        let text = [side.a, side.b].map { BranchLog.shown(Symbolic(id: $0, binding: nil)) }
                        let comparison = "the comparison \(text[0]) \(side.relation) \(text[1])"
                        run.unstable.append(key)
                        run.nearby[key] = q
                        // The points themselves are the error's (``NoRegion/point``, ``NoRegion/nearby``):
                        // a caller names their coordinates, as `jac` does with the variables'.
                        if side.tie {
                            run.reasons[key] = "\(comparison) is at or near a tie at the point but not at the nearby point "
                                + "(its sides there: \(a) and \(b)): the point is on a kink, or rounding decides the side"
                        } else {
                            run.reasons[key] = "\(comparison) is \(side.decided) at the point but \(decided)\(tie ? " or near a tie" : "") "
                                + "at the nearby point (its sides there: \(a) and \(b)): the region where it is \(side.decided) is "
                                + "narrower than that, or a side's sign is rounding's"
                        }
                    }
                }
            }
        }
    }

    /// Set by a caller that wants the expressions at a point even where a value of f or of an
    /// entry is ±∞ or NaN in Double there (an overflow: `jac diff "exp(x)" --at x=1000`, whose
    /// derivative exp(x) is exact though e¹⁰⁰⁰ is beyond Double's range), and judges the values
    /// itself. A domain error still throws, and so does a comparison decided there between a
    /// side that is not finite and another (its branch would be Double's, not the reals').
    @TaskLocal package static var acceptingOverflow = false

    static func jacobian(of f: some ADFunction, _ x: [Symbolic], mode: SymbolicMode,
                         checking columns: [Int]? = nil) throws -> SymbolicJacobian {
        // The outputs as nodes (relu(x) stays relu(x)); inside Dual and Reverse a registry primal
        // written with branches runs on the symbols and yields the branch the binding selects.
        let plain = Diagnostics.quietly { f(x) }
        // Zeros the modes write for "no contribution" are structural here (Symbolic.isStructuralZero):
        // the row of output 1 must not carry output 2's 0·(1/x), undefined at x = 0.
        // Errors are collected around the whole derivation and the first is thrown: a user
        // primitive whose rule cannot run on symbols (a Double-only black box, a vector primitive)
        // reports from inside the forward passes or the reverse sweeps, which let the report go
        // and left a NaN constant in the derivative with no error.
        let ((_, jac), log) = try BranchLog.recording { () throws -> ([Symbolic], [[Symbolic]]) in
            try Symbolic.$differentiating.withValue(true) {
                let (result, diagnostics) = try Diagnostics.collect { () throws -> ([Symbolic], [[Symbolic]]) in
                    switch mode {
                    case .forward: return forward(f, x)
                    case .reverse: return try reverse(f, x)
                    }
                }
                // The read first: the NaN an unbound read gives is its consequence.
                if diagnostics.escapes > 0 {
                    throw ADError.invalidArgument("the derivative read a symbolic value as a Double \(diagnostics.escapes) time(s) "
                        + "(approximateDouble, in the function or in a primitive's partials): the expression would hold that "
                        + "value, taken at the binding point, as a constant; write the rule with the scalar type's operations")
                }
                if let e = diagnostics.errors.first { throw e }
                return result
            }
        }
        // At a binding point a non-finite value is an error, as in the numeric modes (which throw
        // for a non-finite output or Jacobian entry). Unchecked, forward mode returned
        // exp(x) − exp(x) at x = 1000 as the expression 0 whose value there is NaN (∞ − ∞), with no
        // error, where reverse mode threw; and both returned sqrt's derivative at 0 as
        // 0.5/sqrt(x0), ∞ there, with no error. Unbound values carry no Double and pass.
        // An output, like an entry below, can overflow in Double where its value does not
        // (x⁴⁰⁰/x³⁹⁹ at 10 is 10): where f's ops are all rational, f itself is asked exactly. f,
        // not the simplified output: exp(x) − exp(x) is the expression 0, but exp is not
        // rational, and at 1000 it stays the non-finite output the numeric modes report.
        let point = x.compactMap(\.binding)
        // At a generic point only the decisions are asked: a value that overflows there (x^(2^50000)
        // at 2.59) is no error of the expressions, which the caller gets without a point.
        if GenericPoint.searching, point.count == x.count {
            try GenericPoint.test(log, at: point)
            return SymbolicJacobian(outputs: plain, jacobian: jac, boundComparisons: log.bound, unboundComparisons: log.unbound)
        }
        if Self.acceptingOverflow, point.count == x.count {
            if let side = log.firstNonFinite {
                throw ADError.nonFinite(what: "the comparison \(side) at the binding point: a branch was chosen between values "
                                        + "Double cannot hold", op: nil, node: nil)
            }
            return SymbolicJacobian(outputs: plain, jacobian: jac, boundComparisons: log.bound, unboundComparisons: log.unbound)
        }
        if let i = plain.firstIndex(where: { !$0.isFiniteValue }),
           !(point.count == x.count && Self.valueIsFiniteExactly(f, at: point)) {
            throw ADError.nonFinite(what: "output \(i) at the binding point (\(plain[i].binding ?? .nan) in Double)", op: nil, node: nil)
        }
        for (i, row) in jac.enumerated() {
            // An entry's Double value can leave the range where the derivative does not: the
            // quotient rule on x²/x³⁰⁰ divides by (x³⁰⁰)², 0 in Double at x = 0.1, and the entry,
            // −2.98e301, was refused as −∞. Where its ops are rational it is asked exactly.
            if let j = (columns ?? Array(row.indices)).first(where: {
                !row[$0].isFiniteValue && !(point.count == x.count && Self.isFiniteExactly(row[$0].id, at: point))
            }) {
                // The expression's own undefined op first (the division in sqrt's 0.5/sqrt(x) at
                // 0), as evaluating it there reports; the value otherwise (an overflow).
                if point.count == x.count { _ = try value(of: GraphFunction(roots: [row[j].id], inputs: x.count), at: point) }
                // Unbound, an entry has a value only if its expression is a constant (√(x − x)'s
                // 0.5/√0 · 0): then it is not finite anywhere, and there is no binding point.
                let where_ = point.count == x.count ? "at the binding point" : "for every value of the variables (a constant expression)"
                throw ADError.nonFinite(what: "Jacobian entry (\(i), \(j)) \(where_) (\(row[j].binding ?? .nan) in Double)",
                                        op: nil, node: nil)
            }
        }
        return SymbolicJacobian(outputs: plain, jacobian: jac, boundComparisons: log.bound,
                                unboundComparisons: log.unbound)
    }

    /// Second derivatives of output `output`: the reverse-mode gradient expressions, each
    /// differentiated again by reverse mode over its own DAG (``ExpressionGraph/evaluate(_:at:)``).
    ///
    /// More than `maximumDimension` inputs throws ``ADError/limitExceeded(what:limit:)`` before
    /// any work: n² entries and n pullbacks, the same bound as the numeric
    /// `hessian(of:at:maximumDimension:)`.
    ///
    /// ```swift
    /// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[1]] } }
    /// let h = try SymbolicDifferentiation.hessian(of: F(), inputs: 2)
    /// try h.entries.map { try $0.formula(variables: ["x", "y"]) }   // ["2*y", "2*x", "2*x", "0"]
    /// ```
    ///
    /// - Parameter wrt: the columns the caller will use (nil: all). Then column j is computed as
    ///   the derivative of ∂f/∂xⱼ (equal to row j's by the symmetry of second derivatives), and
    ///   neither the other first derivatives nor the other columns are built or checked at
    ///   `point`; their entries are NaN constants. `jac diff "sqrt(y) + x^2" --at x=1,y=0 --wrt x
    ///   --order 2` was refused because ∂f/∂y is +∞ at y = 0, where ∂²f/∂x² = 2 and ∂²f/∂y∂x = 0
    ///   were asked (the first order took this already).
    public static func hessian(of f: some ADFunction, inputs n: Int, output: Int = 0,
                               at point: [Double]? = nil, maximumDimension: Int = 4096,
                               wrt columns: [Int]? = nil) throws -> SymbolicJacobian {
        if n > maximumDimension {
            throw ADError.limitExceeded(what: "Hessian dimension \(n)", limit: maximumDimension)
        }
        // In a graph of its own, as each of its two derivations: the first derivatives it
        // builds on are freed with it when the second derivation fails. Without a point, both
        // derivations decide their comparisons at the same generic point.
        // The gradient entries asked for and the Hessian's columns; the rest of the gradient
        // (the outputs) is not asked for.
        let asked = columns ?? Array(0..<Swift.max(n, 0))   // a negative n is refused by the derivation, not trapped here
        return try decidingComparisons(inputs: n, at: point, columns: columns, asked: { d in
            asked.compactMap { d.outputs.indices.contains($0) ? d.outputs[$0] : nil } + d.jacobian.flatMap { row in asked.map { row[$0] } }
        }) { point in try inOwnGraph({ () throws -> SymbolicJacobian in
            let first = try decidedJacobian(of: f, inputs: n, mode: .reverse, at: point, wrt: columns)
            guard output >= 0 && output < first.outputs.count else {
                throw ADError.invalidArgument("output \(output) does not exist (the function has \(first.outputs.count))")
            }
            if let columns {
                let gradient = try GraphFunction(roots: columns.map { first.jacobian[output][$0].id }, inputs: n)
                var escapesSeen = 0
                let second = try Diagnostics.collect({ try decidedJacobian(of: gradient, inputs: n, mode: .reverse, at: point, wrt: nil) },
                                                     keeping: { $0.repeatedEvaluation(keepingKinks: false, escapesSeen: &escapesSeen) })
                var h = [[Symbolic]](repeating: [Symbolic](repeating: Symbolic(Double.nan), count: n), count: n)
                for (k, j) in columns.enumerated() { for i in 0..<n { h[i][j] = second.jacobian[k][i] } }
                return SymbolicJacobian(outputs: first.jacobian[output], jacobian: h,
                                        boundComparisons: first.boundComparisons + second.boundComparisons,
                                        unboundComparisons: first.unboundComparisons + second.unboundComparisons)
            }
            let gradient = try GraphFunction(roots: first.jacobian[output].map(\.id), inputs: n)
            // The gradient's expressions run through f's kinked ops at the same point again: the
            // first derivation's kinks are f's, once, as the numeric `hessian` reports them
            // (x·|x| at 0 counted 2).
            var escapesSeen = 0
            let second = try Diagnostics.collect({ try decidedJacobian(of: gradient, inputs: n, mode: .reverse, at: point, wrt: nil) },
                                                 keeping: { $0.repeatedEvaluation(keepingKinks: false, escapesSeen: &escapesSeen) })
            return SymbolicJacobian(outputs: first.jacobian[output], jacobian: second.jacobian,
                                    boundComparisons: first.boundComparisons + second.boundComparisons,
                                    unboundComparisons: first.unboundComparisons + second.unboundComparisons)
        }, moving: \.symbols, { $0.replacing($1) }) }
    }

    /// Whether expression `id`, evaluated in exact rationals at `point`, rounds to a finite
    /// Double. False when an op is not rational (sin, exp, …), when a domain error holds exactly
    /// too, or past the exact size and work limits.
    static func isFiniteExactly(_ id: Int, at point: [Double]) -> Bool {
        let exact = try? Rational.withWorkLimit { () throws -> [Rational] in
            try ExpressionGraph.current.evaluate([id], at: point.map { Rational($0) })
        }
        return exact?.first.map { $0.doubleValue.isFinite } ?? false
    }

    /// Whether every output of `f`, evaluated in exact rationals at `point`, rounds to a finite
    /// Double. False when f uses an op that is not rational, on a domain error, or past the
    /// exact size and work limits.
    static func valueIsFiniteExactly(_ f: some ADFunction, at point: [Double]) -> Bool {
        let (y, diagnostics) = Rational.withWorkLimit { Diagnostics.collect { f(point.map { Rational($0) }) } }
        return diagnostics.errors.isEmpty && y.allSatisfy { !$0.isNaN && $0.doubleValue.isFinite }
    }

    static func variables(_ n: Int, _ point: [Double]?) throws -> [Symbolic] {
        // A negative count trapped in `0..<n` (jacobian(of:inputs: -1) ended the process).
        guard n >= 0 else { throw ADError.invalidArgument("the number of inputs must be ≥ 0, got \(n)") }
        if let point {
            guard point.count == n else { throw ADError.dimensionMismatch(what: "number of point coordinates", expected: n, got: point.count) }
            guard point.allSatisfy(\.isFinite) else { throw ADError.invalidArgument("the binding point must be finite") }
        }
        return (0..<n).map { Symbolic.variable($0, value: point?[$0]) }
    }

    /// Not quiet (as `reverse`'s recording is not): a read of a symbol's value inside the passes
    /// is an escape that ``jacobian(of:inputs:mode:at:)`` refuses.
    static func forward(_ f: some ADFunction, _ x: [Symbolic]) -> ([Symbolic], [[Symbolic]]) {
        var outputs: [Symbolic] = f(x)
        var columns: [[Symbolic]] = []
        var escapesSeen = 0
        for j in x.indices {
            // Each pass evaluates f at the same point and touches the same kinks: the first
            // pass's are kept, as reverse mode's one recording reports them (abs(x) + relu(y)
            // at 0 counted 4 kinks here, 2 in every other mode). Errors stay; an escape refuses the derivation
            // whichever pass counted it.
            let y = Diagnostics.collect({
                f(x.indices.map { Dual<Symbolic, Symbolic>(x[$0], tangent: $0 == j ? 1 : 0) })
            }, keeping: { $0.repeatedEvaluation(keepingKinks: j == 0, escapesSeen: &escapesSeen) })
            outputs = y.map(\.value)
            columns.append(y.map(\.tangent))
        }
        let rows = outputs.indices.map { i in x.indices.map { columns[$0][i] } }
        return (outputs, rows)
    }

    static func reverse(_ f: some ADFunction, _ x: [Symbolic]) throws -> ([Symbolic], [[Symbolic]]) {
        // The outputs' finiteness is judged by `jacobian`, exactly where Double overflows; the
        // recording's own Double test refused x⁴⁰⁰/x³⁹⁹ at 10 before that could be asked.
        let rec = try Diagnostics.collect { try record({ v in f(v) }, at: x, finiteOutputs: false) }.result
        let m = rec.outputs.count
        let rows = try (0..<m).map { i in
            try rec.pullback((0..<m).map { $0 == i ? 1 : 0 }, checked: false)
        }
        return (rec.value, rows)
    }
}

/// Expressions of a graph (``ExpressionGraph/shared``, or the running derivation's) as a
/// function, so they can be evaluated in any mode (and so differentiated again).
///
/// ```swift
/// let x = Symbolic.variable(0), y = Symbolic.variable(1)
/// let g = try GraphFunction(roots: [(x * y).id], inputs: 2)
/// try jacobian(of: g, at: [2.0, 3.0])   // [[3.0, 2.0]]
/// ```
public struct GraphFunction: ADFunction, Sendable {
    public let roots: [Int]
    public let inputs: Int
    /// The graph of the roots, kept alive with the function.
    let graph: ExpressionGraph

    /// Throws ``ADError/invalidArgument(_:)`` for a root with no node or a variable index of
    /// `Int.max`, and ``ADError/dimensionMismatch(what:expected:got:)`` when the expressions use a
    /// variable index of `inputs` or more (it would have no value).
    public init(roots: [Int], inputs: Int) throws {
        let graph = roots.first.flatMap(ExpressionGraph.owner(of:)) ?? ExpressionGraph.current
        try graph.validate(roots)
        let needed = try graph.variablesNeeded(by: roots)
        guard inputs >= needed else {
            throw ADError.dimensionMismatch(what: "inputs of a graph function (highest variable index + 1)",
                                            expected: needed, got: inputs)
        }
        self.roots = roots; self.inputs = inputs; self.graph = graph
    }

    public var inputCount: Int? { inputs }

    /// The drivers check `x.count` against ``inputCount``; a shorter `x` (a direct call) gives
    /// NaN for every output rather than reading past its end.
    public func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        guard x.count >= inputs else { return roots.map { _ in T(Double.nan) } }
        return graph.evaluateUnchecked(roots, at: x)
    }
}
