import XCTest

/// `jac diff`: the documented JSON shape, round trip through `jac eval`, and its errors.
final class DiffCommandTests: XCTestCase {
    func testPolarJacobianJSON() throws {
        // ∂(r cos t, r sin t)/∂(r, t) by hand.
        let r = try JacRunner.run(["diff", "f(r, t) = r*cos(t); r*sin(t)", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        XCTAssertEqual(o["variables"] as? [String], ["r", "t"])
        XCTAssertEqual(o["jacobian"] as? [[String]], [["cos(t)", "-r*sin(t)"], ["sin(t)", "r*cos(t)"]])
    }

    func testEveryJSONEntryEvaluatesByJacEvalToTheReverseModeJacobian() throws {
        let formula = "log(x1) + x1*x2 - sin(x2)"
        let d = try JacRunner.json(try JacRunner.run(["diff", formula, "--format", "json"]).stdout)
        let entries = (d["jacobian"] as? [[String]] ?? []).flatMap { $0 }
        let reference = try JacRunner.json(try JacRunner.run(["jacobian", formula, "--at", "x1=2,x2=5", "--format", "json"]).stdout)
        let row = ((reference["jacobian"] as? [[Any]])?.first ?? []).compactMap { $0 as? Double }
        XCTAssertEqual(entries.count, 2)
        XCTAssertEqual(row.count, 2)
        for (entry, expected) in zip(entries, row) {
            let e = try JacRunner.run(["eval", entry, "--vars", "x1,x2", "--at", "x1=2,x2=5", "--format", "json"])
            XCTAssertEqual(e.status, 0, e.stderr)
            let value = (try JacRunner.json(e.stdout)["value"] as? [Double])?.first
            XCTAssertEqual(value ?? .nan, expected, accuracy: 4 * expected.ulp, entry)
        }
    }

    func testAtEvaluatesAndKinksNeedAPoint() throws {
        let noPoint = try JacRunner.run(["diff", "relu(x)*y"])
        XCTAssertEqual(noPoint.status, 2)
        XCTAssertTrue(noPoint.stderr.contains("pass --at"), noPoint.stderr)
        let r = try JacRunner.run(["diff", "relu(x)*y", "--at", "x=0.5,y=2", "--wrt", "x"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "df/dx = y    (= 2.0)")
        let bad = try JacRunner.run(["diff", "x*y", "--wrt", "z"])
        XCTAssertEqual(bad.status, 2)
        let order = try JacRunner.run(["diff", "x*y", "--order", "3"])
        XCTAssertEqual(order.status, 2)
    }

    /// sqrt(x-x)*y is 0 for every x, but the chain rule meets sqrt′(0) = ∞ at the point every input
    /// reaches: df/dx printed as -0.5*(y/sqrt(0)) + 0.5*(y/sqrt(0)), NaN for every y (∞ − ∞), with
    /// no word. The culprit constant is named; an entry without one (df/dy = sqrt(0) = 0) and a
    /// derivative whose divisor merely can be 0 (sqrt(x)*y) get no note, nor does an exact
    /// constant beyond Double's range.
    func testAConstantSingularityInThePrintedDerivativeIsNamed() throws {
        let r = try JacRunner.run(["diff", "sqrt(x-x)*y"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("note: df/dx divides by sqrt(0), which is 0 whatever the variables"), r.stderr)
        XCTAssertFalse(r.stderr.contains("df/dy"), r.stderr)
        // Evaluated by jac eval at an ordinary point, the printed entry is indeed not a number.
        let json = try JacRunner.json(try JacRunner.run(["diff", "sqrt(x-x)*y", "--format", "json"]).stdout)
        let entry = (json["jacobian"] as? [[String]])?.first?.first ?? ""
        let e = try JacRunner.run(["eval", entry, "--vars", "x,y", "--at", "x=1,y=2"])
        XCTAssertNotEqual(e.status, 0, e.stdout)
        let held = try JacRunner.run(["diff", "sqrt(x^2-x^2)+x"])
        XCTAssertTrue(held.stderr.contains("note: df/dx holds 0.5/sqrt(0), which is ±∞ or NaN in Double"), held.stderr)
        for quiet in ["sqrt(x)*y", "log(x-x+1)*y"] {
            let q = try JacRunner.run(["diff", quiet])
            XCTAssertEqual(q.status, 0, q.stderr)
            XCTAssertFalse(q.stderr.contains("note:"), "\(quiet): \(q.stderr)")
        }
        // An exact constant beyond Double's range is no singularity, but the printed exp(x)·10³⁰⁹ is
        // ∞ in Double at x = −10, where the derivative is 4.5e304: that is said instead.
        let big = try JacRunner.run(["diff", "exp(x)*1e308*10"])
        XCTAssertEqual(big.status, 0, big.stderr)
        XCTAssertFalse(big.stderr.contains("±∞ or NaN"), big.stderr)
        XCTAssertTrue(big.stderr.contains("note: the printed expression holds the exact constant ≈ 1.00000e+309, beyond Double's range"), big.stderr)
    }

    /// x·1.0123456789⁴⁰ has the exact derivative 1.0123456789⁴⁰, a fraction of 401-digit numerator
    /// and denominator: printed as p/q it was ∞/∞ = NaN in generated Swift, and jac eval refused
    /// the JSON entry ("out of range"). It is printed as the nearest Double, with a note. The
    /// value, by Python's Fraction: float(Fraction("1.0123456789") ** 40) = 1.6336286385745422.
    func testAConstantWhosePartsOverflowIsPrintedRounded() throws {
        let r = try JacRunner.run(["diff", "x*1.0123456789^40 + y", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("1 exact constant(s) whose numerator or denominator is beyond Double's range are printed rounded"), r.stderr)
        let entry = (try JacRunner.json(r.stdout)["jacobian"] as? [[String]])?.first?.first ?? ""
        XCTAssertEqual(entry, "1.6336286385745422")
        let e = try JacRunner.run(["eval", entry, "--vars", "x,y", "--at", "x=1,y=1"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let swift = try JacRunner.run(["diff", "x*1.0123456789^40 + y", "--format", "swift"])
        XCTAssertTrue(swift.stdout.contains("let dfdx = 1.6336286385745422"), swift.stdout)
        // A fraction whose parts fit is still printed exactly.
        XCTAssertTrue(try JacRunner.run(["diff", "x/3 + y"]).stdout.contains("df/dx = 1/3"))
    }

    /// 0.1*x + 0.2*x - 0.3*x is exactly 0 in the symbolic scalar (literals are the decimals they
    /// spell), 5.6e-17 at x = 1 in Double: the error reported a division by zero with the divisor
    /// 5.551115123125783e-17. The exact constant's value is the one reported.
    func testAnExactZeroDivisorIsReportedAsZeroAtAPoint() throws {
        let r = try JacRunner.run(["diff", "1/(0.1*x+0.2*x-0.3*x)", "--at", "x=1"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("division by zero (inputs: 1.0, 0.0)"), r.stderr)
        XCTAssertFalse(r.stderr.contains("e-17"), r.stderr)
    }

    /// jac hessian notes an asymmetric matrix; jac diff --order 2 printed the same one (pow(x, y)
    /// at (0, 1): mixed entries 1 and 0, where ∂²/∂x∂y = x^(y−1)(1 + y·ln x) has no value) silently.
    func testAnAsymmetricSecondDerivativeIsNotedAsByJacHessian() throws {
        let r = try JacRunner.run(["diff", "pow(x,y)", "--order", "2", "--at", "x=0,y=1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("note: the matrix is not symmetric"), r.stderr)
        // And why: the mixed partial x^(y−1)(1 + y ln x) is unbounded there (by hand).
        XCTAssertTrue(r.stderr.contains("note: no Hessian exists at this point") && r.stderr.contains("(from pow)"), r.stderr)
        // No rule is to blame there, so the asymmetry note must not send the user looking for one.
        XCTAssertFalse(r.stderr.contains("a rule's second derivative is suspect"), r.stderr)
        XCTAssertTrue(r.stderr.contains("no Hessian exists at this point (see below)"), r.stderr)
        // jac hessian now refuses it: the mixed partial is unbounded there (PowSecondOrderTests).
        let h = try JacRunner.run(["hessian", "pow(x,y)", "--at", "x=0,y=1"])
        XCTAssertEqual(h.status, 3, h.stderr)
        XCTAssertTrue(h.stderr.contains("unbounded as x → 0 at y = 1") && h.stderr.contains("pow"), h.stderr)
        let symmetric = try JacRunner.run(["diff", "x^2*y", "--order", "2", "--at", "x=1,y=2"])
        XCTAssertFalse(symmetric.stderr.contains("not symmetric"), symmetric.stderr)
        XCTAssertFalse(symmetric.stderr.contains("no Hessian exists"), symmetric.stderr)
    }

    /// With --wrt listing every variable in another order, the columns are permuted, and the
    /// asymmetry check read the permuted matrix: for x²y³ at (1, 2) it compared ∂²f/∂x² = 2y³ = 16
    /// with ∂²f/∂y² = 6x²y = 12 (by hand) as the mixed entries and blamed a rule, though
    /// ∂²f/∂x∂y = ∂²f/∂y∂x = 6xy² = 24; and pow(x, y) at (0, 1) lost its real asymmetry note.
    func testTheAsymmetryNoteReadsTheHessianInVariableOrderWhateverTheWrtOrder() throws {
        let r = try JacRunner.run(["diff", "x^2*y^3", "--order", "2", "--at", "x=1,y=2", "--wrt", "y,x"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("d2f/dxdx = 2*y^3    (= 16.0)"), r.stdout)
        XCTAssertFalse(r.stderr.contains("not symmetric"), r.stderr)
        XCTAssertFalse(r.stderr.contains("suspect"), r.stderr)
        let pow = try JacRunner.run(["diff", "pow(x,y)", "--order", "2", "--at", "x=0,y=1", "--wrt", "y,x"])
        XCTAssertEqual(pow.status, 0, pow.stderr)
        XCTAssertTrue(pow.stderr.contains("note: the matrix is not symmetric (d²/dxdy is 1.0 but d²/dydx is 0.0)"), pow.stderr)
    }

    /// Found by a user trial: at a tie `jac diff "max(x,y)"` printed 0.5 as if it were a
    /// derivative. The convention is named, as `jacobian` and `check` name it; off the tie, no note.
    func testAtAKinkTheConventionIsNamed() throws {
        let tie = try JacRunner.run(["diff", "max(x,y)", "--at", "x=1,y=1"])
        XCTAssertEqual(tie.status, 0, tie.stderr)
        XCTAssertTrue(tie.stderr.contains("note: kink touched: max"), tie.stderr)
        XCTAssertTrue(tie.stderr.contains("1/2"), tie.stderr)
        let apart = try JacRunner.run(["diff", "max(x,y)", "--at", "x=1,y=2"])
        XCTAssertFalse(apart.stderr.contains("kink touched"), apart.stderr)
    }

    /// Audit C3: `x^2^2^…` 50,000 times (100 KB, no parentheses) crashed the printer by memory.
    /// x^(2^(2^…)) is a chain of pow nodes (its value overflows wherever x ≠ 1, so the text is
    /// what is checked here; the value check is the nested-sine test below).
    /// The limit counted the expressions only: --order 2 of a sum of 40 variables prints 1,600
    /// labelled zeros (about 26 KB of text) from 1,600 one-byte expressions, and any limit above
    /// 1,600 let it through (4,096 variables printed 370 MB). What is printed is counted now, in
    /// every format: the text passes a limit of its own size and fails one byte below it.
    func testTheOutputLimitCountsWhatIsPrinted() throws {
        let sum = (1...40).map { "x\($0)" }.joined(separator: "+")
        for format in ["text", "json", "latex", "swift"] {
            let whole = try JacRunner.run(["diff", sum, "--order", "2", "--format", format])
            XCTAssertEqual(whole.status, 0, whole.stderr)
            let size = whole.stdout.utf8.count - 1   // print's newline
            XCTAssertGreaterThan(size, 4_000, format)
            let fits = try JacRunner.run(["diff", sum, "--order", "2", "--format", format],
                                         environment: ["JAC_MAX_OUTPUT_BYTES": "\(size)"])
            XCTAssertEqual(fits.stdout, whole.stdout, format)
            let over = try JacRunner.run(["diff", sum, "--order", "2", "--format", format],
                                         environment: ["JAC_MAX_OUTPUT_BYTES": "\(size - 1)"])
            XCTAssertEqual(over.status, 3, "\(format): \(over.stdout.utf8.count) bytes printed under a limit of \(size - 1)")
            XCTAssertTrue(over.stderr.contains("exceeds the limit of \(size - 1) bytes"), over.stderr)
            XCTAssertEqual(over.stdout, "")
        }
    }

    /// --order 2 builds the Hessian one way, and `--mode forward` beside it was ignored without a
    /// word; it is now a usage error, while the default (reverse) mode stays accepted.
    func testForwardModeIsRefusedForTheSecondOrder() throws {
        let r = try JacRunner.run(["diff", "x^2*y", "--order", "2", "--mode", "forward"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--mode forward applies to first derivatives"), r.stderr)
        let ok = try JacRunner.run(["diff", "x^2*y", "--order", "2"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        // By hand: ∂²(x²y)/∂x² = 2y, ∂²/∂x∂y = 2x, ∂²/∂y² = 0.
        XCTAssertTrue(ok.stdout.contains("= 2*y"), ok.stdout)
    }

    func testALongFormulaPrintsAndThePrintedSizeHasANamedLimit() throws {
        let long = "x" + String(repeating: "^2", count: 50_000)
        let r = try JacRunner.run(["diff", "-"], stdin: long)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("t1 = "), String(r.stdout.prefix(200)))
        XCTAssertEqual(r.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("df/dx = ") }.count, 1)
        // A small limit: a typed error naming the variable that raises it, nothing on stdout.
        let limited = try JacRunner.run(["diff", "-", "--format", "json"], stdin: long,
                                        environment: ["JAC_MAX_OUTPUT_BYTES": "1000"])
        XCTAssertEqual(limited.status, 3)
        XCTAssertTrue(limited.stderr.contains("the printed derivative exceeds the limit of 1000 bytes (JAC_MAX_OUTPUT_BYTES raises the limit"), limited.stderr)
        XCTAssertEqual(limited.stdout, "")
        let malformed = try JacRunner.run(["diff", "x*y"], environment: ["JAC_MAX_OUTPUT_BYTES": "lots"])
        XCTAssertEqual(malformed.status, 2)
        XCTAssertTrue(malformed.stderr.contains("JAC_MAX_OUTPUT_BYTES must be a positive integer"), malformed.stderr)
    }

    /// A deep nest of sines, expanded: the JSON entry is the chain-rule product, checked by
    /// jac eval against the reverse-mode Jacobian (the old printer took 2.9 GB at 1,200 deep;
    /// 600 keeps the test short).
    func testADeepNestPrintedAsJSONEvaluatesToTheReverseModeJacobian() throws {
        let n = 600
        let formula = String(repeating: "sin(", count: n) + "x" + String(repeating: ")", count: n)
        let d = try JacRunner.run(["diff", "-", "--format", "json"], stdin: formula)
        XCTAssertEqual(d.status, 0, d.stderr)
        let entry = try XCTUnwrap((try JacRunner.json(d.stdout)["jacobian"] as? [[String]])?.first?.first)
        let path = try JacRunner.temporaryFile(entry, name: "deep-derivative-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let e = try JacRunner.run(["eval", "--file", path, "--vars", "x", "--at", "x=0.7", "--format", "json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let got = try XCTUnwrap((try JacRunner.json(e.stdout)["value"] as? [Double])?.first)
        let reference = try JacRunner.run(["jacobian", "-", "--at", "x=0.7", "--format", "json"], stdin: formula)
        let expected = try XCTUnwrap(((try JacRunner.json(reference.stdout)["jacobian"] as? [[Any]])?.first?.first) as? Double)
        // 3n roundings of at most 2⁻⁵³ each in either evaluation order: 1e-12 relative is ten times that.
        XCTAssertEqual(got, expected, accuracy: 1e-12 * Swift.abs(expected))
    }

    /// Audit C4: --order 2 had no dimension bound (3,000 variables took 156 s and 2.3 GB).
    /// It now has jac hessian's: the same message for 4,097 variables, before any work.
    func testOrderTwoHasTheHessianDimensionLimit() throws {
        let formula = (1...4097).map { "x\($0)" }.joined(separator: "+")
        let diff = try JacRunner.run(["diff", "-", "--order", "2"], stdin: formula)
        XCTAssertEqual(diff.status, 3, diff.stderr)
        XCTAssertTrue(diff.stderr.contains("Hessian dimension 4097 exceeds the limit of 4096"), diff.stderr)
        let point = Array(repeating: "1", count: 4097).joined(separator: ",")
        let hessian = try JacRunner.run(["hessian", "-", "--at", point], stdin: formula)
        XCTAssertEqual(hessian.status, diff.status, hessian.stderr)
        XCTAssertEqual(hessian.stderr, diff.stderr)
    }

    /// Audit W3: with a variable t1, the intermediates were t1, t2, … and Swift output read
    /// `let t1 = x * t1`. Every `let` name is new and none is a variable.
    func testIntermediatesAreNeverVariables() throws {
        let formula = "sin(t1*x)*sin(t1*x) + t1*exp(t1*x)"
        for format in ["text", "swift", "latex"] {
            let r = try JacRunner.run(["diff", formula, "--format", format])
            XCTAssertEqual(r.status, 0, r.stderr)
            let defined = r.stdout.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                let name = format == "swift" ? words.dropFirst().first : words.first
                return name.map(String.init)
            }
            XCTAssertEqual(Set(defined).count, defined.count, r.stdout)
            XCTAssertFalse(defined.contains("t1") || defined.contains("x"), r.stdout)
            XCTAssertGreaterThan(defined.count, 2, r.stdout)
        }
    }

    func testSwellJSONHasAFamilyPerRow() throws {
        let r = try JacRunner.run(["complexity", "--swell", "4,8,16", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try JacRunner.json(r.stdout)["swell"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.compactMap { $0["family"] as? String }, ["product", "nested-sin", "network"])
        // x1·…·xn: n partials of n − 1 factors, n(n − 2) multiplications expanded.
        let product = rows.first?["points"] as? [[String: Any]] ?? []
        XCTAssertEqual(product.compactMap { $0["tree_ops"] as? Int }, [8, 48, 224])
    }
}

/// Findings of a fresh-eyes user trial of `jac diff`.
final class DiffUserTrialTests: XCTestCase {
    /// Other outputs' partials leaked into a row as products with 0: `2*x + 0*t1` with t1 = 1/x.
    /// Each JSON entry is the hand derivative, and `jac eval` gives it where output 2 is undefined.
    func testAnEntryHoldsNoTermOfAnotherOutput() throws {
        let cases: [(String, [[String]], String, [Double])] = [
            ("f(x) = x^2; log(x)", [["2*x"], ["1/x"]], "x=0", [0]),
            ("f(a,b) = a*b; a/b", [["b", "a"], ["1/b", "-a/b^2"]], "a=3,b=0", [0, 3]),
            ("f(x,y) = x; sqrt(y)", [["1", "0"], ["0", "0.5/sqrt(y)"]], "x=2,y=0", [1, 0]),
        ]
        for (formula, expected, point, rowOne) in cases {
            for mode in ["reverse", "forward"] {
                let r = try JacRunner.run(["diff", formula, "--format", "json", "--mode", mode])
                XCTAssertEqual(r.status, 0, r.stderr)
                let d = try JacRunner.json(r.stdout)
                XCTAssertEqual(d["jacobian"] as? [[String]], expected, "\(formula) \(mode)")
                let vars = (d["variables"] as? [String] ?? []).joined(separator: ",")
                for (entry, want) in zip(expected[0], rowOne) {
                    let e = try JacRunner.run(["eval", entry, "--vars", vars, "--at", point, "--format", "json"])
                    XCTAssertEqual(e.status, 0, "\(entry): \(e.stderr)")
                    XCTAssertEqual((try JacRunner.json(e.stdout)["value"] as? [Double])?.first, want, entry)
                }
            }
        }
    }

    /// `jac diff "log(x)" --at x=-1` said "the derivative is not defined at x = -1.0", though the
    /// function itself is undefined there; it now says what jac jacobian says (a review).
    func testAFunctionOutsideItsDomainIsWordedAsJacJacobianWordsIt() throws {
        for (formula, point) in [("log(x)", "x=-1"), ("x*log(y)", "x=1,y=-1")] {
            let diff = try JacRunner.run(["diff", formula, "--at", point])
            let jacobian = try JacRunner.run(["jacobian", formula, "--at", point])
            XCTAssertEqual(diff.status, 3, diff.stderr)
            XCTAssertEqual(diff.stderr, jacobian.stderr)
            XCTAssertTrue(diff.stderr.hasPrefix("error: evaluation failed: domain error in log"), diff.stderr)
            XCTAssertFalse(diff.stderr.contains("derivative is not defined"), diff.stderr)
        }
    }

    /// `jac diff "sqrt(x)" --at x=0` blamed `div at node 3`, a node of the derivative's own
    /// expression; the user wrote sqrt.
    func testAnUndefinedDerivativeNamesTheUsersOp() throws {
        for arguments in [["diff", "sqrt(x)", "--at", "x=0"], ["diff", "x*sqrt(y)", "--at", "x=1,y=0", "--order", "2"]] {
            let r = try JacRunner.run(arguments)
            XCTAssertEqual(r.status, 3, r.stderr)
            XCTAssertTrue(r.stderr.contains("sqrt"), r.stderr)
            XCTAssertTrue(r.stderr.contains("not defined at"), r.stderr)
            XCTAssertFalse(r.stderr.contains("div"), r.stderr)
        }
    }

    /// Every numeric mode handles x^(−2³¹); the derivative's −2³¹·x^(−2³¹−1) failed on a tape.
    func testTheMostNegativeIntegerExponentDifferentiates() throws {
        for formula in ["x^-2147483648", "pow(x,-2147483648)"] {
            let r = try JacRunner.run(["diff", formula, "--at", "x=-1", "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            // n·x^(n−1) at −1 by hand: (−2³¹)·(−1) = 2³¹.
            XCTAssertEqual((try JacRunner.json(r.stdout)["values"] as? [[Double]]), [[2147483648]])
            let entry = try XCTUnwrap((try JacRunner.json(r.stdout)["jacobian"] as? [[String]])?.first?.first)
            let e = try JacRunner.run(["eval", entry, "--vars", "x", "--at", "x=1", "--format", "json"])
            XCTAssertEqual(e.status, 0, e.stderr)
            XCTAssertEqual((try JacRunner.json(e.stdout)["value"] as? [Double])?.first, -2147483648)
        }
    }

    func testAnEmptyWrtIsAUsageError() throws {
        for wrt in ["", ",", " "] {
            let r = try JacRunner.run(["diff", "x*y*z", "--wrt", wrt])
            XCTAssertEqual(r.status, 2, "'\(wrt)': \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("--wrt names no variable"), r.stderr)
        }
    }

    /// Help names every op whose derivative is one side's and so needs --at. hypot is not one:
    /// its derivative x/hypot(x, y), y/hypot(x, y) holds on every side of its kink at x = y = 0,
    /// and `jac diff "hypot(x, y)"` asked for --at all the same (a fuzzer of `jac diff` found 20 of
    /// 300 random formulas refused for a hypot alone). A distance, as a user writes one, now
    /// prints its derivative with a note naming the one comparison decided (hypot = 0 taken as
    /// false). Entries evaluated at (x1, x2, y1, y2) = (4, 1, 6, 2), distance 5, against the hand
    /// gradient ((x1 − x2)/5, −(x1 − x2)/5, (y1 − y2)/5, −(y1 − y2)/5) = (0.6, −0.6, 0.8, −0.8).
    func testHelpNamesEveryOpThatNeedsAPoint() throws {
        let help = try JacRunner.run(["diff", "--help"], environment: ["COLUMNS": "200"]).stdout
        for op in ["relu", "abs", "max", "min", "leaky_relu", "elu"] {
            XCTAssertTrue(help.contains(op + ",") || help.contains(op + ")"), op)
        }
        XCTAssertFalse(help.contains("hypot,") || help.contains("hypot)"), help)
        let distance = try JacRunner.run(["diff", "hypot(x1 - x2, y1 - y2)", "--format", "json"])
        XCTAssertEqual(distance.status, 0, distance.stderr)
        XCTAssertTrue(distance.stderr.contains("== 0 taken as false"), distance.stderr)
        let entries = (try JacRunner.json(distance.stdout)["jacobian"] as? [[String]])?.first ?? []
        XCTAssertEqual(entries.count, 4, distance.stdout)
        for (entry, byHand) in zip(entries, [0.6, -0.6, 0.8, -0.8]) {
            let e = try JacRunner.run(["eval", entry, "--vars", "x1,x2,y1,y2", "--at", "4,1,6,2", "--format", "json"])
            XCTAssertEqual(e.status, 0, e.stderr)
            XCTAssertEqual((try JacRunner.json(e.stdout)["value"] as? [Double])?.first ?? .nan, byHand, accuracy: 2e-16, entry)
        }
        // relu's derivative is one side's: still refused without a point.
        let relu = try JacRunner.run(["diff", "relu(x) + hypot(x, y)"])
        XCTAssertEqual(relu.status, 2)
        XCTAssertTrue(relu.stderr.contains("the derivative of relu depends") && relu.stderr.contains("pass --at"), relu.stderr)
    }

    /// The Hessian of x₁·…·x₃₀₀₀ ran out of memory; the graph's node count has a named limit.
    func testTheExpressionGraphHasANamedLimit() throws {
        let product = (1...10).map { "x\($0)" }.joined(separator: "*")
        let small = try JacRunner.run(["diff", product, "--order", "2"], environment: ["JAC_MAX_EXPRESSION_NODES": "50"])
        XCTAssertEqual(small.status, 3, small.stderr)
        XCTAssertTrue(small.stderr.contains("more than 50 expression nodes"), small.stderr)
        XCTAssertTrue(small.stderr.contains("JAC_MAX_EXPRESSION_NODES raises the limit"), small.stderr)
        XCTAssertEqual(small.stdout, "")
        // The 10-product's Hessian fits in a few hundred nodes: its entry ∂²/∂x9∂x10 is x1·…·x8.
        let enough = try JacRunner.run(["diff", product, "--order", "2", "--at", "1,2,1,1,1,1,1,3,1,1"], environment: ["JAC_MAX_EXPRESSION_NODES": "400"])
        XCTAssertEqual(enough.status, 0, enough.stderr)
        XCTAssertTrue(enough.stdout.contains("d2f/dx9dx10 = t7    (= 6.0)"), enough.stdout)
        let bad = try JacRunner.run(["diff", "x*y"], environment: ["JAC_MAX_EXPRESSION_NODES": "0"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
    }

    func testCosmeticsOfPrintedDerivatives() throws {
        func text(_ formula: String) throws -> String {
            try JacRunner.run(["diff", formula]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        XCTAssertEqual(try text("x^2.0"), "df/dx = 2*pow(x, 1.0)")
        XCTAssertEqual(try text("e^x"), "df/dx = pow(2.718281828459045, x)*log(2.718281828459045)")
        XCTAssertTrue(try text("x/(x+y)^2 - 3*x").contains("1/t1^2 - 3 - 2*t2"))
    }

    /// Trial Q: `jac diff "asinh(x)" --order 2` answered "the derivative of hypot depends on
    /// which side of its kink the point lies" for a formula without hypot and without a kink
    /// (asinh′ = 1/hypot(1, x) inside the registry). The printed entry must evaluate to the hand
    /// value asinh″(2) = −2/5^(3/2) = −0.178885438199983175712733893498 (mpmath, 30 digits).
    func testTheSecondDerivativeOfAsinhNeedsNoPoint() throws {
        let r = try JacRunner.run(["diff", "asinh(x)", "--order", "2", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let entry = ((try JacRunner.json(r.stdout)["hessian"] as? [[String]])?.first?.first) ?? ""
        let e = try JacRunner.run(["eval", entry, "--vars", "x", "--at", "x=2", "--format", "json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let value = (try JacRunner.json(e.stdout)["value"] as? [Double])?.first ?? .nan
        XCTAssertEqual(value, -0.178885438199983175712733893498, accuracy: 4e-16, entry)
        // hypot(x, 0) is |x|, whose derivative x/hypot(x, 0) is −1 for x < 0 and 1 for x > 0:
        // one formula for both sides, so no point is asked for.
        let abs = try JacRunner.run(["diff", "hypot(x, 0)", "--format", "json"])
        XCTAssertEqual(abs.status, 0, abs.stderr)
        let slope = ((try JacRunner.json(abs.stdout)["jacobian"] as? [[String]])?.first?.first) ?? ""
        for (x, byHand) in [("-2.5", -1.0), ("3", 1.0)] {
            let e = try JacRunner.run(["eval", slope, "--vars", "x", "--at", "x=" + x, "--format", "json"])
            XCTAssertEqual((try JacRunner.json(e.stdout)["value"] as? [Double])?.first, byHand, slope)
        }
    }

    /// Trial Q: `jac diff "x__2*a_b_c" --format latex` printed `\\mathrm{df/dx__2} &= \\mathrm{a_b_c}`,
    /// which TeX rejects (double subscript); every underscore, in labels and in the formula, is
    /// escaped now.
    func testLatexLabelsAndNamesEscapeUnderscores() throws {
        let r = try JacRunner.run(["diff", "x__2*a_b_c", "--format", "latex"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                       "\\mathrm{df/dx\\_\\_2} &= \\mathrm{a\\_b\\_c} \\\\\n\\mathrm{df/da\\_b\\_c} &= \\mathrm{x\\_\\_2} \\\\")
    }

    /// Trial Q: the quotient rule on x²/x³⁰⁰ divides by (x³⁰⁰)², which leaves Double's range
    /// where the derivative −298·x⁻²⁹⁹ does not. At x = 10 `jac diff --at` printed (= 2e-299)
    /// for −2.98e-297, silently; at x = 0.1 it said "the derivative is not defined" for
    /// −2.98e301. References by mpmath (30 digits, x the Double nearest each decimal):
    /// −298·10⁻²⁹⁹ = −2.98e-297; −298·0.1⁻²⁹⁹ = −2.97999999999995053845402992506e301.
    func testAnEntryWhoseDoubleEvaluationLeavesTheRangeIsEvaluatedExactly() throws {
        for (point, expected) in [("x=10", -2.98e-297), ("x=0.1", -2.97999999999995053845402992506e301)] {
            let r = try JacRunner.run(["diff", "x^2/x^300", "--at", point, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let value = ((try JacRunner.json(r.stdout)["values"] as? [[Double]])?.first?.first) ?? .nan
            XCTAssertEqual(value, expected, accuracy: 2 * expected.ulp, point)
        }
        // A derivative that is not defined stays an error: 1/x − x/x² at 0 divides by 0 exactly too.
        XCTAssertEqual(try JacRunner.run(["diff", "x/x", "--at", "x=0"]).status, 3)
    }

    /// Trial Q: with sin in it the entry cannot be evaluated exactly; its Double value at x = 10
    /// goes through (x³⁰⁰)² = ∞ and is 9.1e-301 where d/dx sin²(x)/x³⁰⁰ is
    /// −7.96582382207149255468988210224e-300 (mpmath `diff`, 30 digits). The value is not
    /// silent: a note says an intermediate left the range.
    /// The Double value through ∞ was printed with a note that it "may be inaccurate": 9.13e-301
    /// where d/dx sin(x)²/x³⁰⁰ at 10 = 2 sin 10 cos 10/10³⁰⁰ − 300 sin²10/10³⁰¹ ≈ −7.97e-300 (by
    /// hand), the wrong sign. No value is printed now; the expression and the reason are.
    func testAnInexactEntryThroughAnInfiniteIntermediateIsNoted() throws {
        let r = try JacRunner.run(["diff", "sin(x)^2/x^300", "--at", "x=10"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("an intermediate of the printed derivative is ±∞ or NaN in Double"), r.stderr)
        XCTAssertTrue(r.stdout.contains("df/dx = "), r.stdout)
        XCTAssertFalse(r.stdout.contains("(="), "no value through ∞: \(r.stdout)")
        let quiet = try JacRunner.run(["diff", "sin(x)^2/x^3", "--at", "x=10"])
        XCTAssertFalse(quiet.stderr.contains("intermediate"), quiet.stderr)
    }

    /// Trial Q: `jac diff "x^1000000" --at x=2` said "the derivative is not defined at x = 2.0";
    /// 10⁶·2^999999 is defined (about 10^301035), Double cannot hold it, nor f = 2^10⁶. The
    /// message says which: the function's value is not finite in Double. A domain error of the
    /// function itself is the evaluation's failure, as jac jacobian words it.
    /// Since the derivative is printed there (its value is what Double cannot hold), the reason
    /// is a note and the status 0.
    func testAnOverflowingFunctionIsNotCalledUndefined() throws {
        let r = try JacRunner.run(["diff", "x^1000000", "--at", "x=2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "df/dx = 1000000*x^999999\n")
        XCTAssertTrue(r.stderr.hasPrefix("note: no value is printed: the function's value is not finite in Double at x = 2.0"), r.stderr)
        XCTAssertFalse(r.stderr.contains("not defined"), r.stderr)
        let domain = try JacRunner.run(["diff", "log(x)", "--at", "x=-1"])
        XCTAssertEqual(domain.status, 3, domain.stderr)
        XCTAssertTrue(domain.stderr.hasPrefix("error: evaluation failed: domain error in log"), domain.stderr)
        XCTAssertFalse(domain.stderr.contains("function's value"), domain.stderr)
        // 1/(1 + e^x) at 710 is 4.5e-309 (finite, by hand e^-710 ≈ 4.47e-309); e^710 overflows on
        // the way. That was called "the function's value is not finite" too.
        let intermediate = try JacRunner.run(["diff", "1/(1+exp(x))", "--at", "x=710"])
        XCTAssertEqual(intermediate.status, 0, intermediate.stderr)
        XCTAssertTrue(intermediate.stderr.hasPrefix("note: no value is printed: the derivative cannot be evaluated in Double at x = 710.0: an intermediate is not finite"), intermediate.stderr)
        XCTAssertFalse(intermediate.stderr.contains("function's value"), intermediate.stderr)
    }

    /// `jac diff "x*y*1e308" --at x=10,y=0.1` said "an intermediate is not finite there …; its
    /// value may still be finite", though every op is rational and ∂f/∂y = 1e308·x = 10³⁰⁹ (by
    /// hand), beyond Double's range: the value itself is what Double cannot hold, and the error
    /// says so and where exact mode gives it. ∂f/∂x = 1e308·y = 10³⁰⁷ is finite and not named.
    func testADerivativeBeyondDoublesRangeIsNamedWithItsExactValue() throws {
        let r = try JacRunner.run(["diff", "x*y*1e308", "--at", "x=10,y=0.1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "df/dx = 10^308*y\ndf/dy = 10^308*x\n", "the expressions, without values")
        XCTAssertTrue(r.stderr.hasPrefix("note: no value is printed: the derivative is beyond Double's range at x = 10.0, y = 0.1: df/dy ="), r.stderr)
        XCTAssertTrue(r.stderr.contains("e+309"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--mode exact"), r.stderr)
        XCTAssertFalse(r.stderr.contains("may still be finite"), r.stderr)
        XCTAssertFalse(r.stderr.contains("df/dx"), r.stderr)
        // --wrt x asks only for the finite entry, 1e308·0.1 ≈ 1e307.
        let x = try JacRunner.run(["diff", "x*y*1e308", "--at", "x=10,y=0.1", "--wrt", "x", "--format", "json"])
        XCTAssertEqual(x.status, 0, x.stderr)
        // Not rational: exp's value is not known exactly, and the hedged message stands.
        let e = try JacRunner.run(["diff", "1/(1+exp(x))", "--at", "x=710"])
        XCTAssertTrue(e.stderr.contains("its value may still be finite"), e.stderr)
    }

    /// `jac diff "(-2)^x"` without --at said "domain error in pow …: negative base with a real
    /// exponent (inputs: -2.0, nan)": the nan is the variable x, which has no value without a
    /// point, and read as if a NaN had been given. The registry refuses pow of a negative base
    /// with a real exponent at every x (jac eval "(-2)^x" --at x=2 does too), so the formula is
    /// defined nowhere; the message says that instead of the nan.
    func testAnUnboundDomainErrorDoesNotShowTheVariableAsNan() throws {
        let r = try JacRunner.run(["diff", "(-2)^x"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertFalse(r.stderr.contains("nan"), r.stderr)
        XCTAssertTrue(r.stderr.contains("negative base with a real exponent"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not defined for any value of the variables"), r.stderr)
        // With a point the inputs are numbers, and the message is as before.
        let at = try JacRunner.run(["diff", "(-2)^x", "--at", "x=0.5"])
        XCTAssertTrue(at.stderr.contains("(inputs: -2.0, 0.5)"), at.stderr)
    }

    /// Review: `jac diff "x^400/x^399" --at x=10` exited 3 ("the function's value is not finite
    /// in Double"), though the help promises exact evaluation where a Double intermediate
    /// overflows and every op is rational. f = x: f′ = 1 and f″ = 0 (by hand).
    func testAnOverflowingIntermediateOfARationalFunctionIsEvaluatedExactly() throws {
        for (order, expected) in [("1", 1.0), ("2", 0.0)] {
            let r = try JacRunner.run(["diff", "x^400/x^399", "--at", "x=10", "--order", order, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual((try JacRunner.json(r.stdout)["values"] as? [[Double]])?.first?.first, expected, order)
        }
    }

    /// Trial Q: `jac diff "x^2 + sqrt(y)" --at x=1,y=0 --wrt x` failed with "df/dy is +∞", a
    /// column not asked for; ∂/∂x = 2x = 2 there by hand.
    func testWrtLimitsThePointCheckToTheColumnsAskedFor() throws {
        for mode in ["reverse", "forward"] {
            let r = try JacRunner.run(["diff", "x^2 + sqrt(y)", "--at", "x=1,y=0", "--wrt", "x", "--mode", mode])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "df/dx = 2*x    (= 2.0)", mode)
            XCTAssertEqual(try JacRunner.run(["diff", "x^2 + sqrt(y)", "--at", "x=1,y=0", "--mode", mode]).status, 3, mode)
        }
    }
}

/// Found by review: without --at, `jac diff "1/(x-x)"` and `jac diff "x/0"` failed with "div of
/// NaN (the NaN was made before this op)": x − x simplified to the constant 0 but kept an unbound
/// value (NaN), and an unbound x reads as NaN beside a real zero divisor. Both divide by zero.
final class DiffUnboundDomainTests: XCTestCase {
    func testADivisionByAZeroThatSimplificationMadeIsNamedAsOne() throws {
        for f in ["1/(x-x)", "x/0", "log(y)/0"] {
            let r = try JacRunner.run(["diff", f])
            XCTAssertEqual(r.status, 3, f + r.stderr)
            XCTAssertTrue(r.stderr.contains("division by zero"), f + ": " + r.stderr)
            XCTAssertFalse(r.stderr.contains("of NaN"), f + ": " + r.stderr)
        }
        let log = try JacRunner.run(["diff", "log(x-x)"])
        XCTAssertTrue(log.stderr.contains("log of a non-positive number (inputs: 0.0)"), log.stderr)
    }
}

/// Found by review: names run together collided. For f(x, dy, xd, y) the (x, dy) and (xd, y)
/// entries were both "d2f/dxddy", and `--format swift` declared `let d2fdxddy` twice.
final class DiffLabelCollisionTests: XCTestCase {
    func testSecondOrderLabelsStayDistinctWhenNamesRunTogether() throws {
        let f = "f(x, dy, xd, y) = x^2*dy + xd*y^3"
        let r = try JacRunner.run(["diff", f, "--order", "2", "--at", "1,2,3,4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // By hand: ∂²/∂x∂dy of x²·dy is 2x = 2; ∂²/∂xd∂y of xd·y³ is 3y² = 48.
        // 2x may be printed in place or as a shared temporary (t1, t2: numbered in the order the
        // printer meets them, which a derivation's own graph changed).
        XCTAssertTrue(["t1", "t2", "2*x"].contains { r.stdout.contains("d2f/dx_ddy = \($0)    (= 2.0)") }, r.stdout)
        XCTAssertTrue(r.stdout.contains("(= 48.0)") && r.stdout.contains("d2f/dxd_dy ="), r.stdout)
        let labels = r.stdout.split(separator: "\n").filter { $0.hasPrefix("d2f/") }.map { $0.split(separator: " ")[0] }
        XCTAssertEqual(labels.count, 16, r.stdout)
        XCTAssertEqual(Set(labels).count, 16, r.stdout)
        let swift = try JacRunner.run(["diff", f, "--order", "2", "--format", "swift"])
        let declared = swift.stdout.split(separator: "\n").filter { $0.hasPrefix("let d2f") }.map { $0.split(separator: " ")[1] }
        XCTAssertEqual(declared.count, 16, swift.stdout)
        XCTAssertEqual(Set(declared).count, 16, swift.stdout)
        // Names that do not collide keep the short labels.
        let plain = try JacRunner.run(["diff", "x^2*y", "--order", "2", "--at", "1,2"])
        XCTAssertTrue(plain.stdout.contains("d2f/dxdy = "), plain.stdout)
    }
}

/// Found by review: `--order 2 --wrt x` was refused at y = 0 for sqrt(y) + x², because ∂f/∂y,
/// a column not asked for, is +∞ there; the entries asked for, ∂²f/∂x² = 2 and ∂²f/∂y∂x = 0
/// (by hand), are defined. The first order already took this.
final class DiffSecondOrderColumnTests: XCTestCase {
    func testAColumnNotAskedForDoesNotRefuseTheOnesThatWere() throws {
        let r = try JacRunner.run(["diff", "sqrt(y) + x^2", "--at", "x=1,y=0", "--wrt", "x", "--order", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("d2f/dxdx = 2    (= 2.0)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("d2f/dydx = 0    (= 0.0)"), r.stdout)
        // The column that is not defined there is still refused when asked for.
        XCTAssertEqual(try JacRunner.run(["diff", "sqrt(y) + x^2", "--at", "x=1,y=0", "--wrt", "y", "--order", "2"]).status, 3)
    }

    func testASubsetOfColumnsHasTheFullHessiansValues() throws {
        // f = x²y + sin(xy) at (0.7, −1.3); the columns for y, alone and within the full Hessian.
        func values(_ args: [String]) throws -> [String: Double] {
            let r = try JacRunner.run(["diff", "x^2*y + sin(x*y)", "--at", "x=0.7,y=-1.3", "--order", "2"] + args)
            XCTAssertEqual(r.status, 0, r.stderr)
            var out: [String: Double] = [:]
            for line in r.stdout.split(separator: "\n") where line.hasPrefix("d2f/") {
                let label = String(line.split(separator: " ")[0])
                if let open = line.range(of: "(= "), let v = Double(line[open.upperBound...].dropLast()) { out[label] = v }
            }
            return out
        }
        let full = try values([]), subset = try values(["--wrt", "y"])
        XCTAssertEqual(Set(subset.keys), ["d2f/dxdy", "d2f/dydy"])
        for (k, v) in subset { XCTAssertEqual(v, full[k] ?? .nan, accuracy: 1e-14, k) }
        // By hand: ∂²f/∂x∂y = 2x + cos(xy) − xy·sin(xy), ∂²f/∂y² = −x²·sin(xy).
        let (x, y) = (0.7, -1.3)
        XCTAssertEqual(subset["d2f/dxdy"] ?? .nan, 2 * x + cos(x * y) - x * y * sin(x * y), accuracy: 1e-14)
        XCTAssertEqual(subset["d2f/dydy"] ?? .nan, -x * x * sin(x * y), accuracy: 1e-14)
    }
}

/// Found by the second review of these fixes.
final class DiffReviewFollowUpTests: XCTestCase {
    /// With --wrt x the refusal named sqrt (of y, a column not asked for) instead of the x
    /// column's own undefined term (∂²/∂x² of x^1.5 is 0.75·x^−0.5, infinite at 0).
    func testASecondOrderRefusalWithWrtIsAboutTheColumnsAskedFor() throws {
        let r = try JacRunner.run(["diff", "sqrt(y) + x^1.5", "--at", "x=0,y=0", "--order", "2", "--wrt", "x"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertFalse(r.stderr.contains("sqrt"), r.stderr)
        XCTAssertTrue(r.stderr.contains("pow"), r.stderr)
    }

    /// A Swift constant named like a variable shadows it: f(x, dfdx, y) declared `let dfdx`.
    func testSwiftConstantsNeverShadowAVariable() throws {
        let r = try JacRunner.run(["diff", "f(x, dfdx, y) = x^2*dfdx + dfdx*y^2", "--format", "swift"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let declared = r.stdout.split(separator: "\n").compactMap { $0.hasPrefix("let ") ? String($0.split(separator: " ")[1]) : nil }
        XCTAssertEqual(declared.count, 3, r.stdout)
        XCTAssertTrue(Set(declared).isDisjoint(with: ["x", "dfdx", "y"]), r.stdout)
    }

    /// Without --at there is no binding point to name: √(x − x)'s derivative is a constant
    /// expression (0.5/√0 · 0), NaN for every x.
    func testAConstantNonFiniteEntryIsNotSaidToBeAtABindingPoint() throws {
        let r = try JacRunner.run(["diff", "sqrt(x-x)"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("for every value of the variables"), r.stderr)
        XCTAssertFalse(r.stderr.contains("binding point"), r.stderr)
    }
}

/// From a review of `jac diff` without a point.
final class DiffWithoutAPointTests: XCTestCase {
    /// expm1′ is eˣ for x < −1 and expm1(x) + 1 above (accurate each on its side); without --at
    /// the printed form is the one for large x, which at x = −40 evaluates to 0 for 4.25e-18, and
    /// nothing said so. The decision is named; a function whose rules choose nothing gets no note.
    func testAFormChosenWithoutAPointIsNamed() throws {
        let r = try JacRunner.run(["diff", "expm1(x)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Decided at the library's generic point (SymbolicJacobian.genericPoint), which the note names.
        XCTAssertTrue(r.stderr.contains("without --at they were decided at x = "), r.stderr)
        XCTAssertTrue(r.stderr.contains("a point chosen reproducibly away from every kink (x < -1 taken as false)"), r.stderr)
        let pow = try JacRunner.run(["diff", "f(a, b) = pow(a, b)"])
        XCTAssertTrue(pow.stderr.contains("a == 0 taken as false"), pow.stderr)
        for quiet in ["log(x)/y + sqrt(y)", "sin(x)*y"] {
            let q = try JacRunner.run(["diff", quiet])
            XCTAssertEqual(q.status, 0, q.stderr)
            XCTAssertFalse(q.stderr.contains("note:"), "\(quiet): \(q.stderr)")
        }
        // With a point the form is the point's: at −40 the printed entry is exp(x).
        let at = try JacRunner.run(["diff", "expm1(x)", "--at", "x=-40"])
        XCTAssertTrue(at.stdout.hasPrefix("df/dx = exp(x)"), at.stdout)
    }

    /// relu(sin(10⁶x)) changes side every π·10⁻⁶, too narrow a region for the generic point to
    /// sample: the library's refusal (SymbolicDifferentiation.NoRegion) is said as such, naming
    /// the comparison and the point, rather than a derivative for a region it cannot vouch for.
    func testARegionTooNarrowToSampleIsRefusedWithTheComparison() throws {
        let r = try JacRunner.run(["diff", "relu(sin(1000000*x))"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("describe no region of the variables"), r.stderr)
        XCTAssertTrue(r.stderr.contains("0 < sin(1000000*x)") && r.stderr.contains("narrower") && r.stderr.contains("pass --at"), r.stderr)
        XCTAssertEqual(try JacRunner.run(["diff", "relu(sin(1000000*x))", "--at", "x=1"]).status, 0)
    }

    /// `--wrt x` of x² + relu(y) was refused for relu, which no entry of the x column reads.
    func testAKinkOutsideTheChosenColumnsNeedsNoPoint() throws {
        let r = try JacRunner.run(["diff", "x^2 + relu(y)", "--wrt", "x"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "df/dx = 2*x")
        XCTAssertEqual(try JacRunner.run(["diff", "x^2 + relu(y)", "--wrt", "y"]).status, 2)
        XCTAssertEqual(try JacRunner.run(["diff", "x^2 + relu(x*y)", "--wrt", "x"]).status, 2)
    }
}

extension DiffWithoutAPointTests {
    /// hypot's stable partials choose a form by region and sign; without a point a symbolic
    /// derivative took x > 0's: `jac diff "hypot(x, 2)"` printed 1/sqrt(4/x^2 + 1), +0.832 at −3
    /// where x/√(x² + 4) = −0.832 (by hand). Symbolic derivatives keep x/z.
    func testHypotsSymbolicDerivativeHoldsForEverySign() throws {
        for (formula, at, expected) in [("hypot(x, 2)", "x=-3", -3 / 13.0.squareRoot()),
                                        ("hypot(x, 2)", "x=3", 3 / 13.0.squareRoot())] {
            let json = try JacRunner.json(try JacRunner.run(["diff", formula, "--format", "json"]).stdout)
            let entry = (json["jacobian"] as? [[String]])?.first?.first ?? ""
            let e = try JacRunner.run(["eval", entry, "--vars", "x", "--at", at, "--format", "json"])
            XCTAssertEqual(e.status, 0, e.stderr)
            let value = ((try JacRunner.json(e.stdout)["value"] as? [Double])?.first) ?? .nan
            XCTAssertEqual(value, expected, accuracy: 1e-15, "\(entry) at \(at)")
        }
        // asinh″ = −x/(1 + x²)^{3/2}: +0.1789 at −2 (by hand); it printed a form giving −0.1789.
        let json = try JacRunner.json(try JacRunner.run(["diff", "asinh(x)", "--order", "2", "--format", "json"]).stdout)
        let entry = ((json["hessian"] as? [[String]]) ?? (json["jacobian"] as? [[String]]))?.first?.first ?? ""
        let e = try JacRunner.run(["eval", entry, "--vars", "x", "--at", "x=-2", "--format", "json"])
        let value = ((try JacRunner.json(e.stdout)["value"] as? [Double])?.first) ?? .nan
        XCTAssertEqual(value, 2 / Double.pow(5, 1.5), accuracy: 1e-15, entry)
    }

    /// `jac diff "exp(x)" --at x=1000` exited 3 ("the function's value is not finite"), though
    /// the derivative exp(x) is exact at every x: e^1000 ≈ 1.97e434 is only beyond Double's
    /// range. The expressions are printed without values, and the reason is a note. Not where
    /// the derivative itself is undefined there (sqrt(y) at y = 0), nor where a branch was
    /// decided between values Double could not hold: max(log(exp(x)), 1001) at 1000 is 1001 in
    /// the reals (log(e^1000) = 1000, by hand), so df/dx = 0, but in Double log(∞) = ∞ > 1001
    /// would take the other branch and print 1.
    func testAnOverflowAtThePointStillPrintsTheDerivative() throws {
        let r = try JacRunner.run(["diff", "exp(x)", "--at", "x=1000"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "df/dx = exp(x)\n")
        XCTAssertTrue(r.stderr.hasPrefix("note: no value is printed: the function's value is not finite in Double at x = 1000.0"), r.stderr)
        let h = try JacRunner.run(["diff", "exp(x)*y", "--at", "x=1000,y=2", "--order", "2", "--format", "json"])
        XCTAssertEqual(h.status, 0, h.stderr)
        let json = try JacRunner.json(h.stdout)
        // By hand: f_xx = e^x·y, f_yx = f_xy = e^x, f_yy = 0.
        XCTAssertEqual(json["hessian"] as? [[String]], [["y*exp(x)", "exp(x)"], ["exp(x)", "0"]])
        XCTAssertNil(json["values"], "no value through ∞")
        for (formula, at) in [("exp(x) + sqrt(y)", "x=1000,y=0"), ("max(log(exp(x)), 1001)", "x=1000")] {
            let refused = try JacRunner.run(["diff", formula, "--at", at])
            XCTAssertEqual(refused.status, 3, "\(formula): \(refused.stdout)")
            XCTAssertEqual(refused.stdout, "", formula)
        }
    }

    /// `jac diff "x^2 + relu(sin(1000000*y))" --wrt x` exited 2 ("describe no region ... pass
    /// --at"), though d/dx is 2*x for every y (by hand): relu's side changes every π·10⁻⁶ in y,
    /// and neither side reaches d/dx. The same for its Hessian column, and d/dx of
    /// x*relu(sin(1000000*y)) is relu(sin(1000000*y)) on both sides.
    func testAComparisonThatNoEntryAskedForReadsNeedsNoPoint() throws {
        let r = try JacRunner.run(["diff", "x^2 + relu(sin(1000000*y))", "--wrt", "x"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "df/dx = 2*x\n")
        XCTAssertEqual(r.stderr, "", "nothing was decided that the printed entry depends on")
        let h = try JacRunner.run(["diff", "x^2 + relu(sin(1000000*y))", "--wrt", "x", "--order", "2"])
        XCTAssertEqual(h.status, 0, h.stderr)
        XCTAssertEqual(h.stdout, "d2f/dxdx = 2\nd2f/dydx = 0\n")
        let t = try JacRunner.run(["diff", "x*relu(sin(1000000*y))", "--wrt", "x"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertEqual(t.stdout, "df/dx = relu(sin(1000000*y))\n")
        // Asked for y, or for every column, the region is still needed and cannot be sampled.
        for arguments in [["diff", "x^2 + relu(sin(1000000*y))"], ["diff", "x^2 + relu(sin(1000000*y))", "--order", "2"],
                          // expm1's form for d/dx (exp(t) below t = -1, expm1(t) + 1 above) is chosen by
                          // x*sin(1000000*y), which crosses -1 every few 1e-7 in y: that one decides.
                          ["diff", "expm1(x*sin(1000000*y))", "--wrt", "x"]] {
            let refused = try JacRunner.run(arguments)
            XCTAssertEqual(refused.status, 2, "\(arguments): \(refused.stdout)")
            XCTAssertTrue(refused.stderr.contains("pass --at"), refused.stderr)
        }
    }
}

/// `jac diff "x^(1/3)"` printed 1/3·pow(x, −(2/3)), and nothing said whether 1/3 is one third or
/// the Double 0.333…3148 the numeric modes use. It is one third (the folding is exact); a note
/// now says so and gives the Double each becomes.
final class ExactFractionNoteTests: XCTestCase {
    func testAFractionInTheDerivativeIsNamedExactWithItsDouble() throws {
        let r = try JacRunner.run(["diff", "x^(1/3)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "df/dx = 1/3*pow(x, -(2/3))\n")
        // By hand (mpmath, 50 digits): the nearest Doubles to 1/3 and 2/3 are
        // 0.33333333333333331482… and 0.66666666666666662965…, shortest text 0.3333333333333333
        // and 0.6666666666666666.
        XCTAssertTrue(r.stderr.contains("note: constants are exact: 1/3 (0.3333333333333333 in Double), "
                                        + "-(2/3) (-0.6666666666666666 in Double) are printed as exact fractions, "), r.stderr)
        XCTAssertTrue(r.stderr.contains("the derivative of the formula over the reals with its constants exact"), r.stderr)
    }

    /// Guards: constants a decimal shows exactly (0.2 = 1/5) or integers get no such note.
    func testDecimalsAndIntegersGetNoNote() throws {
        for formula in ["0.1*x^2", "x^3", "x^2/4"] {
            let r = try JacRunner.run(["diff", formula])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(r.stderr.contains("constants are exact"), "\(formula): \(r.stderr)")
        }
    }
}
