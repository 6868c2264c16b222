import AdjointCheck
import AdjointCore

/// The graded verdict of one point (or one entry) of a derivative property, worst last.
///
/// ```swift
/// TestVerdict.ruleWrong.name   // "rule-wrong"
/// ```
///
/// Cases may be added (``rangeLoss`` was): a `switch` over it should end with `default:`, or
/// compare by order (`verdict >= .inconclusive`), which new cases keep.
public enum TestVerdict: Int, Sendable, Comparable, CaseIterable {
    /// Every checked entry agrees with a reliable witness.
    case agree
    /// A non-differentiable point where the claimed value lies between the one-sided derivatives.
    case validKink
    /// No witness could decide (cancellation, an estimate too coarse); reasons are listed.
    case inconclusive
    /// The check had nothing to compare (no inputs, no outputs, or no parts): never a pass, since
    /// a property that checked nothing says nothing about the claim.
    case nothingChecked
    /// The check could not run at the point: a claim of the wrong shape, an input count f does
    /// not take, an error thrown by f or a matrix program (the message has the typed error).
    /// Never a pass. (Reported as non-finite before, which sent readers looking for a NaN.)
    case error
    /// A non-differentiable point where the claimed value is NOT between the one-sided derivatives.
    case kink
    /// The function jumps at the point: no derivative exists.
    case discontinuity
    /// A claimed value, or the function itself, is NaN or infinite.
    case nonFinite
    /// Forward or reverse mode disagrees with a reliable witness because a tangent or adjoint
    /// left Double's normal range (``Verdict/rangeLoss(subjects:)``): no rule is blamed, and the
    /// point fails, since a mode's value there is wrong.
    case rangeLoss
    /// A reliable witness disagrees after escalation: the derivative rule is wrong here.
    case ruleWrong

    /// The name used in messages and JSON.
    public var name: String {
        switch self {
        case .agree: return "agree"
        case .validKink: return "kink (valid subgradient)"
        case .inconclusive: return "inconclusive"
        case .nothingChecked: return "nothing checked"
        case .error: return "error"
        case .kink: return "kink"
        case .discontinuity: return "discontinuity"
        case .nonFinite: return "non-finite"
        case .rangeLoss: return "range-loss"
        case .ruleWrong: return "rule-wrong"
        }
    }

    /// Whether a point with this verdict fails the property (inconclusive points are counted and
    /// fail only above ``AdjointTestOptions/maximumInconclusiveFraction``).
    public var isFailure: Bool { self >= .nothingChecked }

    /// Ordered by severity, as declared.
    public static func < (l: TestVerdict, r: TestVerdict) -> Bool { l.rawValue < r.rawValue }

    /// The verdict of one report entry.
    init(_ e: EntryCheck) {
        switch e.verdict {
        case .agree: self = .agree
        case .ruleWrong: self = .ruleWrong
        case .fdInconclusive: self = .inconclusive
        case .nonFinite: self = .nonFinite
        case .discontinuity: self = .discontinuity
        case .rangeLoss: self = .rangeLoss
        // Never an entry's (the report's, for a mode left out): its rule failed to run.
        case .modeFailed: self = .error
        // A kink whose one-sided derivatives could not be resolved (another kink closer than a
        // step) shows nothing either way: inconclusive, not a valid subgradient.
        case .kink(let ok): self = ok.map { $0 ? .validKink : .kink } ?? .inconclusive
        }
    }
}

/// One part of a point's check: a `CheckReport` (a Jacobian against its witnesses) or a
/// comparison that is not one (Hessian symmetry, forward-over-reverse against reverse-over-forward).
public struct PointPart: Sendable {
    /// What was checked ("gradient", "Hessian vs differences of the gradient", "symmetry", …).
    public let label: String
    /// The report, for parts that are Jacobian checks.
    public let report: CheckReport?
    /// For parts without a report: the verdict and what was compared.
    public let verdict: TestVerdict
    /// For parts without a report: a readable line (entry, both values, tolerance).
    public let detail: String?
    /// How to name entry (row, column) of this part in messages.
    let entryName: @Sendable (Int, Int) -> String

    @usableFromInline init(label: String, report: CheckReport, entryName: @escaping @Sendable (Int, Int) -> String) {
        self.label = label; self.report = report; self.detail = nil; self.entryName = entryName
        if report.problem != nil { verdict = .nonFinite }
        // A mode that failed on its own (a rule's result of the wrong length) is left out of the
        // entries; the point is an error, not the other mode's agreement.
        else if !report.modeFailures.isEmpty { verdict = Swift.max(.error, report.entries.joined().map(TestVerdict.init).max() ?? .error) }
        else { verdict = report.entries.joined().map(TestVerdict.init).max() ?? .nothingChecked }
    }

    /// A part whose entries are f's outputs by its inputs, named as the report's table labels them
    /// (∂f0/∂x1, or by ``CheckOptions/inputNames``): the message named them ∂f/∂x[1] while the
    /// report's notes printed beneath cited the same entry as (f0, x1) or (f0, b).
    @usableFromInline init(label: String, report: CheckReport) {
        self.init(label: label, report: report, entryName: { [report] i, j in report.derivativeLabel(i, j) })
    }

    @usableFromInline init(label: String, verdict: TestVerdict, detail: String) {
        self.label = label; self.report = nil; self.verdict = verdict; self.detail = detail
        self.entryName = { "[\($0)][\($1)]" }
    }
}

/// Everything checked at one input.
public struct PointOutcome: Sendable {
    /// The input.
    public let input: [Double]
    /// The parts checked there.
    public let parts: [PointPart]
    /// The worst verdict over the parts; ``TestVerdict/nothingChecked`` when there are none.
    public var verdict: TestVerdict { parts.map(\.verdict).max() ?? .nothingChecked }

    /// An inconclusive point with an entry where f did not change at any step while the claim is
    /// not 0 (``EntryCheck/flatWhereClaimMoves``): it fails the property whatever the allowed
    /// fraction of inconclusive points. A clamp's rule that forgot the saturation (1 where the
    /// slope is 0) passed 300 trials over [−1.08, 1.08], its 24 points beyond ±1 within the 10%
    /// allowance; nothing there can confirm the claim, and the missed case is a common one.
    public var flatWhereClaimMoves: Bool {
        verdict == .inconclusive && parts.contains { $0.report?.entries.joined().contains(where: \.flatWhereClaimMoves) ?? false }
    }

    /// Whether this point fails the property on its own.
    var failsProperty: Bool { verdict.isFailure || flatWhereClaimMoves }

    /// What went wrong, beyond the verdict, for the verdicts that cover unrelated causes (error,
    /// non-finite): each part's thrown error or evaluation problem with its numbers masked, and
    /// the subjects found non-finite. The shrinker keeps it, so a failure is not traded for
    /// another: a claimed JVP of the wrong length (an error) shrank to the direction 0, which
    /// the check refuses (an error too), and the message reported only "the direction is 0".
    var failureSignature: [String] {
        guard verdict == .error || verdict == .nonFinite else { return [] }
        return parts.map { part in
            var text = part.detail ?? part.report?.problem.map { "\($0)" } ?? ""
            if let r = part.report {
                text += " " + r.entries.joined().filter { if case .nonFinite = $0.verdict { return true }; return false }
                    .flatMap(\.wrongSubjects).sorted().joined(separator: ",")
                text += " " + r.modeFailures.joined(separator: "; ")
            }
            return "\(part.label): \(part.verdict.name): " + maskingNumbers(text)
        }
    }

    @usableFromInline init(input: [Double], parts: [PointPart]) { self.input = input; self.parts = parts }

    /// An outcome for an input whose check threw, never silently passed: a domain error or a
    /// non-finite value met while evaluating is non-finite; anything else (a shape mismatch, an
    /// invalid option, an error of the user's code) is an error.
    @usableFromInline static func thrown(_ x: [Double], _ error: Error) -> PointOutcome {
        let verdict: TestVerdict
        switch error as? ADError {
        case .domain?, .nonFinite?: verdict = .nonFinite
        default: verdict = .error
        }
        return PointOutcome(input: x, parts: [PointPart(label: "evaluation", verdict: verdict, detail: "the check threw: \(error)")])
    }
}

/// `text` with every decimal number replaced by "#" ("x[0] = -8.3e+38" → "x[#] = #"), so two
/// messages about the same failure at different inputs compare equal.
func maskingNumbers(_ text: String) -> String {
    var out = "", inNumber = false
    var i = text.startIndex
    while i < text.endIndex {
        let c = text[i]
        let next = text.index(after: i)
        let startsNumber = c.isASCII && c.isNumber
            || ((c == "-" || c == ".") && next < text.endIndex && text[next].isASCII && text[next].isNumber)
        if inNumber {
            // Inside a number: digits, a point, an exponent and its sign continue it.
            let continues = (c.isASCII && c.isNumber) || c == "."
                || ((c == "e" || c == "E") && next < text.endIndex && (text[next].isNumber || text[next] == "-" || text[next] == "+"))
                || ((c == "-" || c == "+") && out.last == "#" && i > text.startIndex && "eE".contains(text[text.index(before: i)]))
            if continues { i = next; continue }
            inNumber = false
        }
        if startsNumber { out.append("#"); inNumber = true } else { out.append(c) }
        i = next
    }
    return out
}
