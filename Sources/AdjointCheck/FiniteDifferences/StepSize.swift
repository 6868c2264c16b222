import RealModule

/// How a finite-difference method chooses its step h.
///
/// ```swift
/// try differenceJacobian(of: f, at: x, method: .central, step: .absolute(1e-5))
/// ```
public enum StepSize: Sendable, Equatable {
    /// The principled default h = c_p · ε^{1/(p+1)} · max(1, |x|) for a method of order p (see
    /// ``DifferenceTuning``), rounded to a power of two.
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

    /// Upper bound on an adaptive step, as a fraction of max(1, |x|), used when the estimated
    /// higher derivative vanishes (polynomials of low degree) and rounding alone sets h.
    public static let adaptiveMaxStep = 0.125

    /// Default complex step for Double, relative to |x| (h = 1e-20·|x|, or 1e-20 at x = 0), as in
    /// the literature: any h/|x| far below √ε works, since the truncation error h²|f‴|/6 is of
    /// relative size (h/|x|)² for sqrt, log and powers. Relative, so that neither a tiny |x|
    /// (h ≫ |x| would difference across the singularity) nor a huge one (h·|f′| underflows) breaks it.
    public static let complexStepDouble = 1e-20
    /// Default complex step for Float, relative to |x| like ``complexStepDouble``: (h/|x|)² stays
    /// far below Float's ε.
    public static let complexStepFloat = 1e-8

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
