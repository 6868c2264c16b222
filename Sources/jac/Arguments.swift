/// Formulas that start with '-' (`-sinh(x)`, `-x^2`) look like grouped short flags to the argument
/// parser, which would read `-sinh(x)` as `-s -i -n -h …` and print help with status 0. `jac`
/// has no short options besides `-h`, so such a token can only be a formula: it is moved behind a
/// `--`, where the parser takes it as the positional formula whatever it looks like.
///
/// ```swift
/// normalizedArguments(["eval", "-sinh(x)", "--at", "x=1"])   // ["eval", "--at", "x=1", "--", "-sinh(x)"]
/// ```
func normalizedArguments(_ arguments: [String]) -> [String] {
    movingFormulas(joiningNegativeValues(arguments))
}

/// Options that take no value (every @Flag of every subcommand); every other `--name` without `=`
/// consumes the next token.
let valuelessOptions: Set<String> = ["--analyze", "--sparse", "--expand", "--mutations", "--directional-first",
                                     "--help", "--version", "-h"]

/// `--output -1` becomes `--output=-1`: the argument parser reads a token starting with '-' as an
/// option, so a negative value said "Missing value for '--output <output>'" although one was
/// given; joined, the value reaches the option's own check ("--output -1 is out of range").
///
/// ```swift
/// joiningNegativeValues(["selftest", "--graphs", "-1"])   // ["selftest", "--graphs=-1"]
/// ```
func joiningNegativeValues(_ arguments: [String]) -> [String] {
    func isNegativeNumber(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "-"),
              (bytes[1] >= 48 && bytes[1] <= 57) || bytes[1] == UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || Array("-+.eE,/".utf8).contains($0) }
    }
    var out: [String] = []
    var k = 0
    while k < arguments.count {
        let a = arguments[k]
        if a == "--" { return out + arguments[k...] }
        if a.hasPrefix("--"), !a.contains("="), !valuelessOptions.contains(a), k + 1 < arguments.count,
           isNegativeNumber(arguments[k + 1]) {
            out.append(a + "=" + arguments[k + 1])
            k += 2
            continue
        }
        out.append(a)
        k += 1
    }
    return out
}

/// Moves a formula that starts with '-' behind `--` (see ``normalizedArguments(_:)``).
func movingFormulas(_ arguments: [String]) -> [String] {
    let formulaCommands: Set<String> = ["jacobian", "eval", "hessian", "check", "sweep", "diff"]
    guard let command = arguments.first, formulaCommands.contains(command) else { return arguments }
    // A flag missing from `valuelessOptions` swallowed the formula after it: `jacobian --sparse
    // "-x*y"` lost its formula, as `diff --expand "-x^2"` did.
    let flags = valuelessOptions
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

/// The first option given twice, with both values, or nil. Every option of `jac` takes one value,
/// and the argument parser kept the last one without a word: `jac check F --at 1 --at 2` checked
/// at 2 alone, and a script that appended a second `--mode` ran a mode it did not mean.
///
/// ```swift
/// repeatedOption(["eval", "x", "--at", "1", "--at=2"])   // ("--at", "1", "2")
/// ```
func repeatedOption(_ arguments: [String]) -> (name: String, first: String, second: String)? {
    var seen: [String: String] = [:]
    var k = 0
    while k < arguments.count {
        let a = arguments[k]
        if a == "--" { return nil }
        guard a.hasPrefix("--"), !valuelessOptions.contains(a) else { k += 1; continue }
        let name: String, value: String
        if let eq = a.firstIndex(of: "=") {
            name = String(a[..<eq])
            value = String(a[a.index(after: eq)...])
            k += 1
        } else {
            name = a
            value = k + 1 < arguments.count ? arguments[k + 1] : ""
            k += 2
        }
        if let first = seen[name] { return (name, first, value) }
        seen[name] = value
    }
    return nil
}
