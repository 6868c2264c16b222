import RealModule

/// How a difference D(t) of a stencil of order p moves as its step halves, read from the ratio of
/// its successive changes ρ = (D(2h) − D(h)) / (D(h) − D(h/2)): the one rule every reader of that
/// ratio applies (the fixed stencils' no-convergence test,
/// `LineProbe.changesDoNotConverge(_:step:fine:coarse:output:outputs:)`, and the check's
/// near-kink rung, `Checker.nearKinkEstimate(output:input:displacement:)`).
///
/// On a smooth stretch D(t) = f′ + a·tᵖ + b·t^q + …, so ρ ≈ 2ᵖ while the leading term rules, and
/// 2^q, 2^{q+2} … where the leading terms vanish at x (f‴ = 0 for central: 16, then 64). Every
/// other reading says the steps are not in that range:
///
/// ```
/// ρ ≤ 0             the changes alternate in sign        erratic
/// 0 < ρ < 1         they do not shrink                    notShrinking  (a jump or kink far inside the steps: ½; a pole: ¼)
/// 1 ≤ ρ < ¾·2ᵖ      they shrink slower than the order     slow          (two terms of the truncation crossing over)
/// ¾·2ᵖ ≤ ρ ≤ 2ᵖ⁺⁵   they shrink at the order or faster    converging
/// ρ > 2ᵖ⁺⁵          D stopped moving all at once          erratic
/// ```
///
/// A smooth f gives `erratic` or `notShrinking` only in narrow bands of steps where its two
/// leading terms nearly cancel (c₂ or c₁ near 0), and one halving further the leading term has
/// taken over; so `notShrinking` flags an estimate only when the next halving reads it again.
/// `erratic` flags nothing (noise beyond the rounding model reads it too; see
/// `changesDoNotConverge`), but it is not `converging` either: the near-kink rung halves on past it.
///
/// ```swift
/// ChangeRatio(changes: 4e-3, 1e-3, order: 2)    // .converging (ρ = 4, central)
/// ChangeRatio(changes: 1e-3, 2e-3, order: 2)    // .notShrinking (ρ = ½: a kink inside the steps)
/// ChangeRatio(changes: 1e-3, -2e-3, order: 4)   // .erratic (the changes alternate)
/// ```
enum ChangeRatio: Equatable {
    case erratic, notShrinking, slow, converging

    /// The lowest ratio, as a fraction of 2ᵖ, read as converging at order p: 3 for central, where
    /// a rate below 4 that rises to it (a and b of opposite signs) leaves D a geometric tail
    /// |c₂|/(ρ − 1) from the limit, which the near-kink rung allows for.
    static let convergingFraction = 0.75
    /// How far above 2ᵖ a ratio still reads as converging, in powers of 2: 2ᵖ⁺⁴ is the rate where
    /// the two terms after the leading one vanish at x (64 for central, 1024 for central6), and one
    /// more power allows for a third term; above it D moved by c₂ and then all but stopped, which
    /// a smooth f does only where c₁ nearly cancels.
    static let convergingPowersAbove = 5.0

    /// The reading of the changes c₂ = D(2h) − D(h) and c₁ = D(h) − D(h/2) at order p; `erratic`
    /// where either is not finite or c₁ is 0 (the caller has judged the changes against rounding).
    init(changes c2: Double, _ c1: Double, order p: Int) {
        let rho = c2 / c1
        let rate = Double.pow(2, Double(p))
        guard c1 != 0, rho.isFinite else { self = .erratic; return }
        if rho <= 0 || rho > rate * Double.pow(2, Self.convergingPowersAbove) {
            self = .erratic
        } else if rho < DifferenceTuning.convergingChangeRatio {
            self = .notShrinking
        } else if rho < Self.convergingFraction * rate {
            self = .slow
        } else {
            self = .converging
        }
    }
}
