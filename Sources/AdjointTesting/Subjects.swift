import AdjointCheck
import AdjointCore
import RealModule

// The point checks behind each assertion, one constructor per kind of subject:
// - generic functions (an `ADFunction`): the library's `checkGradient`/`checkJacobian`, where forward
//   and reverse mode run beside the claimed derivative and a wrong rule is localised to its op;
// - black boxes (`([Double]) -> [Double]`, `([Float]) -> [Float]`): the difference ladder only;
// - matrix programs: see MatrixPrograms.swift; second order: SecondOrder.swift.

/// The scalar types a property can evaluate in.
public typealias PropertyScalar = ADScalar & BinaryFloatingPoint & Real & Sendable

/// The drawn input in the property's scalar type: inputs are drawn as Doubles, and a Float
/// property rounds them. An entry that the rounding moves out of its domain (3.4·10⁻⁵⁸ from
/// `.logUniform(1e-60...1e-30)` becomes 0, 10³⁹ becomes ∞, 1 − 10⁻¹⁰ from `.unitInterval`
/// becomes 1, a value beside an avoided kink becomes the kink) throws, naming the entry, the rounded value and the domain: f was evaluated at the
/// rounded value, and the failure blamed f ("non-finite output", "log of a non-positive number
/// (inputs: 0.0)") at an input the message printed as 1e-60, inside the domain.
@usableFromInline func converted<V: PropertyScalar>(_ x: [Double], from space: InputSpace) throws -> [V] {
    let y = x.map { V($0) }
    if V.self == Double.self { return y }
    for (i, (a, b)) in zip(x, y).enumerated() {
        let back = Double(b)
        let domain = i < space.domains.count ? space.domains[i] : nil
        // Only roundings onto a value the domain excludes, or that f cannot be asked about as
        // drawn: a bound of a closed range moved by half an ulp (0.2 in Float is 0.2000000030)
        // is harmless and is not refused.
        let leaves = (!back.isFinite && a.isFinite) || (back != a && (domain?.excludesRoundedValue(back) ?? (back == 0)))
        if leaves {
            let inDomain = domain.map { " (from \($0))" } ?? ""
            throw ADError.invalidArgument("input x[\(i)] = \(a)\(inDomain) is \(fmtNumber(back)) in \(V.self), which leaves its domain: "
                + "draw \(V.self) inputs from ranges \(V.self) holds (normal magnitudes \(fmtNumber(Double(V.leastNormalMagnitude)))"
                + " … \(fmtNumber(Double(V.greatestFiniteMagnitude))), bounds that round inside the domain)")
        }
    }
    return y
}


extension DerivativeProperty {
    /// A claimed gradient of a generic function: forward mode, reverse mode and the claim are
    /// judged by the difference ladder (up to complex step and exact rationals); a wrong AD rule
    /// is localised to its op.
    ///
    /// ```swift
    /// let p = DerivativeProperty.gradient(of: Loss(), claimed: handGradient, inputs: .vector(5, .uniform(-2...2)))
    /// ```
    ///
    /// Inlinable so that the check runs `f` specialised for its type (see `checkJacobian`).
    @inlinable public static func gradient<F: ADFunction & Sendable, V: PropertyScalar>(
        of f: F, claimed: @escaping @Sendable ([V]) -> [V], inputs: InputSpace, base: CheckOptions = CheckOptions()
    ) -> DerivativeProperty {
        DerivativeProperty(assertion: "assertGradient", claim: "the claimed gradient", space: inputs) { x, o in
            do {
                let r = try checkGradient(of: f, at: try converted(x, from: inputs), claimedGradient: { claimed($0) }, options: o.checkOptions(base))
                return PointOutcome(input: x, parts: [PointPart(label: "gradient", report: r)])
            } catch { return .thrown(x, error) }
        }
    }

    /// A claimed Jacobian of a generic function (rows are outputs).
    @inlinable public static func jacobian<F: ADFunction & Sendable, V: PropertyScalar>(
        of f: F, claimed: @escaping @Sendable ([V]) -> [[V]], inputs: InputSpace, base: CheckOptions = CheckOptions()
    ) -> DerivativeProperty {
        DerivativeProperty(assertion: "assertJacobian", claim: "the claimed Jacobian", space: inputs) { x, o in
            do {
                let r = try checkJacobian(of: f, at: try converted(x, from: inputs), claimed: { claimed($0) }, options: o.checkOptions(base))
                return PointOutcome(input: x, parts: [PointPart(label: "Jacobian", report: r)])
            } catch { return .thrown(x, error) }
        }
    }

    /// A claimed gradient of a black-box scalar function, by differences only.
    ///
    /// ```swift
    /// let p = DerivativeProperty.blackBoxGradient(of: { (x: [Double]) in x[0] * exp(x[1]) },
    ///                                             claimed: { x in [exp(x[1]), x[0] * exp(x[1])] },
    ///                                             inputs: .vector(2, .uniform(-2...2)))
    /// ```
    public static func blackBoxGradient<V: PropertyScalar>(
        of f: @escaping @Sendable ([V]) -> V, claimed: @escaping @Sendable ([V]) -> [V], inputs: InputSpace,
        base: CheckOptions = .blackBox
    ) -> DerivativeProperty {
        DerivativeProperty(assertion: "assertGradient", claim: "the claimed gradient (black box)", space: inputs) { x, o in
            do {
                let r = try checkBlackBoxGradient(of: f, at: try converted(x, from: inputs), claimedGradient: claimed, options: o.checkOptions(base))
                return PointOutcome(input: x, parts: [PointPart(label: "gradient", report: r)])
            } catch { return .thrown(x, error) }
        }
    }

    /// A claimed Jacobian of a black-box function, by differences only.
    public static func blackBoxJacobian<V: PropertyScalar>(
        of f: @escaping @Sendable ([V]) -> [V], claimed: @escaping @Sendable ([V]) -> [[V]], inputs: InputSpace,
        base: CheckOptions = .blackBox
    ) -> DerivativeProperty {
        DerivativeProperty(assertion: "assertJacobian", claim: "the claimed Jacobian (black box)", space: inputs) { x, o in
            do {
                let r = try checkBlackBoxJacobian(of: f, at: try converted(x, from: inputs), claimed: claimed, options: o.checkOptions(base))
                return PointOutcome(input: x, parts: [PointPart(label: "Jacobian", report: r)])
            } catch { return .thrown(x, error) }
        }
    }

    /// A claimed JVP (x, v) ↦ J(x)·v of a black-box function. Each trial draws x from `inputs`
    /// and v uniform in [−1, 1]ⁿ; the property's input is x followed by v, and a failure replays
    /// with `inputs: .point(x, direction: v)`.
    public static func blackBoxJVP<V: PropertyScalar>(
        of f: @escaping @Sendable ([V]) -> [V], claimed: @escaping @Sendable ([V], [V]) -> [V], inputs: InputSpace,
        base: CheckOptions = .blackBox
    ) -> DerivativeProperty {
        blackBoxJVP(of: f, claimed: claimed, inputs: inputs, baseAt: { _, _ in base })
    }

    /// ``blackBoxJVP(of:claimed:inputs:base:)`` with check options chosen per point from (x, v)
    /// as drawn: an AD witness's rounding depends on both.
    @usableFromInline static func blackBoxJVP<V: PropertyScalar>(
        of f: @escaping @Sendable ([V]) -> [V], claimed: @escaping @Sendable ([V], [V]) -> [V], inputs: InputSpace,
        baseAt: @escaping @Sendable ([Double], [Double]) -> CheckOptions
    ) -> DerivativeProperty {
        let n = inputs.count
        let space = inputs.followedByDirection(n)
        var p = DerivativeProperty(assertion: "assertJVP", claim: "the claimed JVP (black box)", space: space) { xv, o in
            do {
                let xvV: [V] = try converted(xv, from: space)
                let x = Array(xvV.prefix(n)), v = Array(xvV.dropFirst(n))
                let base = baseAt(Array(xv.prefix(n)), Array(xv.dropFirst(n)))
                let r = try checkBlackBoxJVP(of: f, at: x, direction: v, claimed: claimed, options: o.checkOptions(base))
                return PointOutcome(input: xv, parts: [PointPart(label: "JVP along v = x[\(n)…]", report: r,
                                                                entryName: { i, _ in "(J·v)[\(i)]" })])
            } catch { return .thrown(xv, error) }
        }
        p.replayDirection = ("direction", n)
        return p
    }

    /// A claimed VJP (x, u) ↦ uᵀJ(x) of a black-box function with `outputs` outputs. Each trial
    /// draws x from `inputs` and u uniform in [−1, 1]ᵐ; the property's input is x followed by u,
    /// and a failure replays with `inputs: .point(x, cotangent: u)`.
    public static func blackBoxVJP<V: PropertyScalar>(
        of f: @escaping @Sendable ([V]) -> [V], outputs m: Int, claimed: @escaping @Sendable ([V], [V]) -> [V],
        inputs: InputSpace, base: CheckOptions = .blackBox
    ) -> DerivativeProperty {
        blackBoxVJP(of: f, outputs: m, claimed: claimed, inputs: inputs, baseAt: { _, _ in base })
    }

    /// ``blackBoxVJP(of:outputs:claimed:inputs:base:)`` with check options chosen per point from
    /// (x, u) as drawn.
    @usableFromInline static func blackBoxVJP<V: PropertyScalar>(
        of f: @escaping @Sendable ([V]) -> [V], outputs m: Int, claimed: @escaping @Sendable ([V], [V]) -> [V],
        inputs: InputSpace, baseAt: @escaping @Sendable ([Double], [Double]) -> CheckOptions
    ) -> DerivativeProperty {
        let n = inputs.count
        let space = inputs.followedByDirection(m)
        var p = DerivativeProperty(assertion: "assertVJP", claim: "the claimed VJP (black box)", space: space) { xu, o in
            do {
                let xuV: [V] = try converted(xu, from: space)
                let x = Array(xuV.prefix(n)), u = Array(xuV.dropFirst(n))
                let base = baseAt(Array(xu.prefix(n)), Array(xu.dropFirst(n)))
                let r = try checkBlackBoxVJP(of: f, at: x, cotangent: u, claimed: claimed, options: o.checkOptions(base))
                return PointOutcome(input: xu, parts: [PointPart(label: "VJP with u = x[\(n)…]", report: r,
                                                                entryName: { _, j in "(uᵀJ)[\(j)]" })])
            } catch ADError.dimensionMismatch(let what, let expected, let got) where got == m && what.hasPrefix("cotangent length") {
                // The cotangent is drawn with `outputs` entries, so the mismatch is the argument's, not
                // the claim's: "expected 2, got 3" alone left a user looking for what returned 3.
                return .thrown(xu, ADError.invalidArgument("\(what): expected \(expected), got \(got): f returns \(expected) outputs "
                    + "here, and the cotangent u is drawn with `outputs` (\(m)) entries; pass outputs: \(expected)"))
            } catch { return .thrown(xu, error) }
        }
        p.replayDirection = ("cotangent", m)
        return p
    }

    /// A claimed JVP of a generic function: differences along v first, then forward-mode AD as a
    /// last witness (it does not use the claim, so it can decide where differences cannot).
    @inlinable public static func jvp<F: ADFunction & Sendable>(
        of f: F, claimed: @escaping @Sendable ([Double], [Double]) -> [Double], inputs: InputSpace
    ) -> DerivativeProperty {
        var p = blackBoxJVP(of: { (x: [Double]) in f(x) }, claimed: claimed, inputs: inputs, baseAt: { x, v in
            var base = CheckOptions.blackBox
            base.ladder.append(adWitness(f, rounding: adRounding(f, at: x, direction: v)))
            return base
        })
        let direction = p.replayDirection
        p = DerivativeProperty(assertion: "assertJVP", claim: "the claimed JVP", space: p.space, check: p.check)
        p.replayDirection = direction
        return p
    }

    /// A claimed VJP of a generic function with `outputs` outputs (see ``jvp(of:claimed:inputs:)``).
    @inlinable public static func vjp<F: ADFunction & Sendable>(
        of f: F, outputs m: Int, claimed: @escaping @Sendable ([Double], [Double]) -> [Double], inputs: InputSpace
    ) -> DerivativeProperty {
        let p = blackBoxVJP(of: { (x: [Double]) in f(x) }, outputs: m, claimed: claimed, inputs: inputs, baseAt: { x, _ in
            var base = CheckOptions.blackBox
            base.ladder.append(adWitness(f, rounding: adEntryRounding(f, at: x)))
            return base
        })
        var q = DerivativeProperty(assertion: "assertVJP", claim: "the claimed VJP", space: p.space, check: p.check)
        q.replayDirection = p.replayDirection
        return q
    }
}

/// Forward/reverse AD of a generic function as a witness rung, trusted to `rounding` (from
/// ``adRounding(_:at:direction:)`` or ``adEntryRounding(_:at:)``) on top of the
/// ``CheckOptions/adAccuracyULPs`` of the entry's scale that the derived tolerance adds. See
/// ``adWitnessJacobian(_:at:)`` for the mode it runs in.
@inlinable func adWitness<F: ADFunction & Sendable>(_ f: F, rounding: Double) -> WitnessRung {
    .custom(name: "AD", errorEstimate: rounding, jacobian: { x in try adWitnessJacobian(f, at: x) })
}

/// What AD's J·v may round by at x: 64ε times the largest over outputs i of Σⱼ |vⱼ|·(sum of
/// |path products| into ∂fᵢ/∂xⱼ). A softmax whose top class holds 1 − 10⁻⁸ of the mass builds
/// its J·v ≈ 10⁻⁸ from terms near 1, so AD and a textbook-right claim each round by about
/// 10⁻¹⁶ there: trusted as exact (± 0), AD convicted the claim at a tolerance of 2.3e-22.
/// 0 where f cannot be recorded (then the entry scale's 64ε alone, as before).
@inlinable func adRounding<F: ADFunction>(_ f: F, at x: [Double], direction v: [Double]) -> Double {
    guard let p = adPathMagnitudes(f, at: x) else { return 0 }
    return adPathRounding(p.map { row in zip(row, v).reduce(0.0) { $0 + $1.0 * Swift.abs($1.1) } })
}

/// What AD's entries ∂fᵢ/∂xⱼ may round by at x, the largest over them: a VJP check reads
/// each output's witness along unit directions and weighs their estimates by |uᵢ| itself.
@inlinable func adEntryRounding<F: ADFunction>(_ f: F, at x: [Double]) -> Double {
    guard let p = adPathMagnitudes(f, at: x) else { return 0 }
    return adPathRounding(Array(p.joined()))
}

/// ``CheckOptions/adAccuracyULPs`` ulps of the largest finite sum of |path products| in `paths`:
/// what the harness's AD witnesses (J·v, uᵀJ, H·v) are trusted to; 0 for none.
@inlinable func adPathRounding(_ paths: [Double]) -> Double {
    CheckOptions.adAccuracyULPs * Double.ulpOfOne * (paths.filter(\.isFinite).max() ?? 0)
}

/// Per output i and input j, the sum of |path products| into ∂fᵢ/∂xⱼ on f's tape at x.
@inlinable func adPathMagnitudes<F: ADFunction>(_ f: F, at x: [Double]) -> [[Double]]? {
    guard let rec = try? record({ (z: [Reverse<Double>]) -> [Reverse<Double>] in f(z) }, at: x) else { return nil }
    return rec.outputs.indices.map { pathMagnitudes(recording: rec, output: $0) }
}

/// The AD witness's Jacobian: in the mode `jacobian(of:at:)` picks automatically, or in the other
/// when a user vector primitive lacks the rule the first needs (a JVP-only primitive in a
/// function of many inputs, where automatic picks reverse; a VJP-only one where it picks
/// forward). Without that, the witness threw, the check showed only "evaluation failed", and a
/// point that differences could not decide stayed inconclusive where AD could decide it.
///
/// AD is only as right as the rules it runs: a user primitive's rule (scalar partials, a vector
/// JVP or VJP) is first checked against differences of that primitive alone at its recorded
/// inputs, and a wrong one makes the witness unavailable. Trusted as it was, a claim copied
/// from a wrong JVP (10⁻⁹·b·db for d(10⁻⁹b²)) passed where differences of f could not resolve
/// the entry. ``ADWitnessUnavailable`` names the wrong rule, or both missing rules.
@inlinable func adWitnessJacobian<F: ADFunction>(_ f: F, at x: [Double]) throws -> [[Double]] {
    if let fault = try userRuleFault(of: f, at: x) { throw ADWitnessUnavailable(wrongRule: fault) }
    let first: ADError
    do { return try jacobian(of: f, at: x).jacobian } catch let e as ADError {
        guard case let .missingRule(_, mode, _) = e else { throw e }
        first = e
        let other: JacobianMode = mode.hasPrefix("forward") ? .reverse : .forward
        do { return try jacobian(of: f, at: x, mode: other).jacobian } catch let second as ADError {
            guard case .missingRule = second else { throw second }
            throw ADWitnessUnavailable(missing: [first, second])
        }
    }
}

/// Why the AD witness of `assertJVP`/`assertVJP` did not run: it could run in neither mode (each
/// refused for a rule a user vector primitive lacks, ``AdjointCore/ADError/missingRule(primitive:mode:needs:)``),
/// or a user primitive's rule disagrees with differences of that primitive alone, so AD's
/// number is not a witness.
///
/// ```swift
/// print(ADWitnessUnavailable(missing: [.missingRule(primitive: "solve", mode: "forward mode", needs: "JVP"),
///                                      .missingRule(primitive: "solve", mode: "reverse mode", needs: "VJP")]))
/// // AD ran in neither mode: solve has no JVP (forward mode); solve has no VJP (reverse mode)
/// ```
public struct ADWitnessUnavailable: Error, Equatable, CustomStringConvertible {
    /// What each mode reported, in the order they were tried.
    public let missing: [ADError]
    /// The user rule found wrong at this point, if that is why.
    public let wrongRule: FaultLocation?
    /// Made by the AD witness; public so that a custom witness wrapping AD can throw the same
    /// reason (see the type's example).
    public init(missing: [ADError] = [], wrongRule: FaultLocation? = nil) {
        self.missing = missing
        self.wrongRule = wrongRule
    }
    /// One line: the wrong rule with both numbers, or each mode's missing rule (the type's example).
    public var description: String {
        if let w = wrongRule {
            return "AD not trusted: the rule of \(w.op) at node \(w.node) (inputs \(w.inputs.map(fmtNumber).joined(separator: ", "))), ∂/∂input \(w.partial): "
                + "difference of it alone \(fmtNumber(w.expected)) ± \(fmtNumber(w.errorEstimate)), rule \(fmtNumber(w.got))"
        }
        return "AD ran in neither mode: " + missing.map { e in
            if case let .missingRule(primitive, mode, needs) = e { return "\(primitive) has no \(needs) (\(mode))" }
            return "\(e)"
        }.joined(separator: "; ")
    }
}
