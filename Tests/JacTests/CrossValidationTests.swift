import Foundation
import XCTest

/// `jac check --claimed FILE` and `jac check --program CMD`: derivatives from elsewhere graded by
/// the library's checks. Expected Jacobians are derived by hand in each test; wrong entries are
/// planted at a known place and must be reported there and nowhere else.
final class CrossValidationTests: XCTestCase {
    // f(x, y) = (x·y, x + y²): J = [[y, x], [1, 2y]], at (2, 1) [[1, 2], [1, 2]].
    let formula = "x*y; x + y^2"
    let point = "x=2,y=1"

    static let programs: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/programs").path

    // MARK: claimed Jacobian files

    func testJSONClaimCorrectPasses() throws {
        let path = try JacRunner.temporaryFile("[[1, 2], [1, 2]]", name: "good.json")
        let r = try JacRunner.run(["check", formula, "--at", point, "--claimed", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("verdict: agree"), r.stdout)
    }

    /// A point written as 1/3 is graded at the Double nearest it; --claimed said neither where
    /// the check ran nor that (a notebook review): the table names the point and the Double used,
    /// as the formula check does. J of x² + 5xy at (1/3, 2/7) is (2x + 5y, 5x) = (2.0952…, 1.6667…) by hand.
    func testAClaimAtAPointNoDoubleHoldsSaysWhichDoubleWasUsed() throws {
        let path = try JacRunner.temporaryFile("[[2.095238095238095, 1.6666666666666665]]", name: "thirds.json")
        let r = try JacRunner.run(["check", "x1^2 + 5*x1*x2", "--at", "x1=1/3,x2=2/7", "--claimed", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("every mode at x1 = 0.3333333333333333, x2 = 0.2857142857142857\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("note: x1 = 1/3 is not a Double; every mode used 0.3333333333333333 "
                                        + "(exactly 6004799503160661/18014398509481984)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("note: x2 = 2/7 is not a Double"), r.stdout)
        // A point every Double holds gets no such note.
        let plain = try JacRunner.run(["check", formula, "--at", point, "--claimed",
                                       try JacRunner.temporaryFile("[[1, 2], [1, 2]]", name: "good2.json")])
        XCTAssertFalse(plain.stdout.contains("is not a Double"), plain.stdout)
    }

    /// `jac check --help` named --claimed's formats but not its column order, which a researcher
    /// got wrong by writing the claim in --at's order (the test below): the help says it now.
    func testCheckHelpSaysTheClaimedColumnsFollowTheFormulasOrder() throws {
        let help = try JacRunner.run(["check", "--help"], environment: ["COLUMNS": "200"]).stdout
            .replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(help.contains("one column per variable in the formula's order (first appearance, or --vars), not --at's"), help)
    }

    /// A researcher's Michaelis–Menten rate with substrate inhibition, v = Vmax·S/(Km + S + S²/Ki),
    /// its Jacobian written in the paper's parameter order (Vmax, Km, Ki, S), as --at gave them:
    /// jac reads columns in the formula's order (Vmax, S, Km, Ki), and the right claim was
    /// "wrong at 3 entries" with nothing saying the columns were taken in another order. By hand,
    /// with D = Km + S + S²/Ki = 2.18 at (2, 0.5, 3, 1.2): ∂v/∂Vmax = S/D, ∂v/∂Km = −Vmax·S/D²,
    /// ∂v/∂Ki = Vmax·S³/(Ki²D²), ∂v/∂S = Vmax(Km − S²/Ki)/D² (mpmath, 30 digits, rounded to Double).
    func testAClaimInAnotherColumnOrderThanTheFormulasIsToldTheOrder() throws {
        let paperOrder = "[[0.5504587155963303, -0.5050079959599361, 0.08080127935358976, 0.0084167999326656]]"
        let formula = "Vmax*S/(Km + S + S^2/Ki)"
        let r = try JacRunner.run(["check", formula, "--at", "Vmax=2,Km=0.5,Ki=3,S=1.2",
                                   "--claimed", try JacRunner.temporaryFile(paperOrder, name: "paper-order.json")])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("columns are read in the formula's variable order Vmax, S, Km, Ki"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not in --at's order Vmax, Km, Ki, S"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--vars Vmax,Km,Ki,S"), r.stderr)
        // In the order named by --vars, the same file passes.
        let ordered = try JacRunner.run(["check", formula, "--vars", "Vmax,Km,Ki,S", "--at", "Vmax=2,Km=0.5,Ki=3,S=1.2",
                                         "--claimed", try JacRunner.temporaryFile(paperOrder, name: "paper-order2.json")])
        XCTAssertEqual(ordered.status, 0, ordered.stderr)
        // A wrong claim whose --at follows the formula's order gets no such line.
        let wrong = try JacRunner.run(["check", formula, "--at", "Vmax=2,S=1.2,Km=0.5,Ki=3",
                                       "--claimed", try JacRunner.temporaryFile(paperOrder, name: "paper-order3.json")])
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("columns are read"), wrong.stderr)
        // A points file's header is the order given there.
        let csv = try JacRunner.temporaryFile("Vmax,Km,Ki,S\n2,0.5,3,1.2\n", name: "paper-order.csv")
        let points = try JacRunner.run(["check", formula, "--points", csv,
                                        "--claimed", try JacRunner.temporaryFile(paperOrder, name: "paper-order4.json")])
        XCTAssertEqual(points.status, 1, points.stderr)
        XCTAssertTrue(points.stderr.contains("not in the points file's order Vmax, Km, Ki, S"), points.stderr)
    }

    func testJSONClaimWithOneWrongEntryNamesIt() throws {
        // ∂f2/∂x is 1; the file claims 3.
        let path = try JacRunner.temporaryFile("[[1, 2], [3, 2]]", name: "wrong.json")
        let r = try JacRunner.run(["check", formula, "--at", point, "--claimed", path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrong at 1 entry"), r.stderr)
        XCTAssertTrue(r.stderr.contains("df2/dx (entry (1, 0)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("claimed 3.0"), r.stderr)
        XCTAssertFalse(r.stderr.contains("df1/"), r.stderr)
        // The wrong entry is the whole reason: no "not confirmed" line beside it.
        XCTAssertFalse(r.stderr.contains("not confirmed"), r.stderr)
    }

    /// |x − y| at (0, 0): by hand its generalized gradient is {t·(1, −1) : t ∈ [−1, 1]}, so the
    /// claim (1, 1) is wrong although each component lies in [−1, 1]; the error must say why (it
    /// printed only "one-sided derivatives [-1.0, 1.0]", which reads as a pass). (0.5, −0.5) passes.
    func testAClaimEachOfWhoseComponentsFitsButNotTogetherIsExplained() throws {
        let wrong = try JacRunner.temporaryFile("[[1, 1]]", name: "clarke-wrong.json")
        let r = try JacRunner.run(["check", "abs(x-y)", "--at", "x=0,y=0", "--claimed", wrong])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("the row: claimed (1.0, 1.0) is not λ·g₊ + (1 − λ)·g₋ for one λ in [0, 1]"), r.stderr)
        XCTAssertFalse(r.stderr.contains("not confirmed"), r.stderr)
        let right = try JacRunner.temporaryFile("[[0.5, -0.5]]", name: "clarke-right.json")
        XCTAssertEqual(try JacRunner.run(["check", "abs(x-y)", "--at", "x=0,y=0", "--claimed", right]).status, 0)
    }

    /// `--format csv` printed the table with --claimed (a script reading CSV got its text); it is
    /// the check's CSV, one row per entry, as without --claimed, and with several points a
    /// leading point column. By hand J = [[y, x], [1, 2y]]: [[1, 2], [1, 2]] at (2, 1) and
    /// [[3, 1], [1, 6]] at (1, 3).
    func testAClaimedCheckInCSVPrintsCSV() throws {
        let claim = try JacRunner.temporaryFile("[[1, 2], [1, 2]]", name: "csv-claim.json")
        let r = try JacRunner.run(["check", formula, "--at", point, "--claimed", claim, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "output,input,verdict,forward,reverse,claimed,witness,witness_value,abs_error,tolerance")
        XCTAssertEqual(lines.count, 5, r.stdout)
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard rows.allSatisfy({ $0.count == 10 }) else { return XCTFail("not CSV rows of 10 cells: \(r.stdout)") }
        let claimed = Dictionary(rows.map { ("\($0[0]),\($0[1])", $0[5]) }) { a, _ in a }
        XCTAssertEqual(claimed, ["0,0": "1.0", "0,1": "2.0", "1,0": "1.0", "1,1": "2.0"])
        XCTAssertTrue(rows.allSatisfy { $0[2] == "agree" }, r.stdout)

        let points = try JacRunner.temporaryFile("x,y\n2,1\n1,3\n", name: "csv-points.csv")
        let claims = try JacRunner.temporaryFile("[[[1, 2], [1, 2]], [[3, 1], [1, 6]]]", name: "csv-claims.json")
        let two = try JacRunner.run(["check", formula, "--points", points, "--claimed", claims, "--format", "csv"])
        XCTAssertEqual(two.status, 0, two.stderr)
        let twoLines = two.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(twoLines.first, "point,output,input,verdict,forward,reverse,claimed,witness,witness_value,abs_error,tolerance")
        XCTAssertEqual(twoLines.count, 9, two.stdout)
        XCTAssertTrue(twoLines.contains { $0.hasPrefix("2,1,1,agree,6.0,6.0,6.0,") }, two.stdout)
    }

    /// A scalar function's gradient as json.dumps writes it, `[2, 1]`, was refused ("row 0 …:
    /// expected an array of numbers") although a .npy of shape (n,) is read as that one row. By
    /// hand ∇(x·y) = (y, x) = (2, 1) at (1, 2); a flat claim with a wrong entry is graded too.
    func testAFlatJSONGradientIsOneRow() throws {
        let right = try JacRunner.temporaryFile("[2, 1]", name: "flat-right.json")
        let r = try JacRunner.run(["check", "x*y", "--at", "x=1,y=2", "--claimed", right])
        XCTAssertEqual(r.status, 0, r.stderr)
        let wrong = try JacRunner.temporaryFile("[2, -1]", name: "flat-wrong.json")
        let w = try JacRunner.run(["check", "x*y", "--at", "x=1,y=2", "--claimed", wrong])
        XCTAssertEqual(w.status, 1, w.stderr)
        XCTAssertTrue(w.stderr.contains("df/dy (entry (0, 1), 0-based as in the table): rule-wrong, claimed -1.0"), w.stderr)
        // Not a gradient: a list mixing numbers and rows is still refused.
        let mixed = try JacRunner.temporaryFile("[2, [1]]", name: "flat-mixed.json")
        XCTAssertEqual(try JacRunner.run(["check", "x*y", "--at", "x=1,y=2", "--claimed", mixed]).status, 2)
    }

    func testCSVClaimPerPointNamesThePointAndEntry() throws {
        // Points (2, 1) and (1, 3): J = [[1, 2], [1, 2]] and [[3, 1], [1, 6]]; the second point's
        // ∂f2/∂y is claimed as -6 (a sign error).
        let points = try JacRunner.temporaryFile("x,y\n2,1\n1,3\n", name: "points.csv")
        let claims = try JacRunner.temporaryFile("# point 1\n1,2\n1,2\n# point 2\n3,1\n1,-6\n", name: "claims.csv")
        let r = try JacRunner.run(["check", formula, "--points", points, "--claimed", claims])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("point 2: df2/dy (entry (1, 1)"), r.stderr)
        XCTAssertFalse(r.stderr.contains("point 1:"), r.stderr)

        let blankSeparated = try JacRunner.temporaryFile("1,2\n1,2\n\n3,1\n1,6\n", name: "claims-ok.csv")
        let ok = try JacRunner.run(["check", formula, "--points", points, "--claimed", blankSeparated])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    func testNPYFloat64ClaimWithOneWrongEntry() throws {
        // ∂f1/∂y is 2 (= x); claimed 2.5.
        let path = try writeNPY(dtype: "<f8", shape: "(2, 2)", values: [1, 2.5, 1, 2], name: "wrong.npy")
        let r = try JacRunner.run(["check", formula, "--at", point, "--claimed", path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("df1/dy (entry (0, 1)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("claimed 2.5"), r.stderr)
        XCTAssertFalse(r.stderr.contains("df2/"), r.stderr)
    }

    func testNPYFloat32AndThreeDimensionalShapes() throws {
        // float32 holds 1 and 2 exactly, so the claim is exactly right.
        let f32 = try writeNPY(dtype: "<f4", shape: "(2, 2)", values: [1, 2, 1, 2], name: "good32.npy")
        XCTAssertEqual(try JacRunner.run(["check", formula, "--at", point, "--claimed", f32]).status, 0)
        // (points, m, n) with two points; the second point (1, 3) has J = [[3, 1], [1, 6]].
        let points = try JacRunner.temporaryFile("x,y\n2,1\n1,3\n", name: "points-npy.csv")
        let stack = try writeNPY(dtype: "<f8", shape: "(2, 2, 2)", values: [1, 2, 1, 2, 3, 1, 1, 6], name: "stack.npy",
                                 version: 2)
        let r = try JacRunner.run(["check", formula, "--points", points, "--claimed", stack])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Found by a user trial: a float32 .npy holding the derivative correctly rounded to Float was
    /// graded against Double tolerances. ∂(sin x + cos y) = (cos 1, −sin 2) at (1, 2) as float32 is
    /// 2.9e-8 from cos 1, and the entry was "rule-wrong" (tolerance 3e-14), while −sin 2 beside it
    /// agreed only because its witness happened to be a looser one. A claim one Float ulp wrong,
    /// or 1e-6 relative, must still fail.
    func testNPYFloat32ClaimIsGradedAtFloatPrecision() throws {
        let rounded = try writeNPY(dtype: "<f4", shape: "(1, 2)", values: [cos(1.0), -sin(2.0)], name: "rounded32.npy")
        let r = try JacRunner.run(["check", "sin(x) + cos(y)", "--at", "1,2", "--claimed", rounded])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("the claimed Jacobian is float32"), r.stderr)
        let off = try writeNPY(dtype: "<f4", shape: "(1, 2)", values: [cos(1.0) * (1 + 1e-6), -sin(2.0)], name: "off32.npy")
        let w = try JacRunner.run(["check", "sin(x) + cos(y)", "--at", "1,2", "--claimed", off])
        XCTAssertEqual(w.status, 1, w.stdout + w.stderr)
        XCTAssertTrue(w.stderr.contains("df/dx (entry (0, 0)"), w.stderr)
        // float64 claims keep Double tolerances: the same float32-rounded values written as <f8 are wrong.
        let asDouble = try writeNPY(dtype: "<f8", shape: "(1, 2)", values: [Double(Float(cos(1.0))), Double(Float(-sin(2.0)))],
                                    name: "rounded64.npy")
        XCTAssertEqual(try JacRunner.run(["check", "sin(x) + cos(y)", "--at", "1,2", "--claimed", asDouble]).status, 1)
    }

    /// Found by a user trial (newuser48): a float32 Jacobian computed in float32 arithmetic, as
    /// PyTorch and JAX compute one, carries float32 rounding along every path, not only its last
    /// rounding, and one Float ulp convicted it. For eˣ¹·sin x₂ + x₁³/x₂ + log(x₁x₂) at the float32
    /// point (6354253/2²², 2620473/2²¹), mpmath (30 digits) gives ∇f = (10.486994832291546,
    /// 0.0098104265330687226); numpy's float32 arithmetic on the hand gradient (eˣ¹ sin x₂ + 3x₁²/x₂
    /// + 1/x₁, eˣ¹ cos x₂ − x₁³/x₂² + 1/x₂) gives (10.486995697021484, 0.009810566902160645): the
    /// second is 150 of its Float ulps off, its terms (1.41, 2.23, 0.80) cancelling to 0.0098. It
    /// was "rule-wrong (tolerance 1.2e-9)", status 1 "is wrong"; float32 arithmetic can be that far
    /// off, so it is not confirmed (path-rounding), never wrong. A first entry 10⁻⁴ relative off,
    /// on a path of no cancellation, is still wrong.
    func testNPYFloat32ClaimRoundedAlongItsPathsIsNotCalledWrong() throws {
        let formula = "exp(x1)*sin(x2) + x1^3/x2 + log(x1*x2)"
        let at = "x1=1.5149719715118408,x2=1.2495388984680176"
        let numpy = try writeNPY(dtype: "<f4", shape: "(1, 2)", values: [10.486995697021484, 0.009810566902160645],
                                 name: "numpy32.npy")
        let r = try JacRunner.run(["check", formula, "--at", at, "--claimed", numpy])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertFalse(r.stderr.contains("is wrong"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not confirmed at 1 entry"), r.stderr)
        XCTAssertTrue(r.stderr.contains("df/dx2 (entry (0, 1)") && r.stderr.contains("path-rounding"), r.stderr)
        let off = try writeNPY(dtype: "<f4", shape: "(1, 2)", values: [10.486995697021484 * (1 + 1e-4), 0.009810566902160645],
                               name: "numpy32-off.npy")
        let w = try JacRunner.run(["check", formula, "--at", at, "--claimed", off])
        XCTAssertEqual(w.status, 1, w.stdout + w.stderr)
        XCTAssertTrue(w.stderr.contains("wrong at 1 entry:\n  df/dx1 (entry (0, 0)"), w.stderr)
    }

    /// Found by a user trial (newuser48): the same float32 gradient written as JSON (a tensor's
    /// tolist() dumped) is graded as a Double claim and both entries are wrong (10.486995697021484
    /// is 8.6e-7 off 10.486994832291546, tolerance 3.3e-13), which they are at Double precision;
    /// the failure said nothing of float32. It now says that every number is a float32 value and
    /// how to have it graded as one. A Double claim wrong in the same place gets no such hint.
    func testAJSONClaimOfFloat32ValuesThatFailsSaysSo() throws {
        let formula = "exp(x1)*sin(x2) + x1^3/x2 + log(x1*x2)"
        let at = "x1=1.5149719715118408,x2=1.2495388984680176"
        let json = try JacRunner.temporaryFile("[[10.486995697021484, 0.009810566902160645]]", name: "float32.json")
        let r = try JacRunner.run(["check", formula, "--at", at, "--claimed", json])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("every number in the claimed Jacobian is a float32 value"), r.stderr)
        XCTAssertTrue(r.stderr.contains("astype(numpy.float32)"), r.stderr)
        // 10.4869957 is no float32 value (the nearest is 10.486995697021484).
        let double = try JacRunner.temporaryFile("[[10.4869957, 0.009810566902160645]]", name: "float64.json")
        let d = try JacRunner.run(["check", formula, "--at", at, "--claimed", double])
        XCTAssertEqual(d.status, 1, d.stdout + d.stderr)
        XCTAssertFalse(d.stderr.contains("float32"), d.stderr)
    }

    /// Found by a user trial: a float32 program with a correct Jacobian was "rule-wrong" at two
    /// entries, since central differences of its float32-rounded outputs came with Double-sized error
    /// estimates (1e-10) while 3e-3 off. --precision float32 checks in Float; failing without it, the
    /// error says that every value replied was a float32 one. A sign slip is still caught in Float.
    func testAFloat32ProgramIsCheckedInFloat() throws {
        let args = ["--inputs", "2", "--at", "0.5,1.5"]
        let double = try runProgram("float32.py", args)
        XCTAssertEqual(double.status, 1, double.stderr)
        XCTAssertTrue(double.stderr.contains("if it computes in float32, rerun with --precision float32"), double.stderr)
        let float = try runProgram("float32.py", args + ["--precision", "float32"])
        XCTAssertEqual(float.status, 0, float.stdout + float.stderr)
        XCTAssertTrue(float.stdout.contains("(Float, ε = 1.192093e-07)"), float.stdout)   // ε = 2⁻²³ = 1.1920928955e-07, rounded
        let wrong = try runProgram("float32.py --sign-error", args + ["--precision", "float32"])
        XCTAssertEqual(wrong.status, 1, wrong.stdout + wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("∂f0/∂x1:"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("--precision float32"), wrong.stderr)
        // A Double program is not told to use float32 when it fails.
        let doubleWrong = try runProgram("logistic.py --sign-error", ["--inputs", "3", "--at", "0.1,-0.5,0.3"])
        XCTAssertEqual(doubleWrong.status, 1)
        XCTAssertFalse(doubleWrong.stderr.contains("float32"), doubleWrong.stderr)
    }

    func testMalformedClaimFilesGiveTypedErrors() throws {
        var bytes = Array("NOTNPY".utf8) + [1, 0, 0, 0]
        let badMagic = try writeBytes(bytes, name: "bad-magic.npy")
        let r1 = try JacRunner.run(["check", formula, "--at", point, "--claimed", badMagic])
        XCTAssertEqual(r1.status, 2)
        XCTAssertTrue(r1.stderr.contains("not a NumPy .npy file"), r1.stderr)

        let bigEndian = try writeNPY(dtype: ">f8", shape: "(2, 2)", values: [1, 2, 1, 2], name: "be.npy")
        let r2 = try JacRunner.run(["check", formula, "--at", point, "--claimed", bigEndian])
        XCTAssertEqual(r2.status, 2)
        XCTAssertTrue(r2.stderr.contains("dtype '>f8' is not supported"), r2.stderr)

        let fortran = try writeNPY(dtype: "<f8", shape: "(2, 2)", values: [1, 2, 1, 2], name: "f.npy", fortran: true)
        XCTAssertTrue(try JacRunner.run(["check", formula, "--at", point, "--claimed", fortran]).stderr.contains("Fortran order"))

        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try writeNPY(dtype: "<f8", shape: "(2, 2)", values: [1, 2, 1, 2], name: "t.npy"))))
        let truncated = try writeBytes(Array(bytes.dropLast(3)), name: "truncated.npy")
        let r3 = try JacRunner.run(["check", formula, "--at", point, "--claimed", truncated])
        XCTAssertEqual(r3.status, 2)
        // 29 bytes = 3·8 + 5; (2, 2) needs 4·8 = 32.
        XCTAssertTrue(r3.stderr.contains(".npy data holds 3 values and 5 stray bytes (29 bytes of 8-byte values), "
                                         + "where the header's shape (2, 2) needs 4 values (32 bytes)"), r3.stderr)

        // Found by a review: both were ".npy shape … is not (m, n) or (points, m, n)", false of
        // shapes that are (m, n). 100000·100000 = 10¹⁰ values, 8·10¹⁰ bytes, over 4 values' 32.
        let huge = try writeNPY(dtype: "<f8", shape: "(100000, 100000)", values: [1, 2, 1, 2], name: "huge.npy")
        let hugeRun = try JacRunner.run(["check", formula, "--at", point, "--claimed", huge])
        XCTAssertEqual(hugeRun.status, 2)
        XCTAssertTrue(hugeRun.stderr.contains(".npy data holds 4 values (32 bytes of 8-byte values), where the header's shape "
                                         + "(100000, 100000) needs 10000000000 values (80000000000 bytes)"), hugeRun.stderr)
        XCTAssertFalse(hugeRun.stderr.contains("is not (m, n)"), hugeRun.stderr)
        let empty = try writeNPY(dtype: "<f8", shape: "(0, 2)", values: [], name: "empty.npy")
        let emptyRun = try JacRunner.run(["check", formula, "--at", point, "--claimed", empty])
        XCTAssertEqual(emptyRun.status, 2)
        XCTAssertTrue(emptyRun.stderr.contains(".npy shape (0, 2) has an empty dimension"), emptyRun.stderr)
        XCTAssertFalse(emptyRun.stderr.contains("is not (m, n)"), emptyRun.stderr)
        // Four dimensions are not a Jacobian's shape: that message stays.
        let fourD = try writeNPY(dtype: "<f8", shape: "(1, 1, 2, 2)", values: [1, 2, 1, 2], name: "four.npy")
        XCTAssertTrue(try JacRunner.run(["check", formula, "--at", point, "--claimed", fourD]).stderr
            .contains(".npy shape (1, 1, 2, 2) is not (n,), (m, n) or (points, m, n)"))

        let shape = try writeNPY(dtype: "<f8", shape: "(2, 3)", values: [1, 2, 3, 1, 2, 3], name: "shape.npy")
        let r4 = try JacRunner.run(["check", formula, "--at", point, "--claimed", shape])
        XCTAssertEqual(r4.status, 2)
        XCTAssertTrue(r4.stderr.contains("columns = 2 inputs"), r4.stderr)

        let ragged = try JacRunner.temporaryFile("[[1, 2], [1]]", name: "ragged.json")
        let r5 = try JacRunner.run(["check", formula, "--at", point, "--claimed", ragged])
        XCTAssertEqual(r5.status, 2)
        // Rows and entries count from 0 in parse errors too, as in the verdicts and the table.
        XCTAssertTrue(r5.stderr.contains("point 1, row 1 has 1 entry where the function has 2 inputs (one entry per input; rows count from 0, as in the table)"), r5.stderr)
        // A wrong row 0 was the measure of the others: [[2, 1, 0], [1, 1]] blamed row 1 ("has 2
        // entries, row 0 has 3"), the right one (a review).
        let wideFirst = try JacRunner.temporaryFile("[[2, 1, 0], [1, 1]]", name: "wide-first.json")
        let r5a = try JacRunner.run(["check", formula, "--at", point, "--claimed", wideFirst])
        XCTAssertEqual(r5a.status, 2)
        XCTAssertTrue(r5a.stderr.contains("point 1, row 0 has 3 entries where the function has 2 inputs"), r5a.stderr)
        XCTAssertFalse(r5a.stderr.contains("row 1"), r5a.stderr)
        let word = try JacRunner.temporaryFile("[[1, \"a\"], [1, 2]]", name: "word.json")
        let r5b = try JacRunner.run(["check", formula, "--at", point, "--claimed", word])
        XCTAssertEqual(r5b.status, 2)
        XCTAssertTrue(r5b.stderr.contains("point 1, entry (0, 1), 0-based as in the table: expected a number"), r5b.stderr)

        let text = try JacRunner.temporaryFile("1,2\n1,two\n", name: "bad.csv")
        let r6 = try JacRunner.run(["check", formula, "--at", point, "--claimed", text])
        XCTAssertEqual(r6.status, 2)
        XCTAssertTrue(r6.stderr.contains("line 2: entry (1, 1) of point 1, 0-based as in the table: 'two' is not a number"), r6.stderr)

        let count = try JacRunner.temporaryFile("[[[1, 2], [1, 2]], [[1, 2], [1, 2]]]", name: "two.json")
        let r7 = try JacRunner.run(["check", formula, "--at", point, "--claimed", count])
        XCTAssertEqual(r7.status, 2)
        XCTAssertTrue(r7.stderr.contains("2 Jacobians for 1 point"), r7.stderr)
    }

    func testNaNClaimIsReportedNotHidden() throws {
        let path = try JacRunner.temporaryFile("[[1, NaN], [1, 2]]", name: "nan.json")
        let r = try JacRunner.run(["check", formula, "--at", point, "--claimed", path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("df1/dy (entry (0, 1), 0-based as in the table): non-finite"), r.stderr)
    }

    // MARK: a program as the function

    func testLogisticRegressionHandGradientIsCorrect() throws {
        let r = try runProgram("logistic.py", ["--inputs", "3", "--at", "0.1,-0.5,0.3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("verdict: agree  (3 agree)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("no AD mode can run on a program"), r.stdout)
    }

    func testLogisticRegressionSignErrorIsCaughtAtW2() throws {
        // The planted bug flips the sign of dL/dw2 only, at every point.
        let r = try runProgram("logistic.py --sign-error",
                               ["--inputs", "3", "--domain", "x0=[-1,1],x1=[-1,1],x2=[-1,1]", "--samples", "2", "--seed", "3"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrong at 2 entries"), r.stderr)
        XCTAssertTrue(r.stderr.contains("∂f0/∂x2:"), r.stderr)
        XCTAssertFalse(r.stderr.contains("∂f0/∂x0:"), r.stderr)
        XCTAssertFalse(r.stderr.contains("∂f0/∂x1:"), r.stderr)
    }

    /// With --format json the shrunk point joins the first failing point's object, so a pipeline
    /// reading stdout gets it without parsing the message. At w = 0 every sigmoid is 1/2, so by
    /// hand dL/dw2 = mean_i (1/2 − t_i)·b_i over the program's 8 rows = −2.6/8 = −0.325, and the
    /// planted sign error replies +0.325. Only the first failing point carries it.
    func testTheShrunkPointIsInTheJSON() throws {
        let r = try runProgram("logistic.py --sign-error",
                               ["--inputs", "3", "--samples", "2", "--seed", "1", "--format", "json"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let objects = try r.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
        XCTAssertEqual(objects.count, 2, r.stdout)
        XCTAssertNil(objects.last?["shrunk"], r.stdout)
        let shrunk = try XCTUnwrap(objects.first?["shrunk"] as? [String: Any], r.stdout)
        XCTAssertEqual(shrunk["point"] as? [Double], [0, 0, 0], r.stdout)
        XCTAssertEqual(shrunk["at"] as? String, "0.0,0.0,0.0", r.stdout)
        XCTAssertGreaterThan(shrunk["requests"] as? Int ?? 0, 0, r.stdout)
        let entries = try XCTUnwrap(shrunk["entries"] as? [[String: Any]], r.stdout)
        XCTAssertEqual(entries.count, 1, r.stdout)
        XCTAssertEqual(entries.first?["input"] as? Int, 2, r.stdout)
        XCTAssertEqual(entries.first?["verdict"] as? String, "rule-wrong", r.stdout)
        XCTAssertEqual((entries.first?["values"] as? [String: Double])?["program"] ?? .nan, 0.325, accuracy: 1e-15, r.stdout)
        XCTAssertEqual(entries.first?["witness_value"] as? Double ?? .nan, -0.325, accuracy: 1e-9, r.stdout)
        // The message on stderr still says it, with the same point.
        XCTAssertTrue(r.stderr.contains("(to rerun it: --at=0.0,0.0,0.0)"), r.stderr)
    }

    /// f0 = |x0|·x1 at (0, 2): one-sided slopes along x0 are −2 and 2 (by hand). A program
    /// reporting 0.5·2 = 1 there gives a subgradient; one reporting 5·2 = 10 fails (status 1; it
    /// used to be 0 because only rule-wrong and non-finite entries counted). With two inputs a
    /// black box cannot prove a value outside one input's one-sided derivatives wrong (more
    /// pieces may meet there), so it is "not confirmed", with the interval named.
    func testAProgramsValueAtAKinkMustLieBetweenTheOneSidedDerivatives() throws {
        let inside = try runProgram("misbehave.py kink", ["--inputs", "2", "--at", "0,2"])
        XCTAssertEqual(inside.status, 0, inside.stderr)
        let outside = try runProgram("misbehave.py wrongkink", ["--inputs", "2", "--at", "0,2"])
        XCTAssertEqual(outside.status, 1, outside.stderr)
        XCTAssertTrue(outside.stderr.contains("not confirmed at 1 entry"), outside.stderr)
        XCTAssertTrue(outside.stderr.contains("∂f0/∂x0: kink, program 10.0"), outside.stderr)
        XCTAssertTrue(outside.stderr.contains("one-sided derivatives along this input [-2.0, 2.0]"), outside.stderr)
    }

    /// f0 = x0 ignores x1, so its differences along x1 are equal samples. By hand ∂f0/∂x1 = 0, and
    /// the claimed 0.5 predicts f0 moving by 0.5·h at every step h tried, far above what
    /// f0 = 1.5 rounds (a few ulps), with f0 smooth at the point: wrong. It was fd-inconclusive
    /// ("not confirmed", status 1), which undersold a plain copy-paste error.
    func testAClaimedSlopeWhereTheProgramIsFlatIsWrongStatusOne() throws {
        let r = try runProgram("misbehave.py flat", ["--inputs", "2", "--at", "1.5,2"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("the program's Jacobian is wrong at 1 entry"), r.stderr)
        XCTAssertTrue(r.stderr.contains("∂f0/∂x1: rule-wrong, program 0.5"), r.stderr)
        XCTAssertFalse(r.stderr.contains("not confirmed"), r.stderr)
    }

    func testWrongJacobianEntryOfAProgram() throws {
        let r = try runProgram("misbehave.py wrongjac", ["--inputs", "2", "--at", "1.5,2"])
        XCTAssertEqual(r.status, 1, r.stderr)
        // Planted: ∂f1/∂x1 reported as x0 + 1 = 2.5, true value x0 = 1.5.
        XCTAssertTrue(r.stderr.contains("∂f0/∂x1: rule-wrong, program 2.5"), r.stderr)
        XCTAssertTrue(r.stdout.contains("requests: "), r.stdout)
    }

    func testDirectionalFirstSkipsEntriesOnlyWhenJvAgrees() throws {
        let args = ["--inputs", "3", "--at", "0.1,-0.5,0.3"]
        let full = try runProgram("logistic.py", args)
        let quick = try runProgram("logistic.py", args + ["--directional-first"])
        XCTAssertEqual(quick.status, 0, quick.stderr)
        XCTAssertTrue(quick.stdout.contains("entries were not checked one by one"), quick.stdout)
        // One line probe instead of one per column: fewer requests than the entrywise check.
        XCTAssertLessThan(try totalRequests(quick.stdout), try totalRequests(full.stdout))
        // A wrong entry makes J·v disagree, and the entrywise check then names it.
        let wrong = try runProgram("logistic.py --sign-error", args + ["--directional-first"])
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertTrue(wrong.stdout.contains("every entry checked"), wrong.stdout)
        XCTAssertTrue(wrong.stderr.contains("∂f0/∂x2:"), wrong.stderr)
    }

    func testJVPAndVJPRequests() throws {
        for d in ["jvp", "vjp"] {
            let ok = try runProgram("misbehave.py ok", ["--inputs", "2", "--at", "1.5,2", "--derivative", d])
            XCTAssertEqual(ok.status, 0, "\(d): \(ok.stderr)")
            XCTAssertTrue(ok.stdout.contains("verdict: agree  (2 agree)"), ok.stdout)
        }
        // The planted bug drops u1 from (uᵀJ)₀ only.
        let wrong = try runProgram("misbehave.py wrongvjp", ["--inputs", "2", "--at", "1.5,2", "--derivative", "vjp"])
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("uᵀJ is wrong at 1 entry"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("(uᵀJ)[0]: rule-wrong"), wrong.stderr)
        // A program that does not answer "jvp" is a protocol error.
        let none = try runProgram("logistic.py", ["--inputs", "3", "--at", "1,2,3", "--derivative", "jvp"])
        XCTAssertEqual(none.status, 2, none.stderr)
        XCTAssertTrue(none.stderr.contains("\"jvp\" must be an array of 1 numbers"), none.stderr)
    }

    func testFailingRandomPointIsShrunk() throws {
        // The planted error (+1 on ∂f1/∂x1) holds everywhere, so the greedy pass takes the first
        // candidate in each domain: x0 positive → 1 (0 is excluded), x1 real → 0.
        let r = try runProgram("misbehave.py wrongjac", ["--inputs", "2", "--domain", "x0=positive", "--samples", "2", "--seed", "3"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrong at 2 entries"), r.stderr)
        // At (1, 0): ∂f1/∂x1 = x0 = 1, claimed 1 + 1 = 2.
        let shrunk = try ProgramShrinkTests.shrunkReport(r.stderr)
        XCTAssertTrue(shrunk.header.hasSuffix(") to " + ProgramShrinkTests.printed([1, 0]) + ", still wrong at 1 entry:"), r.stderr)
        XCTAssertEqual(shrunk.entries.map(\.program), [2], r.stderr)
        XCTAssertEqual(shrunk.entries.first?.witness ?? .nan, 1, accuracy: 1e-6, r.stderr)
    }

    func totalRequests(_ stdout: String) throws -> Int {
        let line = try XCTUnwrap(stdout.split(separator: "\n").last { $0.hasPrefix("total requests: ") })
        return try XCTUnwrap(Int(line.dropFirst("total requests: ".count)))
    }

    func testProgramThatExits() throws {
        let r = try runProgram("misbehave.py exit", ["--inputs", "2", "--at", "1.5,2", "--program-stderr", "capture"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("exited with status 7 while waiting for the reply to request 2"), r.stderr)
        XCTAssertTrue(r.stderr.contains("about to fail"), r.stderr)   // its captured stderr is quoted
    }

    func testProgramThatHangsIsKilledAtTheTimeout() throws {
        let r = try runProgram("misbehave.py hang", ["--inputs", "2", "--at", "1.5,2", "--timeout", "1"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("no reply to request 2 within 1.0 s"), r.stderr)
        XCTAssertTrue(r.stderr.contains("it was killed"), r.stderr)
    }

    func testProgramThatPrintsGarbage() throws {
        let r = try runProgram("misbehave.py garbage", ["--inputs", "2", "--at", "1.5,2"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("not the protocol"), r.stderr)
        XCTAssertTrue(r.stderr.contains("\"Loading model weights...\""), r.stderr)
    }

    /// A reply holding 1e-400 is well-formed JSON whose number Double cannot hold (not 0, but it
    /// rounds to 0): it was read as 0 and checked as 0. It is refused, naming the number, and not
    /// called "not the protocol".
    func testProgramReplyBeyondDoublesRangeIsRefused() throws {
        let r = try runProgram("misbehave.py tiny", ["--inputs", "2", "--at", "1.5,2"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("number '1e-400' is not 0 but underflows to 0 in Double"), r.stderr)
        XCTAssertFalse(r.stderr.contains("not the protocol"), r.stderr)
    }

    /// The same in a claimed Jacobian: 1e-400 was read as 0 in JSON and CSV, and 1e400 as a
    /// claimed ∞ the file never wrote. A written inf is still a claimed ∞ (non-finite, status 1).
    func testClaimedEntriesBeyondDoublesRangeAreRefused() throws {
        let json = try JacRunner.temporaryFile("[[1e-400, 2], [1, 2]]", name: "tiny.json")
        let j = try JacRunner.run(["check", formula, "--at", point, "--claimed", json])
        XCTAssertEqual(j.status, 2, j.stderr)
        XCTAssertTrue(j.stderr.contains("number '1e-400' is not 0 but underflows to 0 in Double"), j.stderr)
        XCTAssertFalse(j.stderr.contains("invalid JSON"), j.stderr)
        let csv = try JacRunner.temporaryFile("1,2\n1e400,2\n", name: "huge.csv")
        let c = try JacRunner.run(["check", formula, "--at", point, "--claimed", csv])
        XCTAssertEqual(c.status, 2, c.stderr)
        XCTAssertTrue(c.stderr.contains("line 2: entry (1, 0) of point 1") && c.stderr.contains("number '1e400' overflows Double"), c.stderr)
        let written = try JacRunner.temporaryFile("1,2\ninf,2\n", name: "inf.csv")
        let w = try JacRunner.run(["check", formula, "--at", point, "--claimed", written])
        XCTAssertEqual(w.status, 1, w.stderr)
        XCTAssertTrue(w.stderr.contains("non-finite, claimed inf"), w.stderr)
    }

    /// More than 20 wrong entries: the list stops at 20 and says how many more, where it used to
    /// end without a word. f = (x0·x1 + … ) is 5 × 5 here: fᵢ = (i + 1)·xⱼ summed over j, so by hand
    /// ∂fᵢ/∂xⱼ = i + 1, and a claim of all zeros is wrong at all 25 entries.
    func testMoreThanTwentyWrongClaimedEntriesSayHowManyMore() throws {
        let formula = (1...5).map { k in (0..<5).map { "\(k)*x\($0)" }.joined(separator: " + ") }.joined(separator: "; ")
        let point = (0..<5).map { "x\($0)=\(Double($0) + 0.5)" }.joined(separator: ",")
        let zeros = try JacRunner.temporaryFile(String(repeating: "0,0,0,0,0\n", count: 5), name: "zeros.csv")
        let r = try JacRunner.run(["check", formula, "--at", point, "--claimed", zeros])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("claimed Jacobian is wrong at 25 entries"), r.stderr)
        XCTAssertTrue(r.stderr.contains("… and 5 more (--format json has every entry)"), r.stderr)
    }

    /// A NaN in the program's Jacobian read "NaN" in the table and "program nan" in the summary on
    /// standard error (Swift's text of a Double); it is NaN in both, and the verdict says non-finite.
    func testAProgramsNaNJacobianEntryIsNamedNaNInTheSummaryAsInTheTable() throws {
        try JacRunner.requirePython()
        let script = try JacRunner.temporaryFile("""
            import sys, json
            for line in sys.stdin:
                r = json.loads(line)
                x = r["x"]
                out = {"y": [x[0] * x[0], x[0] * x[1]]}
                if r.get("want") == "jacobian":
                    out["jacobian"] = [[float("nan"), 0.0], [x[1], x[0]]]
                print(json.dumps(out), flush=True)

            """, name: "nan_jacobian.py")
        let r = try runBounded(["check", "--program", "python3 \(script)", "--inputs", "2", "--at", "1,2"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("non-finite (program)"), r.stdout)
        XCTAssertTrue(r.stderr.contains("∂f0/∂x0: non-finite, program NaN"), r.stderr)
        XCTAssertFalse(r.stderr.contains("nan"), r.stderr)
    }

    func testProgramThatReturnsNaN() throws {
        let r = try runProgram("misbehave.py nan", ["--inputs", "2", "--at", "1.5,2"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("non-finite y[0] = NaN at x = [1.5, 2.0]"), r.stderr)
        XCTAssertTrue(r.stderr.contains("[NaN, 3.5]"), r.stderr)
    }

    func testProgramWithWrongLengthOrNoJacobian() throws {
        let r = try runProgram("misbehave.py wronglen", ["--inputs", "2", "--at", "1.5,2"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("returned 3 values in \"y\" but 2 are expected"), r.stderr)
        let declared = try runProgram("misbehave.py ok", ["--inputs", "2", "--outputs", "3", "--at", "1.5,2"])
        XCTAssertEqual(declared.status, 2, declared.stderr)
        XCTAssertTrue(declared.stderr.contains("returned 2 values in \"y\" but 3 are expected"), declared.stderr)
        let noJac = try runProgram("misbehave.py nojac", ["--inputs", "2", "--at", "1.5,2"])
        XCTAssertEqual(noJac.status, 2, noJac.stderr)
        XCTAssertTrue(noJac.stderr.contains("did not return \"jacobian\""), noJac.stderr)
    }

    func testRequestCapAndMissingProgram() throws {
        let capped = try runProgram("misbehave.py ok", ["--inputs", "2", "--at", "1.5,2", "--max-requests", "3"])
        XCTAssertEqual(capped.status, 3, capped.stderr)
        XCTAssertTrue(capped.stderr.contains("--max-requests 3 reached"), capped.stderr)
        let missing = try runBounded(["check", "--program", "no-such-program-jac-test", "--inputs", "1", "--at", "1",
                                      "--program-stderr", "capture"])
        XCTAssertEqual(missing.status, 3, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("exited with status 127"), missing.stderr)
    }

    /// An empty --program ran `exec ` in a shell, which exits at once, and was reported as
    /// "--program exited with status 0 while sending request 1" (status 3, an evaluation
    /// failure of a program that was never given): it is a usage error naming the option.
    func testAnEmptyProgramIsAUsageError() throws {
        for command in ["", "   "] {
            let r = try runBounded(["check", "--program", command, "--inputs", "1", "--at", "1"])
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains("--program is empty"), r.stderr)
            XCTAssertFalse(r.stderr.contains("exited"), r.stderr)
        }
    }

    func testJSONReportCountsRequestsPerInput() throws {
        let r = try runProgram("misbehave.py ok", ["--inputs", "2", "--at", "1.5,2", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["verdict"] as? String, "agree")
        let requests = try XCTUnwrap(object["requests"] as? [String: Any])
        let perInput = try XCTUnwrap(requests["per_input"] as? [Int])
        XCTAssertEqual(perInput.count, 2)
        // Every column needs at least the two points of a central difference.
        XCTAssertTrue(perInput.allSatisfy { $0 >= 2 }, "\(perInput)")
        let total = try XCTUnwrap(requests["total"] as? Int)
        XCTAssertEqual(total, perInput.reduce(0, +) + 1 + (requests["at_point"] as? Int ?? -1000))
    }

    // MARK: helpers

    func runProgram(_ script: String, _ arguments: [String]) throws -> JacRunner.Output {
        try JacRunner.requirePython()
        return try runBounded(["check", "--program", "python3 \(Self.programs)/\(script)"] + arguments)
    }


    /// Runs jac with a hard bound, so a timeout that does not fire fails the test instead of hanging it.
    func runBounded(_ arguments: [String], bound: TimeInterval = 60) throws -> JacRunner.Output {
        guard let binary = JacRunner.binary else {
            XCTFail("jac binary not found: run `swift build --build-tests` first")
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let outPath = try JacRunner.temporaryFile("", name: "out-\(UUID().uuidString)")
        let errPath = try JacRunner.temporaryFile("", name: "err-\(UUID().uuidString)")
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(bound)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("jac \(arguments.joined(separator: " ")) did not finish within \(bound) s")
        }
        process.waitUntilExit()
        try out.close(); try err.close()
        return JacRunner.Output(status: process.terminationStatus,
                                stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                                stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    /// A .npy file built byte by byte from the format's specification (no NumPy needed).
    func writeNPY(dtype: String, shape: String, values: [Double], name: String, version: UInt8 = 1,
                  fortran: Bool = false) throws -> String {
        var header = "{'descr': '\(dtype)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        let prefix = version == 1 ? 10 : 12
        while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = header.utf8.count
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        bytes += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), 0, 0]
        bytes += Array(header.utf8)
        for v in values {
            if dtype.hasSuffix("f4") {
                withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes += $0 }
            } else if dtype.hasPrefix(">") {
                withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes += $0 }
            } else {
                withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 }
            }
        }
        return try writeBytes(bytes, name: name)
    }

    func writeBytes(_ bytes: [UInt8], name: String) throws -> String {
        let path = try JacRunner.temporaryFile("", name: name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
