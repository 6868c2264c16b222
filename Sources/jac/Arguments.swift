/// Formulas that start with '-' (`-sinh(x)`, `-x^2`) look like grouped short flags to the argument
/// parser, which would read `-sinh(x)` as `-s -i -n -h …` and print help with status 0. `jac`
/// has no short options besides `-h`, so such a token can only be a formula: it is moved behind a
/// `--`, where the parser takes it as the positional formula whatever it looks like.
///
/// ```swift
/// normalizedArguments(["eval", "-sinh(x)", "--at", "x=1"])   // ["eval", "--at", "x=1", "--", "-sinh(x)"]
/// ```
func normalizedArguments(_ arguments: [String]) -> [String] {
    let formulaCommands: Set<String> = ["jacobian", "eval", "hessian", "check", "sweep", "diff"]
    guard let command = arguments.first, formulaCommands.contains(command) else { return arguments }
    // Options that take no value (every @Flag of the formula commands); every other `--name`
    // without `=` consumes the next token. A flag missing here swallowed the formula after it:
    // `jacobian --sparse "-x*y"` lost its formula, as `diff --expand "-x^2"` did.
    let flags: Set<String> = ["--analyze", "--sparse", "--expand", "--help", "--version", "-h"]
    var kept: [String] = [command]
    var formulas: [String] = []
    var positional = 0
    var sawFile = false, sawPoint = false
    var k = 1
    while k < arguments.count {
        let a = arguments[k]
        if a == "--" {
            kept += arguments[k...]
            positional += arguments.count - k - 1
            break
        }
        if a.hasPrefix("--") {
            kept.append(a)
            if a.hasPrefix("--file") { sawFile = true }
            if a.hasPrefix("--at") || a.hasPrefix("--points") { sawPoint = true }
            if !flags.contains(a) && !a.contains("=") && k + 1 < arguments.count {
                kept.append(arguments[k + 1])
                k += 1
            }
        } else if a.hasPrefix("-") && a != "-" && a != "-h" {
            formulas.append(a)
        } else {
            if a != "-h" { positional += 1 }
            kept.append(a)
        }
        k += 1
    }
    // A lone "-h" with a point and no other formula is the formula −h, not a request for help.
    if formulas.isEmpty && positional == 0 && !sawFile && sawPoint, let h = kept.firstIndex(of: "-h") {
        kept.remove(at: h)
        formulas.append("-h")
    }
    guard !formulas.isEmpty else { return arguments }
    if let dashes = kept.firstIndex(of: "--") {
        kept.insert(contentsOf: formulas, at: dashes + 1)
        return kept
    }
    return kept + ["--"] + formulas
}
