import XCTest
import AdjointCore
@testable import AdjointFormula

/// Parser tests. Expected values are hand-computed from the stated precedence rules (the
/// comments give the arithmetic), never read back from the parser.
final class ParserTests: XCTestCase {
    func eval(_ s: String, _ x: [Double] = [], vars: [String]? = nil) throws -> [Double] {
        let f = try Formula(parsing: s, variables: vars)
        return f(x)
    }

    func parseError(_ s: String, vars: [String]? = nil, maxDepth: Int = Formula.defaultMaxDepth,
                    file: StaticString = #filePath, line: UInt = #line) -> FormulaError? {
        do {
            _ = try Formula(parsing: s, variables: vars, maxDepth: maxDepth)
            XCTFail("expected a parse error for \(s.prefix(60))", file: file, line: line)
            return nil
        } catch let e as FormulaError {
            return e
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    // MARK: Precedence and associativity

    func testPrecedence() throws {
        XCTAssertEqual(try eval("1 + 2*3"), [7])          // * before +
        XCTAssertEqual(try eval("(1 + 2)*3"), [9])
        XCTAssertEqual(try eval("1 + 6/3*2"), [5])        // 6/3 = 2, 2*2 = 4, 1 + 4
        XCTAssertEqual(try eval("2*3^2"), [18])           // ^ before *
    }

    func testLeftAssociativity() throws {
        XCTAssertEqual(try eval("10 - 4 - 3"), [3])       // (10 − 4) − 3, not 10 − (4 − 3) = 9
        XCTAssertEqual(try eval("8 / 4 / 2"), [1])        // (8/4)/2, not 8/(4/2) = 4
    }

    func testPowerIsRightAssociative() throws {
        XCTAssertEqual(try eval("2^3^2"), [512])          // 2^(3^2) = 2^9, not (2^3)^2 = 64
    }

    func testUnaryMinus() throws {
        XCTAssertEqual(try eval("-x^2", [3]), [-9])       // −(x²) as in mathematics
        XCTAssertEqual(try eval("(-x)^2", [3]), [9])
        XCTAssertEqual(try eval("-2^2"), [-4])
        XCTAssertEqual(try eval("2^-1"), [0.5])           // 2^(−1)
        XCTAssertEqual(try eval("2*-3"), [-6])
        XCTAssertEqual(try eval("-x*y", [2, 5]), [-10])
        XCTAssertEqual(try eval("x - -y", [2, 5]), [7])
        XCTAssertEqual(try eval("+x", [2]), [2])
        XCTAssertEqual(try eval("--x", [2]), [2])
    }

    func testNegativeOfPowerIsNegOverPowi() throws {
        let f = try Formula(parsing: "-x^2")
        XCTAssertEqual(f.nodes.map(\.op), [.input, .powi, .neg])
        XCTAssertEqual(f.nodes[1].n, 2)
    }

    func testIntegerLiteralExponentsBecomePowi() throws {
        for (s, n) in [("x^3", 3), ("x^-2", -2), ("x^(-2)", -2), ("x^(2)", 2), ("x^0", 0)] {
            let f = try Formula(parsing: s)
            XCTAssertEqual(f.nodes.last?.op, .powi, s)
            XCTAssertEqual(f.nodes.last?.n, n, s)
            XCTAssertTrue(f.constants.isEmpty, "\(s): the exponent is an attribute, not a constant node")
        }
        for s in ["x^2.5", "x^y", "x^(1+1)", "x^2.0", "pow(x, 2.5)", "pow(x, y)"] {
            XCTAssertEqual(try Formula(parsing: s).nodes.last?.op, .pow, s)
        }
        // pow(x, n) with an integer literal n is x^n (issue 16): rational-closed, so exact mode runs it.
        for (s, n) in [("pow(x, 3)", 3), ("pow(x, -2)", -2), ("pow(x + 1, 0)", 0)] {
            let f = try Formula(parsing: s)
            XCTAssertEqual(f.nodes.last?.op, .powi, s)
            XCTAssertEqual(f.nodes.last?.n, n, s)
            XCTAssertNil(f.exactObstacle, s)
        }
        XCTAssertEqual(try eval("pow(x, 3)", [-2]), [-8])
        // powi is exact for a negative base where pow is a domain error: (−2)^3 = −8.
        XCTAssertEqual(try eval("x^3", [-2]), [-8])
    }

    func testNumbers() throws {
        XCTAssertEqual(try eval("12 + 0.5 + .25 + 1e2 + 2.5E-1 + 3."), [12 + 0.5 + 0.25 + 100 + 0.25 + 3])
        let f = try Formula(parsing: "0.1*x - 2.5e-3")
        XCTAssertEqual(f.constants.map(\.text), ["0.1", "2.5e-3"])
        XCTAssertEqual(f.constants.map(\.value), [0.1, 0.0025])
        // Unary minus folds into the literal's text, so exact mode reads −1/4.
        XCTAssertEqual(try Formula(parsing: "x * -0.25").constants.map(\.text), ["-0.25"])
    }

    func testConstants() throws {
        XCTAssertEqual(try eval("pi"), [Double.pi])
        XCTAssertEqual(try eval("e"), [M_E])
        // A declared variable named e wins over the constant.
        XCTAssertEqual(try eval("f(e) = e*2", [5]), [10])
    }

    func testFunctionsAndDefaults() throws {
        XCTAssertEqual(try eval("max(x, y) + min(x, y)", [2, 7]), [9])
        XCTAssertEqual(try eval("hypot(3, 4)"), [5])
        // leaky_relu(x) has slope 0.01: leaky_relu(−2) = −0.02.
        XCTAssertEqual(try eval("leaky_relu(x)", [-2])[0], -0.02, accuracy: 1e-17)
        XCTAssertEqual(try eval("leaky_relu(x, 0.5)", [-2]), [-1])
        // elu(x) has alpha 1: elu(−1) = e^(−1) − 1.
        XCTAssertEqual(try eval("elu(x)", [-1])[0], exp(-1.0) - 1, accuracy: 1e-15)
        XCTAssertEqual(try eval("elu(x, 2)", [-1])[0], 2 * (exp(-1.0) - 1), accuracy: 1e-15)
    }

    // MARK: Variables, outputs, header

    func testVariableOrder() throws {
        XCTAssertEqual(try Formula(parsing: "b + a*c").variables, ["b", "a", "c"])      // first appearance
        XCTAssertEqual(try Formula(parsing: "f(a, b, c) = b + a*c").variables, ["a", "b", "c"])
        XCTAssertEqual(try Formula(parsing: "f(a, b, c) = b + a*c", variables: ["c", "b", "a"]).variables,
                       ["c", "b", "a"])
        // Declared but unused variables stay inputs.
        XCTAssertEqual(try eval("f(x, y) = 2*y", [100, 3]), [6])
    }

    func testSeveralOutputs() throws {
        let f = try Formula(parsing: "f(x, y) = x*y + sin(x); exp(y)/x;")
        XCTAssertEqual(f.outputs.count, 2)
        XCTAssertEqual(f.outputNames, ["f1", "f2"])
        let y = f([1.0, 0.0])
        XCTAssertEqual(y[0], sin(1.0), accuracy: 1e-15)     // 1·0 + sin 1
        XCTAssertEqual(y[1], 1)                              // e⁰ / 1
    }

    /// Without a header, outputs are not named after variables: "f2*f1; f1" named its outputs f1,
    /// f2, so a table's columns read f1 for both a variable and an output.
    func testDefaultOutputNamesAvoidTheVariables() throws {
        XCTAssertEqual(try Formula(parsing: "f2*f1; f1").outputNames, ["g1", "g2"])
        XCTAssertEqual(try Formula(parsing: "f*2").outputNames, ["g"])
        XCTAssertEqual(try Formula(parsing: "f + g + h + y + out").outputNames, ["out_"])
        XCTAssertEqual(try Formula(parsing: "x*y; x").outputNames, ["f1", "f2"])
        // A header's name is the user's choice, kept.
        XCTAssertEqual(try Formula(parsing: "f1(f1, f2) = f1; f2").outputNames, ["f11", "f12"])
    }

    // MARK: Graph

    func testCommonSubexpressionsAreOneNode() throws {
        // x, sin(x), sin·sin, +: the three sin(x) are one node.
        XCTAssertEqual(try Formula(parsing: "sin(x)*sin(x) + sin(x)").nodes.count, 4)
        // x*y and y*x are one product (IEEE multiplication is commutative): x, y, *, +.
        XCTAssertEqual(try Formula(parsing: "x*y + y*x").nodes.count, 4)
        // x − y and y − x differ: x, y, −, −, +.
        XCTAssertEqual(try Formula(parsing: "(x-y) + (y-x)").nodes.count, 5)
        // Shared across outputs too.
        let f = try Formula(parsing: "exp(x); exp(x) + 1")
        XCTAssertEqual(f.nodes.filter { $0.op == .exp }.count, 1)
    }

    func testSharedNodeIsEvaluatedOnce() throws {
        // Dual arithmetic reports every op it runs to Instrumentation: one sin, one mul, one add.
        let f = try Formula(parsing: "sin(x)*sin(x) + sin(x)")
        let (_, counts) = measureOperations { f([Dual<Double, Double>(0.3, tangent: 1)]) }
        XCTAssertEqual(counts.byOp[.sin], 1)
        XCTAssertEqual(counts.scalarOps, 3)
    }

    func testGraphIsInEvaluationOrder() throws {
        let f = try Formula(parsing: "f(x, y) = exp(x*y) / (1 + y^2); hypot(x, y) - x")
        for (i, node) in f.nodes.enumerated() where node.op != .input && node.op != .constant {
            XCTAssertLessThan(node.a, i); XCTAssertLessThan(node.b, i)
        }
    }

    func testUsedOpsAndExactness() throws {
        let f = try Formula(parsing: "sin(x)^2 + x")
        XCTAssertEqual(f.usedOps, [.sin, .powi, .add])
        XCTAssertEqual(f.exactObstacle, "uses sin")
        XCTAssertEqual(try Formula(parsing: "sin(x) + pi").exactObstacle, "uses sin and the constant pi")
        XCTAssertNil(try Formula(parsing: "x1^2 + 5*x1*x2 - abs(x2)/3").exactObstacle)
        XCTAssertTrue(try Formula(parsing: "leaky_relu(x)").isRational)
        XCTAssertFalse(try Formula(parsing: "x^y").isRational)   // real pow is not rational-closed
    }

    /// Review: an integer literal exponent beyond Int32 (the tape's storage of n) is the real pow,
    /// and exact mode said only "uses pow", of a formula with no pow written in it. The
    /// bounds ±(2³¹ − 1) and −2³¹ still make the integer power.
    func testAnIntegerExponentBeyondInt32IsPowAndTheExactObstacleSaysWhy() throws {
        for s in ["x^2147483647", "x^-2147483648", "pow(x, 2147483647)"] {
            XCTAssertEqual(try Formula(parsing: s).nodes.last?.op, .powi, s)
        }
        for (s, n) in [("x^3000000000", "3000000000"), ("pow(x, -2147483649)", "-2147483649"), ("x^99999999999999999999", "99999999999999999999")] {
            let f = try Formula(parsing: s)
            XCTAssertEqual(f.nodes.last?.op, .pow, s)
            XCTAssertEqual(f.exactObstacle, "uses pow (the exponent \(n) is an integer beyond ±2147483647, the integer power's range, so it is the real pow)")
        }
        XCTAssertEqual(try Formula(parsing: "x^2.0 + x^y").exactObstacle, "uses pow")
    }

    // MARK: Every mode runs the same graph

    func testTextbookJacobianInBothModes() throws {
        // ∂/∂x1 = 1/x1 + x2 = 5.5; ∂/∂x2 = x1 − cos x2 = 2 − cos 5.
        let f = try Formula(parsing: "log(x1) + x1*x2 - sin(x2)")
        for mode in [JacobianMode.forward, .reverse] {
            let r = try jacobian(of: f, at: [2.0, 5.0], mode: mode)
            XCTAssertEqual(r.jacobian[0][0], 5.5, "\(mode)")
            XCTAssertEqual(r.jacobian[0][1], 2 - cos(5.0), accuracy: 4e-16, "\(mode)")
        }
    }

    func testEvaluateWithCallerConstants() throws {
        // Exact mode passes its own constants; here a Double stand-in shows they are used.
        let f = try Formula(parsing: "0.1*x + 2")
        XCTAssertEqual(f.evaluate([10.0], constants: [0.5, 2]), [7])
    }

    // MARK: Errors with positions

    func testUnknownFunction() {
        let e = parseError("x + sinn(x)")
        XCTAssertEqual(e?.description, "unknown function 'sinn' (did you mean sin?) at column 5")
        XCTAssertEqual(e?.rendered, "unknown function 'sinn' (did you mean sin?) at column 5\n  x + sinn(x)\n      ^")
        XCTAssertEqual(e?.kind, .unknownFunction("sinn"))
    }

    func testMissingCloseParen() {
        // "sin(x + y*2" has 11 characters: the ')' is expected at column 12.
        let e = parseError("sin(x + y*2")
        XCTAssertEqual(e?.description, "expected ')' at column 12 (to close the '(' at column 4)")
        XCTAssertEqual(e?.rendered.split(separator: "\n").last, "             ^")   // 2 + 11 spaces
    }

    func testUnknownVariable() {
        let e = parseError("x*y + z", vars: ["x", "y"])
        XCTAssertEqual(e?.description, "unknown variable 'z' at column 7 (variables: x, y)")
        XCTAssertEqual(e?.kind, .unknownVariable("z"))
        XCTAssertEqual(parseError("f(x) = x*y")?.kind, .unknownVariable("y"))
    }

    func testSyntaxErrors() {
        // A number running into a name is a missing operator, hinted as for "x y".
        XCTAssertEqual(parseError("2x")?.description, "expected an operator but found 'x' (write 2*x, not 2x) at column 2")
        XCTAssertEqual(parseError("0.5sin(x)")?.description,
                       "expected an operator but found 'sin' (write 0.5*sin, not 0.5sin) at column 4")
        XCTAssertEqual(parseError("1.5.3")?.description, "malformed number at column 1")
        // The hint shows the operands as written (a user trial: "2(x+1)" was told "write 2*x").
        XCTAssertEqual(parseError("x y")?.description, "expected an operator but found 'y' (write x*y, not x y) at column 3")
        XCTAssertEqual(parseError("2(x+1)")?.description, "expected an operator but found '(' (write 2*(…), not 2(…)) at column 2")
        XCTAssertEqual(parseError("(x+1)(x-1)")?.description,
                       "expected an operator but found '(' (write (…)*(…), not (…)(…)) at column 6")
        XCTAssertEqual(parseError("x +")?.column, 4)
        XCTAssertEqual(parseError("x)")?.description, "unmatched ')' at column 2")
        XCTAssertEqual(parseError("x # y")?.description, "unexpected character '#' at column 3")
        XCTAssertEqual(parseError("1e+ x")?.column, 1)
        XCTAssertEqual(parseError("sin + 1")?.description, "'sin' is a function: call it as sin(…) at column 1")
        XCTAssertEqual(parseError("")?.kind, .empty)
        XCTAssertEqual(parseError("x;;y")?.column, 3)
        XCTAssertEqual(parseError("(x, y)")?.column, 3)
        XCTAssertEqual(parseError("x = 2")?.column, 3)
        // Columns count characters, not UTF-8 bytes.
        XCTAssertEqual(parseError("x + λ")?.description,
                       "unexpected character 'λ' (variable and function names use ASCII letters, digits and '_', e.g. theta for θ) at column 5")
    }

    /// A user trial: errors named the problem but not the fix for what people actually type —
    /// ln, log10, Sin, x**2, and characters pasted from a document (a Unicode minus, ×, ², a
    /// non-breaking space), which looked identical to the ASCII the language wants.
    /// A header with a typo (a missing comma) fell through to the expression parser, which said
    /// "unknown function 'f'": the formula's own name, not the problem.
    func testAMalformedHeaderIsReportedAsAHeader() {
        XCTAssertEqual(parseError("f(x y) = x*y")?.description,
                       "malformed header: found 'y' where variable names, commas and ') =' belong (write f(x, y) = ...) at column 5")
        XCTAssertEqual(parseError("f(x, 2) = x")?.column, 6)
        // Without '=', f(…) is a call, and an unknown function is what it is.
        XCTAssertEqual(parseError("f(x)")?.kind, .unknownFunction("f"))
        XCTAssertNotNil(try? Formula(parsing: "f(x, y) = x*y"))
    }

    func testErrorsSayWhatToWriteInstead() {
        XCTAssertEqual(parseError("ln(x)")?.description, "unknown function 'ln' (did you mean log, the natural logarithm?) at column 1")
        XCTAssertEqual(parseError("log10(x)")?.description, "unknown function 'log10' (write log(x)/log(10)) at column 1")
        XCTAssertEqual(parseError("Sin(x)")?.description, "unknown function 'Sin' (did you mean sin? names are case-sensitive) at column 1")
        XCTAssertEqual(parseError("sigmoud(x)")?.description, "unknown function 'sigmoud' (did you mean sigmoid?) at column 1")
        XCTAssertEqual(parseError("x(y + 1)")?.description, "unknown function 'x' (write x*(…) for a product) at column 1")
        // Nothing close: the list of functions, read from the registry.
        let far = parseError("foo(x)")?.description ?? ""
        XCTAssertTrue(far.hasPrefix("unknown function 'foo' (functions: pow, square, sqrt, exp,"), far)
        XCTAssertTrue(far.contains(" hypot) at column 1"), far)
        XCTAssertEqual(parseError("x**2")?.description,
                       "expected a number, variable, function call or '(' but found '*' (write powers with '^', as x^2, not x**2) at column 3")
        XCTAssertEqual(parseError("x * *2")?.description, "expected a number, variable, function call or '(' but found '*' at column 5")
        XCTAssertEqual(parseError("x\u{2212}1")?.description, "unexpected character '\u{2212}' (write '-', the ASCII minus) at column 2")
        XCTAssertEqual(parseError("2\u{00D7}x")?.description, "unexpected character '\u{00D7}' (write '*' for a product) at column 2")
        XCTAssertEqual(parseError("x\u{00B2}")?.description, "unexpected character '\u{00B2}' (write powers with '^', as x^2) at column 2")
        // A control character printed raw is invisible: its code point is named instead.
        XCTAssertEqual(parseError("x\u{0}+1")?.description, "unexpected character U+0000 (a control character) at column 2")
        // pi() read as an unknown function with the whole list; |x|, brackets, ½, full-width
        // signs, document quotes and ∑ had no hint at all.
        XCTAssertEqual(parseError("pi()")?.description,
                       "unknown function 'pi' ('pi' is the constant π: write pi, or pi*(…) for a product) at column 1")
        XCTAssertEqual(parseError("|x|")?.description, "unexpected character '|' (write abs(x) for |x|) at column 1")
        XCTAssertEqual(parseError("sin[x]")?.description, "unexpected character '[' (group with '(' and ')') at column 4")
        XCTAssertEqual(parseError("\u{00BD}*x")?.description, "unexpected character '\u{00BD}' (write 1/2) at column 1")
        XCTAssertEqual(parseError("x \u{FF0B} 1")?.description,
                       "unexpected character '\u{FF0B}' (a full-width form: write the ASCII '+') at column 3")
        XCTAssertEqual(parseError("\u{201C}x\u{201D}")?.description,
                       "unexpected character '\u{201C}' (quotes are not part of a formula: in a shell, put the whole formula in ASCII quotes) at column 1")
        XCTAssertEqual(parseError("\u{2211}x")?.description,
                       "unexpected character '\u{2211}' (there are no sums or products over an index: write the terms out) at column 1")
        XCTAssertEqual(parseError("x!")?.description, "unexpected character '!' at column 2")
        XCTAssertEqual(parseError("x\u{00A0}+ 1")?.description,
                       "unexpected character '\u{00A0}' (an invisible Unicode space, often pasted from a document: retype it as a plain space) at column 2")
    }

    func testArgumentCounts() {
        XCTAssertEqual(parseError("sin(x, y)")?.description, "sin takes 1 argument, got 2 at column 1")
        XCTAssertEqual(parseError("x + max(x)")?.description, "max takes 2 arguments, got 1 at column 5")
        XCTAssertEqual(parseError("sin()")?.description, "sin takes 1 argument, got 0 at column 1")
        XCTAssertEqual(parseError("elu(x, 1, 2)")?.description, "elu takes 1 or 2 arguments, got 3 at column 1")
    }

    func testMultilineErrorsGiveTheLine() {
        let e = parseError("f(x) =\n  x +\n  cosh(x) * q")
        XCTAssertEqual(e?.description, "unknown variable 'q' at line 3, column 13 (variables: x)")
    }

    func testBadVariableLists() {
        XCTAssertEqual(parseError("x", vars: ["x", "x"])?.kind, .invalidVariableList)
        XCTAssertEqual(parseError("x", vars: ["2x"])?.kind, .invalidVariableList)
        XCTAssertEqual(parseError("x", vars: ["sin"])?.kind, .invalidVariableList)
        XCTAssertEqual(parseError("f(x, x) = x")?.column, 6)
    }

    // MARK: Depth and size

    func testDepthBound() throws {
        let ok = String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
        XCTAssertEqual(try eval(ok, [3]), [3])
        let deep = String(repeating: "(", count: 10_001) + "x" + String(repeating: ")", count: 10_001)
        XCTAssertEqual(parseError(deep)?.kind, .tooDeep(limit: 10_000))
        let calls = String(repeating: "sin(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)
        let e = parseError(calls)
        // The k-th "sin(" starts at byte 4(k − 1), its "(" at 4(k − 1) + 3; for k = 10,001 that is
        // byte 40,003, column 40,004.
        XCTAssertEqual(e?.column, 40_004)
        // The caret excerpt is a window, not the whole 500 kB line.
        XCTAssertLessThan(e?.rendered.count ?? .max, 300)
    }

    func testLongChainsNeedNoRecursion() throws {
        // 100,000 nested calls under a raised bound, a 100,000-deep right-associative power
        // chain and 100,000 unary minuses: all iterative.
        let n = 100_000
        let calls = String(repeating: "abs(", count: n) + "x" + String(repeating: ")", count: n)
        XCTAssertEqual(try Formula(parsing: calls, maxDepth: n)([-2.0]), [2])
        let tower = Array(repeating: "x", count: n).joined(separator: "^")
        XCTAssertEqual(try Formula(parsing: tower)([1.0]), [1])     // 1^(1^(…)) = 1
        let minuses = String(repeating: "-", count: n) + "x"       // even count: +x
        XCTAssertEqual(try Formula(parsing: minuses)([5.0]), [5])
    }

    func testLargeSum() throws {
        // 250,000 terms "x + x + …": d/dx = 250,000 exactly (integers are exact in Double).
        let terms = 250_000
        let f = try Formula(parsing: Array(repeating: "x", count: terms).joined(separator: " + "))
        let r = try jacobian(of: f, at: [1.0], mode: .reverse)
        XCTAssertEqual(r.value, [Double(terms)])
        XCTAssertEqual(r.jacobian, [[Double(terms)]])
    }

    // MARK: Literals beyond Double's range

    /// By default a literal beyond Double's range is a syntax error (every floating evaluation
    /// would use ±∞ or 0 in its place), with the messages `jac` has always printed.
    func testLiteralsBeyondDoubleAreRefusedByDefault() {
        XCTAssertEqual(parseError("x*1e-400")?.message, "number '1e-400' underflows to 0 in double precision")
        XCTAssertEqual(parseError("x*1e400")?.message, "number '1e400' is out of range")
        XCTAssertEqual(parseError("x*1e-400", vars: ["x"])?.column, 3)
    }

    /// Kept for exact evaluation: the text is the number, and the constant is marked so no
    /// floating evaluation uses its rounded Double unknowingly. 0.000 and 1e-300 are in range.
    func testLiteralsBeyondDoubleAreKeptForExactEvaluation() throws {
        let f = try Formula(parsing: "x*1e-400 + 1e400 - 2e400*x + 0.000 + 1e-300 - -3e-500",
                            outOfRangeLiterals: .keptForExactEvaluation)
        let kept = f.constants.map { "\($0.text) \($0.value) \($0.isBeyondDouble)" }
        // Values as Swift's Double reads them: 1e-400 → 0, 1e400 → +∞; the unary minus folds
        // into the literal's text and value (−0.0).
        XCTAssertEqual(Set(kept), ["1e-400 0.0 true", "1e400 inf true", "2e400 inf true", "0.000 0.0 false",
                                   "1e-300 1e-300 false", "-3e-500 -0.0 true"])
        XCTAssertEqual(f.literalsBeyondDouble.map(\.text), ["1e-400", "1e400", "2e400", "-3e-500"])
        XCTAssertNil(f.exactObstacle)   // still rational literals
        XCTAssertEqual(try Formula(parsing: "x*1e-3", outOfRangeLiterals: .keptForExactEvaluation).literalsBeyondDouble, [])
    }
}

/// Seeded random token soup: every input either parses or throws a ``FormulaError``; nothing
/// traps. The seed is fixed and printed so a failure can be replayed.
final class ParserRobustnessTests: XCTestCase {
    func testRandomTokenSoupNeverTraps() {
        let seed: UInt64 = 20_261_121
        print("ParserRobustnessTests seed \(seed)")
        var rng = SeededGenerator(seed: seed)
        let pieces = ["x", "y", "2", "0.5", "1e3", "-", "+", "*", "/", "^", "(", ")", ",", ";", "=", "sin", "max",
                      "leaky_relu", "f", "pi", "e", " ", "1e", ".", "#", "λ", "\n", "2x", "(-2)", "x^-2"]
        var parsed = 0, rejected = 0
        for _ in 0..<3000 {
            let n = Int.random(in: 1...14, using: &rng)
            let text = (0..<n).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
            do {
                let f = try Formula(parsing: text, maxDepth: 4)
                _ = f(Array(repeating: 0.7, count: f.variables.count))
                parsed += 1
            } catch is FormulaError {
                rejected += 1
            } catch {
                XCTFail("non-FormulaError \(error) for \(text)")
            }
        }
        // Both branches must be exercised for the test to mean anything.
        XCTAssertGreaterThan(parsed, 100)
        XCTAssertGreaterThan(rejected, 100)
    }
}
