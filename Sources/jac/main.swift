#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint
import ArgumentParser
import CJacIO

// A custom entry point instead of `Jac.main()`: swift-argument-parser exits 64 on usage errors
// and 0 when run without arguments, but our contract says 2 for every kind of invalid input.


/// Flushes standard output and exits with `status`, or with status 4 and a message when any of
/// the output could not be written (print ignores write errors; the stream remembers them).
func exitAfterWritingStandardOutput(_ status: ExitStatus) -> Never {
    let failure = jac_flush_stdout()
    if failure != 0 {
        let reason = failure > 0 ? String(cString: strerror(failure)) : "a write to it failed"
        writeError("error: could not write the result to standard output: \(reason)")
        exit(ExitStatus.outputFailure.rawValue)
    }
    exit(status.rawValue)
}

let arguments = normalizedArguments(Array(CommandLine.arguments.dropFirst()))
if arguments.isEmpty {
    writeError("""
        error: no command given
        Usage: jac <subcommand> FORMULA --at POINT [options]
          subcommands: jacobian, eval, hessian, check, sweep, complexity, diff, selftest
          See 'jac --help' for examples.
        """)
    exit(ExitStatus.invalidInput.rawValue)
}

// A misspelt subcommand (jac jacobain "x" --at 1) reached the root parser, which named the first
// option it did not know ("Unknown option '--at'"), not the word that was wrong.
let subcommands = Jac.configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
if let first = arguments.first, !first.hasPrefix("-"), !subcommands.contains(first) {
    let looksLikeFormula = first.contains { "()*+-/^,;= 0123456789".contains($0) }
    let hint = closestName(to: first, in: subcommands).map { " (did you mean \($0)?)" }
        ?? (looksLikeFormula ? " (a formula goes after a subcommand: jac jacobian \"\(first)\" --at ...)" : "")
    writeError("""
        error: unknown subcommand '\(first)'\(hint)
        Usage: jac <subcommand> FORMULA --at POINT [options]
          subcommands: \(subcommands.dropLast().joined(separator: ", "))
          See 'jac --help' for examples.
        """)
    exit(ExitStatus.invalidInput.rawValue)
}

if let (name, first, second) = repeatedOption(arguments) {
    writeError("""
        error: \(name) is given twice ('\(quoted(first))' and '\(quoted(second))'): give it once
          See 'jac \(arguments.first ?? "") --help'.
        """)
    exit(ExitStatus.invalidInput.rawValue)
}

// `jac help chek` printed the root help with status 0, as if the word were right.
if arguments.first == "help", arguments.count > 1, let asked = arguments.dropFirst().first,
   !asked.hasPrefix("-"), !subcommands.contains(asked) {
    let hint = closestName(to: asked, in: subcommands).map { " (did you mean \($0)?)" } ?? ""
    writeError("""
        error: no help for '\(asked)', which is not a subcommand\(hint)
          subcommands: \(subcommands.dropLast().joined(separator: ", "))
        """)
    exit(ExitStatus.invalidInput.rawValue)
}

// `check --program` has its own parser (no formula argument): see ProgramCheck.swift.
let root: ParsableCommand.Type = arguments.first == "check" && arguments.contains(where: { $0 == "--program" || $0.hasPrefix("--program=") })
    ? ProgramCheckCommand.self : Jac.self

// `jac check --program --help` asks for the program check's help, but the parser took --help as
// the program's missing value ("Missing value for '--program <command>'").
if root == ProgramCheckCommand.self && arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
    print(ProgramCheckCommand.helpMessage(columns: nil))
    exit(ExitStatus.success.rawValue)
}

do {
    try applyExactLimitsFromEnvironment()
    var command = try root == Jac.self ? Jac.parseAsRoot(arguments) : root.parseAsRoot(Array(arguments.dropFirst()))
    try command.run()
    exitAfterWritingStandardOutput(ExitStatus.success)
} catch let error as JacFailure {
    fflush(nil)
    writeError("error: " + error.message)
    exit(error.status.rawValue)
} catch {
    if root.exitCode(for: error) == .success {
        root.exit(withError: error)   // --help, --version: printed to stdout, status 0
    }
    if error is FormulaError || error is ADError || error is LinalgError {
        let failure = JacFailure(classifying: error)
        writeError("error: " + failure.message)
        exit(failure.status.rawValue)
    }
    // The parser's own errors began "Error:" where every other began "error:" (jac eval with no
    // formula, an unknown option, a --format value): one spelling, for a reader and for grep.
    let message = root.fullMessage(for: error)
    writeError(message.hasPrefix("Error: ") ? "error: " + message.dropFirst("Error: ".count) : message)
    exit(ExitStatus.invalidInput.rawValue)
}
