#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint

/// Writes to file descriptor 2 directly: Swift 6 rejects the C global `stderr` as shared
/// mutable state, and an unbuffered write keeps messages ordered with the progress bar.
func writeError(_ text: String, newline: Bool = true) {
    var bytes = Array(text.utf8)
    if newline && bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        offset += n
    }
}

/// The exit statuses of `jac`, a contract scripts depend on.
enum ExitStatus: Int32 {
    case success = 0
    /// `check`: the library's check did not pass (rule-wrong, fd-inconclusive, or a kink value
    /// outside the one-sided derivatives).
    case modesDisagree = 1
    /// Usage, syntax, unknown function or variable, bad point, a mode that cannot run the formula.
    case invalidInput = 2
    /// Domain error, division by zero, non-finite result.
    case evaluationFailure = 3
    /// The result could not be written: standard output closed, or its disk full. Without it a
    /// full disk left a truncated result file behind a status of 0.
    case outputFailure = 4
}

/// An error `jac` reports itself: one readable message (possibly a short block) and a status.
struct JacFailure: Error {
    let status: ExitStatus
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status; self.message = message
    }

    static func invalid(_ message: String) -> JacFailure { JacFailure(.invalidInput, message) }

    /// Set on the refusal of a point value beyond Double's range. Only `jacobian --mode exact`
    /// reads such a value, so `jacobian` in a floating mode names that mode, and every other
    /// command, which has none that would, leaves the message as it is.
    var refusesValueBeyondDouble = false

    /// The same failure with `hint` after its message.
    func adding(_ hint: String) -> JacFailure { JacFailure(status, message + hint) }


    /// Classifies any error thrown while running a command.
    init(classifying error: Error) {
        switch error {
        case let f as JacFailure:
            self = f
        case let f as FormulaError:
            self.init(.invalidInput, f.rendered)
        case let e as ADError:
            switch e {
            case .limitExceeded(let what, _):
                // Exact mode's limits are ours to raise: name the variable, as the input limits do.
                let variable = what.contains("Rational.workLimit") ? "JAC_EXACT_WORK_LIMIT"
                    : what.hasPrefix("bit size of a") && what.contains("rational") ? "JAC_EXACT_BIT_LIMIT" : nil
                self.init(.evaluationFailure, "evaluation failed: \(e)" + (variable.map { " (\($0) raises the limit)" } ?? ""))
            case let .domain(op, _, inputs, _) where op == "pow" && inputs.count == 2 && inputs[0] < 0
                    && inputs[1].isFinite && inputs[1] == inputs[1].rounded():
                self.init(.evaluationFailure, "evaluation failed: \(e)" + wholeExponentHint(inputs[1]))
            case .domain, .nonFinite, .unsupported, .foreignVariable, .rangeLoss:
                self.init(.evaluationFailure, "evaluation failed: \(e)")
            case .dimensionMismatch, .invalidArgument, .missingRule:
                self.init(.invalidInput, "\(e)")
            }
        case let e as LinalgError:
            // LAPACK could not analyse the Jacobian (non-convergence, singular solve).
            self.init(.evaluationFailure, "analysis failed: \(e)")
        default:
            // Anything else comes from reading input (files, arguments): invalid input, the same
            // status the top level gives it, whether the point came from --at or --points.
            self.init(.invalidInput, "\(error)")
        }
    }
}

/// `error` with the library's output numbers, which count from 0 ("non-finite output 1"),
/// replaced by the names jac prints (f2, or f for a single output): the tables name outputs and
/// `sweep --output` counts from 1, so "output 1" read as the first output, and in sweep it was
/// the number of the other one.
///
/// ```swift
/// namingOutputs(ADError.nonFinite(what: "output 1", op: "exp", node: 1), ["f1", "f2"])
/// // non-finite output f2: first produced by exp at node 1
/// ```
func namingOutputs(_ error: Error, _ names: [String]) -> Error {
    guard case let ADError.nonFinite(what, op, node) = error else { return error }
    return ADError.nonFinite(what: namingOutputs(what, names), op: op, node: node)
}

/// `text` with each "output N" (a whole word, N < names.count) written "output names[N]".
func namingOutputs(_ text: String, _ names: [String]) -> String {
    let word = "output "
    var out = "", rest = Substring(text)
    while let r = rest.range(of: word) {
        let before = rest[..<r.lowerBound]
        let startsWord = before.last.map { !($0.isLetter || $0.isNumber || $0 == "_") } ?? out.last.map { !($0.isLetter || $0.isNumber || $0 == "_") } ?? true
        let digits = rest[r.upperBound...].prefix { $0.isASCII && $0.isNumber }
        let end = rest.index(r.upperBound, offsetBy: digits.count)
        let endsWord = end == rest.endIndex || !(rest[end].isLetter || rest[end].isNumber || rest[end] == "_")
        out += before + word
        if startsWord, endsWord, let k = Int(digits), k < names.count {
            out += names[k]
        } else {
            out += digits
        }
        rest = rest[end...]
    }
    return out + rest
}

/// Why "a real exponent" when the exponent is 2: `x^2.0`, `x^1e3` and `x^(1+1)` are real pow (only
/// an integer literal makes the integer power), which is undefined for a negative base even at a
/// whole exponent; and a literal beyond ±2147483647 (`x^1e30`) cannot be an integer power at all.
///
/// ```swift
/// wholeExponentHint(2)   // "; the exponent 2 is a whole number, but only an integer literal …"
/// ```
func wholeExponentHint(_ n: Double) -> String {
    guard Swift.abs(n) <= Double(Int32.max) else {
        return "; the exponent \(format(n)) is a whole number, but integer powers take |n| ≤ 2147483647"
    }
    return "; the exponent \(Int(n)) is a whole number, but only an integer literal makes an integer power: "
        + "write x^\(Int(n)) (x^2.0, x^1e3 and x^(1+1) are the real pow)"
}
