import RealModule

/// How a finite-difference method chooses its step h.
///
/// ```swift
/// try differenceJacobian(of: f, at: x, method: .central, step: .absolute(1e-5))
/// ```
public enum StepSize: Sendable, Equatable {
    /// For the fixed stencils, the principled default h = c_p · ε^{1/(p+1)} · max(1, |x|) for a
    /// method of order p (see ``DifferenceTuning``), rounded to a power of two. For Richardson and
    /// the adaptive method, steps chosen from f itself: a scan for the asymptotic range, and a
    /// step balanced from the estimated third derivative (see ``DifferenceMethod``).
    case automatic
    /// Exactly this h (not rounded), for step sweeps and user control.
    case absolute(Double)
    /// h · max(1, |x|), rounded to a power of two. For the complex step, h · |x| (h when x = 0):
    /// its truncation error is relative to |x|, and it has no rounding floor to stay above.
    case relative(Double)
}

/// The named constants behind every default step and error estimate, with why each has its value.
///
/// ```swift
/// DifferenceTuning.evaluationNoiseULPs   // 2
/// ```
public enum DifferenceTuning {
    /// Assumed rounding noise of one evaluation of f, in units of ε·|f|. A correctly rounded
    /// function has 0.5; composed formulas a few ulps. 2 keeps the step near-optimal for the
    /// short formulas checks are written with, without overstating the noise of accurate ones.
    public static let evaluationNoiseULPs = 2.0

    /// An estimate is "cancelled" when the spread of its samples, max|f(x+sₖh) − f(x)|, holds
    /// fewer than this many significant decimal digits above the noise ε·|f|.
    public static let cancellationDigitsRequired = 2.0

    /// An error estimate larger than this fraction of max(|estimate|, |reference|) makes the
    /// estimate useless for deciding between two values.
    public static let inconclusiveRelativeError = 0.05

    /// Richardson starts from h₀ = this · max(1, |x|): large enough that several halvings stay
    /// truncation-dominated, small enough to stay inside typical sample ranges.
    public static let richardsonInitialStep = 0.125
    /// Richardson halves the step at most this many times (tableau depth).
    public static let richardsonMaxLevels = 8
    /// Ridders' rule: stop when the newest diagonal is worse than the best by this factor, since
    /// rounding has taken over.
    public static let richardsonStopFactor = 2.0

    /// How many halvings of the starting step Richardson's scan may take looking for the
    /// asymptotic range: 0.125·2⁻⁴⁰ ≈ 1e-13 of the scale, below which a central difference keeps
    /// fewer than three digits of any f.
    public static let richardsonScanLevels = 40
    /// The black-box step scan takes f's measured noise as a sign of structure below its steps
    /// when it exceeds f's modelled rounding (``evaluationNoiseULPs`` ulps) by this factor: f
    /// rounding on the scale of a larger intermediate measures 10³ ulps, a pole term on the scale
    /// of a tiny input 200; a plain rational f measures at most its modelled rounding.
    public static let structureNoiseFactor = 16.0
    /// Successive first differences D(h) − D(h/2) of a central difference shrink by 4 per halving
    /// when the h² term leads, by 16 when f‴ = 0 and the h⁴ term leads, by 64 after that; in the
    /// oscillating or not-yet-asymptotic range they grow or jump about. Two consecutive ratios
    /// inside this range (generous about 4, 16 and 64) mark the start of the asymptotic range.
    public static let asymptoticRatioRange: ClosedRange<Double> = 2.5...100
    /// A fixed stencil's changes D(2h) − D(h) and D(h) − D(h/2), of one sign, in a ratio below
    /// this do not shrink as h does, and its estimate is flagged no-convergence. A smooth f gives
    /// 2ᵖ (2 for one-sided, 4 central, 64 central6), a jump or kink far inside the steps 1/2 and a
    /// pole 1/4 for every stencil: 1 is where the changes stop shrinking, the geometric middle of
    /// 1/2 and one-sided's 2.
    public static let convergingChangeRatio = 1.0
    /// The off-lattice step of a high-order central stencil's estimate (``Stencil/looksOffLattice``),
    /// as a fraction of its step h: 1/φ ≈ 0.618, which no power of two nor small ratio of them
    /// approaches, so a period of f dividing h does not divide it; below 1, so its samples reach
    /// no further than the estimate's own. D(h) and D(h/φ) within their error estimates E, E′ of
    /// f′ are within E + E′ of each other; a gap beyond twice D(h)'s E plus D(h/φ)'s rounding
    /// (its truncation is below D(h)'s) means one of them does not hold, and D(h) is flagged
    /// no-convergence.
    public static let offLatticeStepRatio = 0.6180339887498949
    /// The share of the larger of D(h) and D(h/φ) that their gap must exceed, besides the error
    /// estimate, before the central difference's off-lattice look
    /// (``Stencil/looksOffLatticeWhenRoundingIsBounded``) flags D(h). Where the lattice aliases a
    /// period of f, D(h) and D(h/φ) are two unrelated readings f′·sin(ωt)/(ωt) of it, and their
    /// gap is about the larger one (Float sin(200x) at −3.9827: −0.155 and −5.0, for 29.15). f's
    /// tape bounds its rounding, not a solver's tolerance nor a bisection's treads: those move a
    /// difference by their size over the step, and over a step of many treads that is a small
    /// share of the slope (Double bisection for the root of x³ + ax − b, treads 10⁻¹⁰ wide beside
    /// h = 7.6·10⁻⁶: about 10⁻⁵ of 0.2), which the look without this share (tried) flagged,
    /// losing the check's conviction-free verdicts in IterativeSolverTests. A quarter: an alias
    /// escapes only where the two readings happen to lie within a quarter of each other, and a
    /// staircase is flagged only where its step spans a few treads.
    public static let offLatticeAliasShare = 0.25
    /// A fixed stencil's h/2h truncation estimate T is checked against the next term of the
    /// truncation, with one more application at h/2 (`withNextOrderAllowance` in
    /// DifferenceEngine.swift), only where T exceeds this many times D(h)'s rounding R. Below,
    /// the error T + R already allows a next term b·h^q of opposite sign up to 1/69 of the
    /// leading a·hᵖ for central (T counts it 5 times, so T + R falls short by 4|b·h^q| − R, and
    /// T ≤ 16R), which a sine (ratio h²/20) reaches only at steps above 0.54 radian of it; and a
    /// balanced step (T about R/2 where f varies on the scale of x) costs nothing more. At 1
    /// instead, a sixth of the entries of sin(x)·y, exp(x)/y at ordinary points were widened (by
    /// up to 2.6×, the combinations' rounding) for 21% more evaluations; at 16, 9% by at most
    /// 15%, for 4%. Central stencils only: where the next term is one power of h after the
    /// leading one (forward, backward, the adaptive value stencil) no gate above 0 holds, and
    /// the look is taken at every step (``Stencil/alwaysLooksAtNextOrder`` derives why): below
    /// this one, Float forward sin(100x) at 0.438288 read 99.4132 ± 0.294 for 98.8242.
    public static let nextOrderLookRatio = 16.0
    /// How much an entry of Ridders' tableau amplifies the rounding of the differences it is built
    /// from: column j combines its two parents with weights 4ʲ/(4ʲ − 1) and 1/(4ʲ − 1), so the
    /// rounding of the finest difference is multiplied by 5/3 in column 1, 1.89 in column 2 and
    /// less than 1.94 in any column.
    public static let richardsonRoundingGain = 2.0
    /// Richardson stops scanning for a better start once its verified estimate is within
    /// this multiple of ε^{3/4} of the value (1.5e-11 in Double, 5e-5 in Float): about what
    /// extrapolated central differences reach on a smooth f. Looser estimates (a start near a
    /// pole) make the scan go on to smaller steps.
    public static let richardsonGoodEnough = 8.0
    /// Richardson verifies an extrapolated value V against one central difference at a step whose
    /// rounding is this fraction of |V|: far below the tableau's steps, so a value that only
    /// aliasing or a false start produced disagrees with it, and still three digits good.
    public static let verificationRounding = 1e-3
    /// Differences within this many times their rounding bounds count as equal ("flat"): f is
    /// resolved to rounding there (a polynomial of low degree, or the noise floor).
    public static let flatTolerance = 4.0
    /// Rungs of the off-lattice slope ladder (SlopeLadder.swift) after Richardson or the adaptive
    /// method settled on a closure without a rounding bound: steps from twice the estimate's reach,
    /// 4 apart, so the largest is 2·4⁵ ≈ 2000 times the reach, above the period of a rounding
    /// sawtooth whose ramp the settled steps may have read. 2 evaluations a rung.
    public static let slopeLadderRungs = 6
    /// The step, in units of the line's parameter, of the central differences (at it and twice
    /// it) that an estimate whose samples reach beyond a unit is held against (UnitScaleLook.swift):
    /// φ/2 ≈ 0.31, off the power-of-two lattice. Twice it stays within the unit, so a term varying
    /// on that scale (sin x at 10⁸) is resolved there (their extrapolation is off by h⁴/30 ≈ 3·10⁻⁴
    /// of the term's slope, and its error estimate, h²/6, by 1.6%), while f's rounding is divided by
    /// as large a step as that allows: at φ/4 sin(x)·y + xy at (1.0·10¹³, −350) rounds by 26 over the
    /// step, beside the sine's 20 that the method's steps averaged away.
    public static let unitLookStep = 0.6180339887498949 / 2

    /// The adaptive method's value stencil: offsets (−2, 3, 6), third order with three
    /// evaluations and none at x, since (−2)·3 + 3·6 + 6·(−2) = 0 removes the h² term.
    /// The noise audit's spacings (``LineProbe/noiseTable(outputs:open:)``) are this times a power
    /// of two, never a power of two: f computed through a rounded intermediate is a staircase with
    /// treads a power of two wide ((x + 10⁸) − 10⁸: 2⁻²⁶), and a table spaced 2⁻²⁰ put every sample
    /// at the same place on its tread and saw no noise. Its binary expansion has no long run, so
    /// k·s for |k| ≤ 4 falls at spread places on treads of every power-of-two width.
    public static let noiseSpacingFactor = 0.6180339887498949

    /// How far one sample of the noise audit's table may stand off the chord through its end
    /// samples, in units of the next farthest, before the table is read as a pole inside it
    /// rather than noise: of 9 samples of rounding noise one is not 16 times the rest (beside
    /// 1/(x − 0.5) at 0.500000001 the centre is 600 times its neighbours).
    public static let noiseSpikeRatio = 16.0

    public static let adaptiveValueStencil = Stencil.known(derivative: 1, offsets: [-2, 3, 6])
    /// The adaptive method's check stencil: second order on (−2, 0, 3), sharing two samples with
    /// the value stencil and f(x) with the caller, so its gap to the value costs nothing.
    public static let adaptiveCheckStencil = Stencil.known(derivative: 1, offsets: [-2, 0, 3])
    /// The second-derivative stencil on the check stencil's offsets (−2, 0, 3): f″ for the
    /// input-rounding part of the adaptive method's estimate, from samples already taken.
    public static let adaptiveCurvatureStencil = Stencil.known(derivative: 2, offsets: [-2, 0, 3])
    /// The adaptive method trusts a step when the value and check stencils agree to this
    /// fraction of the value (or to rounding): an accidental agreement of two stencils sampled
    /// across an oscillation is then implausible, and the gap is an h² truncation term.
    public static let adaptiveAgreement = 1e-3
    /// The adaptive method's first-step agreement reads f's rounding off its samples' digits
    /// (granularRounding in AdaptiveSteps.swift) when every sample is a multiple of a power of
    /// two more than this many times ε·|f| (an ulp of |f| is at most ε·|f|): where f cancels
    /// terms larger than itself. Trailing zeros by chance in all four samples did so at fewer
    /// than 1 in 100 first steps of sin(x)·y and exp(x)/y (CancellingTermsTests' scan), each then
    /// costing one evaluation to rule out.
    public static let granularityEvidence = 2.0
    /// How many times ε·|f| the quantum of the one sample off the step's lattice must be by itself
    /// (``granularityEvidence`` stands in for it where that sample shows the lattice's quantum),
    /// where the lattice's samples are multiples of a coarser quantum than it (they may be exact,
    /// as x + y's at integer points): a Double's lowest set bit is 6 bits or more above its ulp by
    /// chance in about 1 of 64 values. f cancelling terms 500 times itself (x² − y² at
    /// (−0.9688, 0.9697), CancellingTermsTests) shows 238.
    public static let granularityEvidenceAlone = 64.0
    /// With a caller's rounding bound, two agreeing adaptive estimates confirm the better only
    /// when their error estimates are within this factor (two steps' rounding, 4 apart, plus the
    /// gaps): a far noisier estimate agrees with anything.
    public static let adaptiveLikePrecision = 16.0
    /// Rounds (each 3 evaluations per direction) before the adaptive method gives up.
    public static let adaptiveMaxRounds = 12
    /// Step divisor after a non-finite sample (a domain edge or overflow within the stencil).
    public static let adaptiveShrinkOnFailure = 16.0
    /// A trusted step is kept unless the balanced step is more than this factor smaller: the
    /// error then drops by about this factor squared, worth another round.
    public static let adaptiveRefineRatio = 8.0
    /// Largest factor the step shrinks by in one round: the third derivative read off a gap
    /// outside the asymptotic range is only a rough guide.
    public static let adaptiveMaxShrink = 4096.0

    /// Default complex step for Double, relative to |x| (h = 1e-20·|x|, or 1e-20 at x = 0), as in
    /// the literature: any h/|x| far below √ε works, since the truncation error h²|f‴|/6 is of
    /// relative size (h/|x|)² for sqrt, log and powers. Relative, so that neither a tiny |x|
    /// (h ≫ |x| would difference across the singularity) nor a huge one (h·|f′| underflows) breaks it.
    public static let complexStepDouble = 1e-20
    /// Default complex step for Float, relative to |x| like ``complexStepDouble``: (h/|x|)² stays
    /// far below Float's ε.
    public static let complexStepFloat = 1e-8
    /// The complex step's check direction moves each input by this many times its own step: a
    /// truncation below rounding there is 1024² ≈ 10⁶ times smaller at the steps themselves.
    public static let complexStepCheckRatio = 1024.0
    /// The check passes when Im f(x + i·c) matches Σⱼ cⱼ·Dⱼ within this many ulps of the terms'
    /// magnitudes (f's own rounding in the imaginary parts, a sum over the inputs).
    public static let complexStepCheckULPs = 16.0
    /// The complex step takes each op's real part from the real op (so the witness rounds as the
    /// modes do) only where the continuation's real part is within this many ulps of it: the
    /// continuation's formulas round a few ulps apart from libm's (swift-numerics' division, tanh,
    /// atan …), while a larger gap is its O(h²) part, −h²f″/2, which belongs to the complex step
    /// (``Complex/onTheFloatsPath(_:real:)``).
    public static let complexStepRealAgreementULPs = 16.0
    /// A truncation estimate this many times the rounding floor means the step is too large for
    /// f near x, and a smaller step is tried.
    public static let complexStepVisibleTruncation = 8.0
    /// The smallest factor a too-large complex step is cut by in one go (2⁻²⁰: beyond it the
    /// imaginary parts approach the underflow range for ordinary steps).
    public static let complexStepLargestShrink = 0x1p-20
    /// How many smaller complex steps are tried after the first, while a truncation stays visible
    /// or two steps disagree: 4 rounds of at most 2⁻²⁰ reach 2⁻⁸⁰ of the first step (x^1e30 at 1
    /// needs three).
    public static let complexStepShrinkRounds = 4
    /// A complex step's exact-zero imaginary part is taken as a zero derivative (±leastNormal/h)
    /// only while the step is at least this fraction of the step at scale 1; below, a derivative
    /// of the size of x may have underflowed, and the wider step looks.
    public static let complexStepExactZeroRange = 0x1p-10
    /// A relative complex step this many times the step at scale 1 or more (|x| ≥ 2²⁰ along a
    /// unit direction) is confirmed by the step at scale 1. A relative step assumes f's features
    /// scale with |x|, as log's and √'s do; sin's period and tan's poles do not, and tan saturates
    /// (tan(a + ib) → i as b grows), so at h = 10⁸⁰ every self-test of one step size passes:
    /// `tan(z)*tan(z)` at −1.32·10¹⁰⁰ gave 0 ± 0 for 12.45, `tan(z)+z` at 10¹⁰⁰ gave 1 ± 4·10⁻¹⁶
    /// for 2.17, and the check convicted the modes' right rules. From 2²⁰ on, a feature has to be
    /// below 2⁻²⁰ of x's own rounding quantum to saturate both steps. Where the two disagree the
    /// entry has no estimate (``complexStepDirectional``).
    public static let complexStepLargeScale = 0x1p20

    /// c_p in h = c_p · ε^{1/(p+1)} · max(1, |x|): the minimiser of truncation |C|·M·hᵖ plus
    /// rounding noise·Σ|wₖ|·ε·|f|/h under the model M = |f⁽ᵖ⁺¹⁾| ≈ |f|:
    /// h* = (noise·Σ|wₖ| / (p·|C|))^{1/(p+1)} · ε^{1/(p+1)}.
    ///
    /// ```swift
    /// DifferenceTuning.stepConstant(for: .central)   // (2·1/(2·1/6))^{1/3} = 6^{1/3} ≈ 1.82
    /// ```
    public static func stepConstant(for stencil: Stencil) -> Double {
        let p = Double(stencil.order)
        let c = Swift.abs(stencil.truncationConstant)
        guard c > 0, p > 0 else { return 1 }
        return Double.pow(evaluationNoiseULPs * stencil.noiseGain / (p * c), 1 / (p + 1))
    }

    /// ``stepConstant(for:)-(Stencil)`` of a built-in method's stencil.
    public static func stepConstant(for method: StencilMethod) -> Double { stepConstant(for: method.stencil) }

    /// The default step of a stencil at a point of magnitude `scale`, for a type with unit
    /// roundoff `epsilon` (Float's ε for Float functions, never Double's).
    public static func defaultStep(for stencil: Stencil, scale: Double, epsilon: Double) -> Double {
        let p = Double(stencil.order)
        return stepConstant(for: stencil) * Double.pow(epsilon, 1 / (p + 1)) * Swift.max(1, scale)
    }
}

extension BinaryFloatingPoint {
    /// The power of two nearest to self (positive, finite self): steps that are powers of two
    /// make sₖ·h exact and, once h ≥ ulp(x), x + sₖh exact too.
    var nearestPowerOfTwo: Self {
        guard self.isFinite, self > 0 else { return self }
        let down = Self(sign: .plus, exponent: self.exponent, significand: 1)
        return self / down >= Self(1.5) ? down * 2 : down
    }
}
