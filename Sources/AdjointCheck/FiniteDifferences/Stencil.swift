// Finite-difference stencils with coefficients computed exactly.
//
// The weights are not typed in from a table: they are the solution of the moment (Vandermonde)
// system Σₖ wₖ sₖ^q = q!·δ(q, d), q = 0 … m−1, solved in exact rational arithmetic. This is the
// classical construction (Fornberg, "Generation of finite difference formulas on arbitrarily
// spaced grids", Math. Comp. 51, 1988); the tests compare the result with the textbook weights.
// The same solve gives the leading truncation constant, which the default-step and error-estimate
// formulas need, so no constant is restated by hand.

/// A small exact fraction for the moment system. Offsets are small integers, but elimination
/// can still grow numerators, so every operation checks for Int overflow and marks the result
/// instead of trapping; the solver then rejects the stencil.
struct Fraction: Equatable, Sendable {
    var num: Int
    var den: Int
    var overflow = false

    init(_ num: Int, _ den: Int = 1, overflow: Bool = false) {
        if overflow || den == 0 || num == Int.min || den == Int.min {
            self.num = 0; self.den = 1; self.overflow = true
            return
        }
        let g = Fraction.gcd(Swift.abs(num), Swift.abs(den))
        let sign = den < 0 ? -1 : 1
        self.num = g == 0 ? 0 : sign * num / g
        self.den = g == 0 ? 1 : sign * den / g
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// (a/b) ± (c/d) = (a·d ± c·b)/(b·d), every product and sum overflow-checked.
    private static func combine(_ a: Int, _ b: Int, _ c: Int, _ d: Int, sign: Int, _ flag: Bool) -> Fraction {
        let (ad, o1) = a.multipliedReportingOverflow(by: d)
        let (cb, o2) = c.multipliedReportingOverflow(by: b)
        let (bd, o3) = b.multipliedReportingOverflow(by: d)
        let (n, o4) = sign > 0 ? ad.addingReportingOverflow(cb) : ad.subtractingReportingOverflow(cb)
        return Fraction(n, bd, overflow: flag || o1 || o2 || o3 || o4)
    }

    static func + (l: Fraction, r: Fraction) -> Fraction { combine(l.num, l.den, r.num, r.den, sign: 1, l.overflow || r.overflow) }
    static func - (l: Fraction, r: Fraction) -> Fraction { combine(l.num, l.den, r.num, r.den, sign: -1, l.overflow || r.overflow) }
    static func * (l: Fraction, r: Fraction) -> Fraction {
        let (n, o1) = l.num.multipliedReportingOverflow(by: r.num)
        let (d, o2) = l.den.multipliedReportingOverflow(by: r.den)
        return Fraction(n, d, overflow: l.overflow || r.overflow || o1 || o2)
    }
    static func / (l: Fraction, r: Fraction) -> Fraction {
        let (n, o1) = l.num.multipliedReportingOverflow(by: r.den)
        let (d, o2) = l.den.multipliedReportingOverflow(by: r.num)
        return Fraction(n, d, overflow: l.overflow || r.overflow || o1 || o2)
    }
    var isZero: Bool { num == 0 && !overflow }
    var double: Double { Double(num) / Double(den) }
}

/// A finite-difference formula for the d-th derivative: f⁽ᵈ⁾(x) ≈ h⁻ᵈ · Σₖ wₖ f(x + sₖh).
///
/// Weights are exact rationals; ``order`` p and ``truncationConstant`` C describe the leading
/// error term C · f⁽ᵈ⁺ᵖ⁾(x) · hᵖ.
///
/// ```swift
/// let s = Stencil.central(order: 4)          // offsets −2 … 2
/// s.weights                                   // [1/12, −2/3, 0, 2/3, −1/12]
/// s.order                                     // 4
/// ```
public struct Stencil: Sendable, Equatable {
    /// Integer offsets sₖ, in units of the step h.
    public let offsets: [Int]
    /// Weights wₖ as exact fractions (numerator, denominator).
    public let exactWeights: [(numerator: Int, denominator: Int)]
    /// Weights wₖ rounded to Double.
    public let weights: [Double]
    /// Which derivative the stencil approximates.
    public let derivative: Int
    /// Order of accuracy p: the error is O(hᵖ).
    public let order: Int
    /// C in the leading error term C · f⁽ᵈ⁺ᵖ⁾(x) · hᵖ.
    public let truncationConstant: Double
    /// The power of h in the next error term after the leading one: p + 2 for a central stencil
    /// (its odd weights cancel every other power), p + 1 for a one-sided one; nil where it lies
    /// beyond the few moments looked at. The h/2h error estimate is exact only for the leading
    /// term, and this says how the next one scales (see `withNextOrderAllowance` in DifferenceEngine.swift).
    let nextOrder: Int?
    /// Σ|wₖ|: how much evaluation noise the weighted sum amplifies (rounding error ≈ Σ|wₖ|·δ/hᵈ).
    public let noiseGain: Double

    /// Whether the h/2h error estimate of this stencil is checked against the next term of its
    /// truncation at every step, not only where it exceeds
    /// ``DifferenceTuning/nextOrderLookRatio`` times the rounding: true where that term is one
    /// power of h after the leading one (forward, backward, the adaptive method's value stencil).
    ///
    /// With D(t) = f′ + A·(t/h)ᵖ + B·(t/h)^q, the h/2h estimate is |A + k·B| for
    /// k = (2^q − 1)/(2ᵖ − 1) (3 for forward, 15/7 for p = 3, 5 for central), against the true
    /// |A + B|. Where B = −β·A, the bound T + R falls short by (k − 1)·β·|A| − R, and below a
    /// gate T ≤ G·R that needs β > 1/(G·(k − 1) + k): 1/69 for central at G = 16, 1/35 forward.
    /// The ratio β is C_q/C_p·h^{q−p}·f⁽q+1⁾/f⁽ᵖ⁺¹⁾ (the moments' constants). For a central
    /// stencil that is two powers of h: a sine's ω²h²/20 reaches 1/69 only at steps above 0.54
    /// radian of it, and another f only within about 3.5·h²·|f⁽⁵⁾/f⁽⁴⁾| of a zero of f‴ (central),
    /// a band h times narrower than the one-sided one, left to the gate. For these it is one
    /// power, h·f‴/(3f″) forward, which takes every value near each zero of f⁽ᵖ⁺¹⁾ (β ≈ h/(3|x − z|)
    /// forward) at any step: there A and k·B cancel in the estimate while A + B does not, and no
    /// gate G > 0 keeps the bound. The Float backward difference of sin(10x) at 16.6676, 10x 0.17
    /// rad above a zero of f″ and h = 0.0156, read −9.9462 ± 0.0170 for −9.8531.
    /// The look costs one evaluation per direction for forward and backward (2 for the adaptive
    /// stencil), and widens the estimate to the rounding the extrapolation carries (about 10 times
    /// D(h)'s for forward, 3 for the adaptive stencil) where that exceeds T + R.
    var alwaysLooksAtNextOrder: Bool { nextOrder == order + 1 }

    /// Whether a fixed estimate with this stencil is held against one more application at a step
    /// off the power-of-two lattice its other steps lie on (``DifferenceTuning/offLatticeStepRatio``).
    /// The high-order central stencils take steps of ε^{1/(p+1)}: 2⁻⁴ and 2⁻² at |x| ≤ 1 in Float,
    /// where a period of f that divides the step makes every step of the lattice read the same
    /// alias, a smooth function converging at the stencil's order (Float sin(200x) at 1: 200·2⁻⁴
    /// is 4π − 0.066, and central4 read −0.5174 ± 6.3·10⁻⁴ for 97.44, its changes in the ratio
    /// 16). The central difference looks only where its rounding is bounded
    /// (``looksOffLatticeWhenRoundingIsBounded``). Steps beyond f's scale of variation that do not
    /// alias exactly are caught by the change ratio (``LineProbe/changesDoNotConverge``).
    var looksOffLattice: Bool { derivative == 1 && order >= 4 }

    /// Whether a fixed estimate with this stencil takes the off-lattice look of ``looksOffLattice``
    /// where the probe's rounding floor is a bound from f's tape or the caller
    /// (``LineProbe/roundingBounded``): the central difference. Its steps alias too: Float
    /// sin(200x) at 2.6 ≲ |x| < 4 takes h = 2⁻⁵, and 200·2⁻⁵ is 2π − 0.033, so D(h) and D(2h)
    /// read one alias, their change below rounding, which neither the h/2h estimate nor the change
    /// ratio can see (−0.155 ± 9.2·10⁻⁴ at −3.9827 for 29.15; 161 confident misses of 467 points
    /// of AliasedOscillationTests' grid on [−4, 4]). No test on the lattice's samples alone tells
    /// that from a smooth f resolved to rounding: at 200h = 2π exactly, D(h/2), D(h) and D(2h) are
    /// all 0. The look costs two evaluations per input (none where the tape shows every output
    /// affine along it: no period to alias). Without a bound (a black box's central
    /// rung, a closure) it is not taken: there the floor is a few ulps of f's samples, a quantised
    /// or staircase f rounds far beyond that at a step off the lattice its treads lie on, and the
    /// look (tried) flagged central rungs the check relies on, losing convictions
    /// ((x₀ + 10⁸) − 10⁸ + x₁x₀ in ConflictingWitnessDisplayTests, RoundingStaircaseScaleTests)
    /// and budgets (ResearcherBlackBoxReviewTests, IterativeSolverTests).
    var looksOffLatticeWhenRoundingIsBounded: Bool { isSecondOrderCentral }

    /// The central difference's shape: a first derivative of order 2 whose next truncation term is
    /// two powers of h on (not one, as for forward, backward and the adaptive value stencil).
    var isSecondOrderCentral: Bool { derivative == 1 && order == 2 && !alwaysLooksAtNextOrder }

    /// Same offsets, derivative and weights.
    public static func == (l: Stencil, r: Stencil) -> Bool {
        l.offsets == r.offsets && l.derivative == r.derivative && l.weights == r.weights
    }

    /// Solves the moment system exactly for the given distinct offsets. Returns nil when the
    /// offsets repeat or are too few for the derivative.
    ///
    /// ```swift
    /// Stencil(derivative: 1, offsets: [0, 1, 2])   // one-sided, second order: (−3/2, 2, −1/2)
    /// ```
    public init?(derivative d: Int, offsets: [Int]) {
        let m = offsets.count
        guard d >= 0, m > d, Set(offsets).count == m, m <= 9,
              offsets.allSatisfy({ Swift.abs($0) <= 6 }) else { return nil }
        // Augmented moment matrix: row q is (s₀^q … s_{m−1}^q | q!·δ(q, d)).
        var a: [[Fraction]] = (0..<m).map { q in
            offsets.map { Fraction(Stencil.power($0, q)) } + [Fraction(q == d ? Stencil.factorial(q) : 0)]
        }
        // Gauss–Jordan elimination in exact arithmetic (the matrix is Vandermonde, non-singular).
        for col in 0..<m {
            guard let pivot = (col..<m).first(where: { !a[$0][col].isZero }) else { return nil }
            a.swapAt(col, pivot)
            let p = a[col][col]
            a[col] = a[col].map { $0 / p }
            for row in 0..<m where row != col && !a[row][col].isZero {
                let factor = a[row][col]
                a[row] = zip(a[row], a[col]).map { $0 - factor * $1 }
            }
        }
        let w = a.map { $0[m] }
        if w.contains(where: \.overflow) { return nil }
        // First non-vanishing moment beyond the exact ones gives the order and the error constant.
        var q = m
        var moment = Fraction(0)
        while q < m + 4 {
            moment = zip(w, offsets).reduce(Fraction(0)) { $0 + $1.0 * Fraction(Stencil.power($1.1, q)) }
            if moment.overflow { return nil }
            if !moment.isZero { break }
            q += 1
        }
        // The next non-vanishing moment, the same way.
        var next: Int? = nil
        for r in (q + 1)..<(q + 4) {
            let later = zip(w, offsets).reduce(Fraction(0)) { $0 + $1.0 * Fraction(Stencil.power($1.1, r)) }
            if later.overflow { break }
            if !later.isZero { next = r - d; break }
        }
        self.offsets = offsets
        self.exactWeights = w.map { ($0.num, $0.den) }
        self.nextOrder = next
        self.weights = w.map(\.double)
        self.derivative = d
        self.order = q - d
        self.truncationConstant = moment.double / Double(Stencil.factorial(q))
        self.noiseGain = w.reduce(0) { $0 + Swift.abs($1.double) }
    }

    /// sᵠ; |s| ≤ 6 and q ≤ 15 keep it below 2⁴⁰.
    static func power(_ s: Int, _ q: Int) -> Int { q == 0 ? 1 : (1...q).reduce(1) { r, _ in r * s } }
    static func factorial(_ q: Int) -> Int { q <= 1 ? 1 : (2...q).reduce(1, *) }

    /// The central first-derivative stencil of even order p (2, 4, 6, 8) on offsets −p/2 … p/2.
    /// Another p is not an error: an odd one rounds down and the result is clamped to 2…8, so
    /// read the returned stencil's `order` (`central(order: 3).order` is 2).
    ///
    /// ```swift
    /// Stencil.central(order: 2).weights   // [−1/2, 0, 1/2]
    /// ```
    public static func central(order p: Int) -> Stencil {
        let k = Swift.max(1, Swift.min(4, p / 2))
        return known(derivative: 1, offsets: Array(-k...k))
    }

    /// The stencil of each built-in method (forward, backward, central, central4, central6).
    public static func of(_ method: StencilMethod) -> Stencil {
        // Solved once per method: solving the weights on every call (the checker asks per entry
        // for a rung's nominal accuracy) was a tenth of a 60×60 check.
        cachedStencils[method] ?? solved(method)
    }

    private static let cachedStencils: [StencilMethod: Stencil] =
        Dictionary(uniqueKeysWithValues: StencilMethod.allCases.map { ($0, solved($0)) })

    private static func solved(_ method: StencilMethod) -> Stencil {
        switch method {
        case .forward: return known(derivative: 1, offsets: [0, 1])
        case .backward: return known(derivative: 1, offsets: [-1, 0])
        case .central: return central(order: 2)
        case .central4: return central(order: 4)
        case .central6: return central(order: 6)
        }
    }

    /// Offsets fixed in this file are always valid; the fallback keeps the path total.
    static func known(derivative: Int, offsets: [Int]) -> Stencil {
        Stencil(derivative: derivative, offsets: offsets)
            ?? Stencil(uncheckedCentral: ())
    }

    /// One-sided second-order stencils for the right (offsets 0, 1, 2) and left (0, −1, −2)
    /// derivatives at a kink.
    public static let rightSided = known(derivative: 1, offsets: [0, 1, 2])
    /// The left-derivative counterpart of ``rightSided``: weights (3/2, −2, 1/2) on offsets 0, −1, −2.
    public static let leftSided = known(derivative: 1, offsets: [0, -1, -2])
}

extension Stencil {
    /// Only reached if the exact solver rejected offsets written in this file, which its tests
    /// rule out; the plain central difference keeps the path total instead of trapping.
    fileprivate init(uncheckedCentral: Void) {
        offsets = [-1, 1]; exactWeights = [(-1, 2), (1, 2)]; weights = [-0.5, 0.5]
        derivative = 1; order = 2; truncationConstant = 1.0 / 6.0; noiseGain = 1; nextOrder = 4
    }
}

/// The fixed-stencil finite-difference methods.
///
/// ```swift
/// StencilMethod.central4.stencil.order   // 4
/// ```
public enum StencilMethod: String, CaseIterable, Sendable {
    /// (f(x + h) − f(x))/h, order 1.
    case forward
    /// (f(x) − f(x − h))/h, order 1.
    case backward
    /// (f(x + h) − f(x − h))/(2h), order 2.
    case central
    /// Five-point central stencil, order 4.
    case central4
    /// Seven-point central stencil, order 6.
    case central6

    /// The stencil, with its exact weights.
    public var stencil: Stencil { Stencil.of(self) }
}
