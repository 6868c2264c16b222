import AdjointCore
import AdjointFormula
import Foundation
import XCTest
@testable import AdjointCheck

/// cos tabulated at spacing 0.1 and interpolated linearly: piecewise linear, a kink at every knot.
@Sendable private func tabulatedCos(_ t: Double) -> Double {
    let h = 0.1
    let i = (t / h).rounded(.down)
    let s = t / h - i
    let a = Foundation.cos(i * h), b = Foundation.cos((i + 1) * h)
    return a + s * (b - a)
}

/// The root t of t³ + t = x, bisected on [0, 4] until the bracket is below 10⁻⁷: a staircase of
/// treads about 10⁻⁷ wide, 10⁸ ulps of its value (a solver stopped at its tolerance).
@Sendable private func bisectedRoot(_ x: [Double]) -> Double {
    var (lo, hi) = (0.0, 4.0)
    while hi - lo > 1e-7 { let m = (lo + hi) / 2; if m * m * m + m - x[0] < 0 { lo = m } else { hi = m } }
    return (lo + hi) / 2
}

/// What a researcher reads in a check's report (a user walk): each finding said once, a note on a
/// right check worded as one, entries named, numbers in a form one can read.
final class CheckReportTextTests: XCTestCase {
    /// Three tables, one per input, each claimed with the smooth −sin: every entry is convicted and
    /// f is linear around x along each line. The note said the same four sentences once per entry;
    /// it says them once, naming the entries and each line's slope. The segments' slopes by mpmath
    /// at 30 digits: (cos 1.6 − cos 1.7)/0.1 = 0.996449719942, (cos 0.4 − cos 0.3)/0.1 =
    /// −0.342754951227, (cos 2.3 − cos 2.2)/0.1 = −0.777749040245.
    func testTheLinearNoteIsSaidOnceNamingItsEntries() throws {
        let f: @Sendable ([Double]) -> Double = { x in tabulatedCos(x[0]) + tabulatedCos(x[1]) + tabulatedCos(x[2]) }
        let r = try checkBlackBoxGradient(of: f, at: [-1.662, 0.33, 2.27], claimedGradient: { x in x.map { -Foundation.sin($0) } })
        for j in 0..<3 { XCTAssertEqual(r.entries[0][j].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable()) }
        XCTAssertEqual(r.linearSegments.count, 1, r.notes.joined(separator: "\n"))
        let note = try XCTUnwrap(r.linearSegments.first)
        XCTAssertTrue(note.hasPrefix("entries (f0, x0), (f0, x1), (f0, x2): f is linear"), note)
        for (along, slope) in [("x0", "0.9964497"), ("x1", "-0.342755"), ("x2", "-0.777749")] {
            XCTAssertTrue(note.contains("along \(along) within ±"), note)
            XCTAssertTrue(note.contains("slope \(slope)"), note)
        }
        let table = r.renderTable()
        XCTAssertEqual(table.components(separatedBy: "If f is piecewise linear").count - 1, 1, table)
        XCTAssertEqual(table.components(separatedBy: "f is linear").count - 1, 1, table)
    }

    /// A right gradient of a bisected root (1/(3t² + 1) by hand; at x = 0.5, t = 0.4238537990698
    /// and 0.6497911026725 by mpmath at 30 digits) passes through f's measured staircase. The note on
    /// that noise read as a problem ("the function rounds far above its outputs' ulps"); it says
    /// that it stopped nothing.
    func testTheNoiseNoteOnAPassingCheckSaysItStoppedNothing() throws {
        let r = try checkBlackBoxGradient(of: bisectedRoot, at: [0.5], claimedGradient: { _ in [0.6497911026725] })
        XCTAssertTrue(r.passed, r.renderTable())
        let note = try XCTUnwrap(r.measuredNoise.first, r.renderTable())
        XCTAssertTrue(note.hasPrefix("rounding measured, which stopped nothing: "), note)
        XCTAssertTrue(note.contains("every entry was decided through it"), note)
        XCTAssertTrue(note.contains("σ = "), note)
        XCTAssertTrue(r.notes.contains(note))
    }

    /// Beside the bisected root, a term 10⁻⁹·sin x₁ moves f by less than its measured noise
    /// (σ ≈ 2·10⁻⁸) at every step the differences take, so ∂/∂x₁ = 10⁻⁹ cos 0.3 (by hand) is left
    /// undecided, with reasons that name the estimates (cancellation), not the noise that widened
    /// them. The noise note said nothing of the entry; it now leads with it.
    func testTheNoiseNoteNamesTheEntriesLeftUndecidedBesideIt() throws {
        let f: @Sendable ([Double]) -> Double = { x in bisectedRoot([x[0]]) + 1e-9 * Foundation.sin(x[1]) }
        let r = try checkBlackBoxGradient(of: f, at: [0.5, 0.3], claimedGradient: { x in [0.6497911026725, 1e-9 * Foundation.cos(x[1])] })
        guard case .fdInconclusive = r.entries[0][1].verdict else { return XCTFail(r.renderTable()) }
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        let note = try XCTUnwrap(r.measuredNoise.first, r.renderTable())
        XCTAssertTrue(note.hasPrefix("rounding measured, and entry (f0, x1) is undecided (fd-inconclusive): "), note)
        XCTAssertTrue(note.contains("may be what left them undecided"), note)
        XCTAssertEqual(r.notes.first, note, "the first note: \(r.renderTable())")
    }

    /// An entry whose reason is the noise itself (noisy-evaluation) is named as undecided for it.
    /// The report of the check above, with entry (0, 1) given that verdict (the black box's step
    /// scan gives it where f's noise hides the gap).
    func testTheNoiseNoteNamesTheEntriesLeftUndecidedForNoise() throws {
        let f: @Sendable ([Double]) -> Double = { x in bisectedRoot([x[0]]) + 1e-9 * Foundation.sin(x[1]) }
        var r = try checkBlackBoxGradient(of: f, at: [0.5, 0.3], claimedGradient: { x in [0.6497911026725, 1e-9 * Foundation.cos(x[1])] })
        let e = r.entries[0][1]
        r.entries[0][1] = EntryCheck(output: 0, input: 1, subjects: e.subjects, verdict: .fdInconclusive(reasons: [.noisyEvaluation]),
                                     witness: nil, witnessValue: nil, errorEstimate: nil, step: nil, absoluteError: nil,
                                     relativeError: nil, tolerance: nil, kink: nil, ladder: e.ladder)
        let note = try XCTUnwrap(r.measuredNoise.first, r.renderTable())
        XCTAssertTrue(note.hasPrefix("rounding measured, and entry (f0, x1) is undecided for noise in f's evaluations "
            + "(fd-inconclusive, noisy-evaluation): the function rounds far above its outputs' ulps"), note)
    }

    /// eˣ at −745 is the least subnormal, 2⁻¹⁰⁷⁴, and Richardson's tolerance there is 80 of them:
    /// 80 × 2²⁶ = 5368709120 times √ε of the entry (√ε = 2⁻²⁶ in Double, by hand). The note printed
    /// "5368709120.0√ε"; it prints two figures beyond 10⁴ ("5.4e9√ε"), in Float as in Double.
    func testALargeMultipleOfTheResolutionIsPrintedReadably() throws {
        let d = try checkJacobian(of: try Formula(parsing: "exp(x)"), at: [-745.0])
        let dNote = try XCTUnwrap(d.notes.first { $0.contains("agrees only within") }, d.renderTable())
        let e = d.entries[0][0]
        XCTAssertEqual(try XCTUnwrap(e.tolerance) / Double.leastNonzeroMagnitude, 80, d.renderTable())
        XCTAssertTrue(dNote.contains("5.4e9√ε of Double"), dNote)
        XCTAssertTrue(dNote.contains("8000% of the entry"), dNote)
        XCTAssertFalse(dNote.contains("5368709120"), dNote)
        // Float at −103: the entry is 2⁻¹⁴⁹; its multiple is above 10⁴ (2·10⁵) and is written alike.
        let f = try checkJacobian(of: try Formula(parsing: "exp(x)"), at: [Float(-103)])
        let fNote = try XCTUnwrap(f.notes.first { $0.contains("agrees only within") }, f.renderTable())
        XCTAssertNotNil(fNote.range(of: #" [0-9]\.[0-9]e[0-9]+√ε of Float\)"#, options: .regularExpression), fNote)
    }

    /// The table named rows and columns by index (0, 1, 2); without names given it names them as
    /// the step sweep does, f0, f1 and x0, x1, x2.
    func testTheTableNamesOutputsAndInputsByDefault() throws {
        struct Two: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1], x[0] * x[1] * x[2]] }
        }
        let r = try checkJacobian(of: Two(), at: [0.5, 2.0, 3.0])
        XCTAssertEqual(Set(Self.rowLabels(r.renderTable()).map { "\($0.0) \($0.1)" }),
                       ["f0 x0", "f0 x1", "f0 x2", "f1 x0", "f1 x1", "f1 x2"], r.renderTable())
    }

    /// Names given in the options label the table's rows and columns, the columns checked, and
    /// the black box's notes on a line ("along theta"); a list of the wrong length is refused,
    /// naming the option, rather than labelling rows wrong.
    func testNamesGivenInTheOptionsLabelTheTable() throws {
        struct Polar: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.cos(x[1]), x[0] * T.sin(x[1])] }
        }
        var o = CheckOptions()
        o.inputNames = ["r", "theta"]
        o.outputNames = ["px", "py"]
        let r = try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(Set(Self.rowLabels(r.renderTable()).map { "\($0.0) \($0.1)" }),
                       ["px r", "px theta", "py r", "py theta"], r.renderTable())
        let column = try checkJacobian(of: Polar(), at: [2.0, 0.5], inputs: [1], options: o)
        XCTAssertTrue(column.renderTable().contains("columns checked: inputs theta (1 of 2;"), column.renderTable())
        XCTAssertEqual(Set(Self.rowLabels(column.renderTable()).map { "\($0.0) \($0.1)" }), ["px theta", "py theta"], column.renderTable())

        var short = o
        short.inputNames = ["r"]
        XCTAssertThrowsError(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: short)) { error in
            XCTAssertEqual(error as? ADError, .dimensionMismatch(what: "CheckOptions.inputNames (one name per input of f)", expected: 2, got: 1))
        }
        var three = o
        three.outputNames = ["px", "py", "pz"]
        XCTAssertThrowsError(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: three)) { error in
            XCTAssertEqual(error as? ADError, .dimensionMismatch(what: "CheckOptions.outputNames (one name per output of f)", expected: 2, got: 3))
        }
        XCTAssertThrowsError(try checkBlackBoxGradient(of: { (x: [Double]) in x[0] * x[1] }, at: [1.0, 2.0],
                                                       claimedGradient: { x in [x[1], x[0]] }, options: { var b = CheckOptions.blackBox; b.inputNames = ["a"]; return b }()))

        // The table's black-box line note, named: the tabulated cosine convicted along theta.
        var b = CheckOptions.blackBox
        b.inputNames = ["theta"]
        let line = try checkBlackBoxGradient(of: { (x: [Double]) in tabulatedCos(x[0]) }, at: [-1.662],
                                             claimedGradient: { x in [-Foundation.sin(x[0])] }, options: b)
        XCTAssertTrue(try XCTUnwrap(line.linearSegments.first).contains("f is linear along theta within ±0.03125 of x"), line.renderTable())
    }

    /// A JVP's one column is the direction and a VJP's one row the functional uᵀf, not x0 or f0.
    func testADirectionalCheckNamesItsDirection() throws {
        let f: @Sendable ([Double]) -> [Double] = { x in [x[0] * x[1], x[0]] }
        let jvp = try checkBlackBoxJVP(of: f, at: [1.0, 2.0], direction: [0.3, -1], claimed: { x, v in [x[1] * v[0] + x[0] * v[1], v[0]] })
        XCTAssertEqual(Set(Self.rowLabels(jvp.renderTable()).map { "\($0.0) \($0.1)" }), ["f0 v", "f1 v"], jvp.renderTable())
        let vjp = try checkBlackBoxVJP(of: f, at: [2.0, 3.0], cotangent: [1, 10], claimed: { x, u in [u[0] * x[1] + u[1], u[0] * x[0]] })
        XCTAssertEqual(Set(Self.rowLabels(vjp.renderTable()).map { "\($0.0) \($0.1)" }), ["uᵀf x0", "uᵀf x1"], vjp.renderTable())
    }

    /// The loose note printed its tolerance in full (0.0002837449312210083) beside a share and a
    /// multiple rounded for reading; it prints two figures. eˣ at −745: the tolerance is 80·2⁻¹⁰⁷⁴
    /// (asserted above), 3.9525251667299724e-322 by mpmath at 40 digits, 4.0e-322 to two figures,
    /// which Swift prints "4e-322" (it was "NaN" through `twoFigures`, whose 10^(1 − e) overflowed
    /// below 10⁻³⁰⁷). In Float (sin 3 read through approximateDouble, LooseResolutionShareTests)
    /// the figure is the tolerance to two significant figures.
    func testTheLooseNotePrintsItsToleranceToTwoFigures() throws {
        XCTAssertEqual(twoFigures(80 * Double.leastNonzeroMagnitude), 4.0e-322)
        XCTAssertEqual(readableFigure(80 * Double.leastNonzeroMagnitude), "4e-322")
        let d = try checkJacobian(of: try Formula(parsing: "exp(x)"), at: [-745.0])
        let dNote = try XCTUnwrap(d.notes.first { $0.contains("agrees only within") }, d.renderTable())
        XCTAssertTrue(dNote.contains("agrees only within 4e-322 ("), dNote)

        let right = try checkGradient(of: LooseResolutionShareTests.OffsetSine(), at: [Float(1), 2],
                                      claimedGradient: { _ in [-5.939954979602672743629436768387567814362, 0.1411200080598672221007448028081102798469] })
        let e = try XCTUnwrap(right.looselyResolvedEntries.first, right.renderTable())
        let tolerance = try XCTUnwrap(e.tolerance)
        let note = try XCTUnwrap(right.notes.first { $0.contains("agrees only within") }, right.renderTable())
        let printed = try XCTUnwrap(note.range(of: "agrees only within ").map { note[$0.upperBound...].prefix { $0 != " " } }, note)
        let figure = try XCTUnwrap(Double(printed), note)
        // Two significant figures: the mantissa's digits, leading zeros and exponent aside.
        let digits = printed.split(separator: "e")[0].filter(\.isNumber).drop { $0 == "0" }
        XCTAssertLessThanOrEqual(digits.count, 2, note)
        XCTAssertEqual(figure, tolerance, accuracy: 0.05 * tolerance, note)
    }

    /// Notes cited entries by index, "entry (0, 1)", beside a table whose rows read f0 and x1, or
    /// the names given; they cite them as the table labels them.
    func testNotesCiteEntriesAsTheTableLabelsThem() throws {
        var o = CheckOptions()
        o.inputNames = ["t"]
        o.outputNames = ["y"]
        let loose = try checkJacobian(of: try Formula(parsing: "exp(x)"), at: [-745.0], options: o)
        XCTAssertTrue(loose.notes.contains { $0.hasPrefix("entry (y, t): agrees only within") }, loose.renderTable())
        XCTAssertTrue(Self.rowLabels(loose.renderTable()).contains { $0 == ("y", "t") }, loose.renderTable())

        // A clamp at 1, saturated at x₁ = 2 and claimed 1 there (by hand its slope is 0): convicted
        // on f's flatness, and the note names the entry by its row and column.
        var b = CheckOptions.blackBox
        b.inputNames = ["a", "b"]
        let clamp = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] + Swift.min(x[1], 1) }, at: [0.3, 2.0],
                                              claimedGradient: { _ in [1, 1] }, options: b)
        XCTAssertEqual(clamp.entries[0].map(\.verdict.name), ["agree", "rule-wrong"], clamp.renderTable())
        XCTAssertTrue(clamp.notes.contains { $0.hasPrefix("entry (f0, b): f is constant along b") }, clamp.renderTable())
        XCTAssertFalse(clamp.renderTable().contains("(0, 1)"), clamp.renderTable())
    }

    /// A clamp claimed 1 along every input where it is saturated (x₀ = 2 … 5, clamped to [0, 1];
    /// by hand every slope is 0): every entry is convicted on f's flatness, and the note said the
    /// same sentence once per entry. It is said once, naming each entry with its reach, the scan's
    /// first step 1/8 of max(1, |xⱼ|): 0.25, 0.375, 0.5, 0.625 by hand. Past eight entries the
    /// rest are counted, not listed.
    func testFlatConvictionsAcrossEntriesAreOneNote() throws {
        let clamp: @Sendable ([Double]) -> Double = { x in x.map { Swift.min(Swift.max($0, 0), 1) }.reduce(0, +) }
        let r = try checkBlackBoxGradient(of: clamp, at: [2, 3, 4, 5], claimedGradient: { x in x.map { _ in 1 } })
        XCTAssertEqual(r.entries[0].map(\.verdict.name), Array(repeating: "rule-wrong", count: 4), r.renderTable())
        XCTAssertEqual(r.flatConvictions.count, 4, "\(r.flatConvictions)")   // one per entry, for a program to read
        let notes = r.notes.filter { $0.contains("f is constant along") }
        XCTAssertEqual(notes.count, 1, notes.joined(separator: "\n"))
        let note = try XCTUnwrap(notes.first)
        XCTAssertTrue(note.hasPrefix("entries (f0, x0), (f0, x1), (f0, x2), (f0, x3): f is constant along each entry's line"), note)
        for (along, h) in [("x0", "0.25"), ("x1", "0.375"), ("x2", "0.5"), ("x3", "0.625")] {
            XCTAssertTrue(note.contains("along \(along) at every step tried up to h = \(h), where claimed 1.0 predicts a change of \(h) "), note)
        }
        XCTAssertEqual(note.components(separatedBy: "times the most f's rounding hides").count - 1, 1, note)

        let ten = try checkBlackBoxGradient(of: clamp, at: (2...11).map(Double.init), claimedGradient: { x in x.map { _ in 1 } })
        let long = try XCTUnwrap(ten.notes.first { $0.contains("f is constant along") }, ten.renderTable())
        XCTAssertEqual(ten.notes.filter { $0.contains("f is constant along") }.count, 1, ten.renderTable())
        XCTAssertTrue(long.hasPrefix("entries (f0, x0), (f0, x1), (f0, x2), (f0, x3), (f0, x4), (f0, x5), (f0, x6), (f0, x7) and 2 more: "), long)
        XCTAssertTrue(long.contains("; and 2 more alike"), long)
        XCTAssertFalse(long.contains("along x8"), long)
    }

    /// Newton on x³ + ax − b from x = 1 at (a, b) = (2, 3), where 1 is the root: it stops before
    /// its first step near there, so f is flat along a and b below 10⁻⁸ and moves beyond at
    /// ∂x/∂a = −x/(3x² + a) = −1/5 and ∂x/∂b = 1/(3x² + a) = 1/5 (by hand). A claimed 0 is
    /// undecided on both entries, and the plateau note, said once per entry with the same advice,
    /// is said once, with each line's slope.
    func testPlateausAcrossEntriesAreOneNote() throws {
        let newton: @Sendable ([Double]) -> Double = { p in
            var x = 1.0
            for _ in 0..<50 {
                let r = x * x * x + p[0] * x - p[1]
                if Swift.abs(r) <= 1e-8 { break }
                x -= r / (3 * x * x + p[0])
            }
            return x
        }
        let r = try checkBlackBoxGradient(of: newton, at: [2.0, 3.0], claimedGradient: { _ in [0, 0] })
        XCTAssertEqual(r.plateaus.count, 2, r.renderTable())
        let notes = r.notes.filter { $0.contains("flat below a scale") }
        XCTAssertEqual(notes.count, 1, notes.joined(separator: "\n"))
        let note = try XCTUnwrap(notes.first)
        XCTAssertTrue(note.hasPrefix("entries (f0, x0), (f0, x1): f is flat below a scale along each entry's line"), note)
        XCTAssertTrue(note.contains("along x0 within ±") && note.contains("shows a slope of -0.2,"), note)
        XCTAssertTrue(note.contains("along x1 within ±") && note.contains("shows a slope of 0.2,"), note)
        XCTAssertEqual(note.components(separatedBy: "tighten its tolerance").count - 1, 1, note)
    }

    /// The plateau note's "which would move f by 1.826025e-09 within it" is an estimate, the
    /// slope a rung settled on times the band's half width: two figures, as the other notes'
    /// estimates. By hand the slope along b is 1/5 (Newton's ∂x/∂b = 1/(3x² + a) at x = 1, a = 2),
    /// so the move is the band the note names times 0.2.
    func testThePlateauNotesMoveIsPrintedToTwoFigures() throws {
        let newton: @Sendable ([Double]) -> Double = { p in
            var x = 1.0
            for _ in 0..<50 {
                let r = x * x * x + p[0] * x - p[1]
                if Swift.abs(r) <= 1e-8 { break }
                x -= r / (3 * x * x + p[0])
            }
            return x
        }
        let r = try checkBlackBoxGradient(of: newton, at: [2.0, 3.0], claimedGradient: { _ in [0, 0] })
        let note = try XCTUnwrap(r.plateaus.first { $0.hasPrefix("entry (f0, x1)") }, r.renderTable())
        let band = try XCTUnwrap(note.components(separatedBy: "every sample within ±").dropFirst().first?.split(separator: " ").first)
        let width = try XCTUnwrap(Double(band), note)
        let move = try XCTUnwrap(Double(String(format: "%.1e", 0.2 * width)))
        XCTAssertTrue(note.contains("shows a slope of 0.2, which would move f by \(move) within it"), note)
    }

    /// The hand gradient 2(x + y) − 2x − 2y, 0 by hand, rounds to a quantum at a few samples: along
    /// x₁ at (759.96, 313.41) both outputs' differences tend to a quantum as a jump's would while
    /// the rounding beside x could not be measured (BlackBoxRoundingIsNoJumpTests). The two
    /// notes, the same sentences, are one, naming the outputs as the table does ("output 0" read
    /// beside rows f0 and f1).
    func testUnmeasuredJumpsAcrossEntriesAreOneNote() throws {
        let handGradient: @Sendable ([Double]) -> [Double] = { x in
            let g = 2 * (x[0] + x[1]) - 2 * x[0] - 2 * x[1]
            return [g, g]
        }
        let r = try checkBlackBoxJacobian(of: handGradient, at: [759.9565634349538, 313.41169387114746], claimed: { _ in [[0, 0], [0, 0]] })
        XCTAssertEqual(r.unmeasuredJumps.count, 2, r.renderTable())
        let notes = r.notes.filter { $0.contains("could not be measured on either side") }
        XCTAssertEqual(notes.count, 1, notes.joined(separator: "\n"))
        let note = try XCTUnwrap(notes.first)
        XCTAssertTrue(note.hasPrefix("entries (f0, x1), (f1, x1): "), note)
        XCTAssertTrue(note.contains("output f0 unmeasured") && note.contains("output f1 unmeasured"), note)
        XCTAssertFalse(note.contains("output 0"), note)
    }

    /// The JSON gave each entry's output and input as indices only, and no names: it carries f's
    /// names as the table shows them, and each entry its row's and column's labels.
    func testTheJSONCarriesTheNames() throws {
        struct Polar: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.cos(x[1]), x[0] * T.sin(x[1])] }
        }
        var o = CheckOptions()
        o.inputNames = ["r", "theta"]
        o.outputNames = ["px", "py"]
        let named = try JSONSerialization.jsonObject(with: Data(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o).toJSON().utf8))
        let object = try XCTUnwrap(named as? [String: Any])
        let names = try XCTUnwrap(object["names"] as? [String: [String]], "\(object.keys)")
        XCTAssertEqual(names["outputs"], ["px", "py"])
        XCTAssertEqual(names["inputs"], ["r", "theta"])
        let entries = try XCTUnwrap(object["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.count, 4)
        for e in entries {
            let (i, j) = (try XCTUnwrap(e["output"] as? Int), try XCTUnwrap(e["input"] as? Int))
            XCTAssertEqual(e["outputName"] as? String, ["px", "py"][i])
            XCTAssertEqual(e["inputName"] as? String, ["r", "theta"][j])
        }
        // Unnamed: f0, x0 as the table; a JVP's one column is the direction v, not x0.
        let plain = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try checkJacobian(of: Polar(), at: [2.0, 0.5]).toJSON().utf8)) as? [String: Any])
        XCTAssertEqual((plain["names"] as? [String: [String]])?["inputs"], ["x0", "x1"])
        XCTAssertEqual((plain["names"] as? [String: [String]])?["outputs"], ["f0", "f1"])
        let jvp = try checkBlackBoxJVP(of: { (x: [Double]) in [x[0] * x[1]] }, at: [1.0, 2.0], direction: [0.3, -1],
                                       claimed: { x, v in [x[1] * v[0] + x[0] * v[1]] })
        guard case .object(let fields) = jvp.jsonValue, case .array(let jvpEntries)? = fields.first(where: { $0.0 == "entries" })?.1,
              case .object(let entry)? = jvpEntries.first else { return XCTFail(jvp.toJSON()) }
        XCTAssertEqual(entry.first { $0.0 == "inputName" }?.1, .string("v"), jvp.toJSON())
        XCTAssertEqual(entry.first { $0.0 == "outputName" }?.1, .string("f0"), jvp.toJSON())
    }

    /// A clamp claimed 1 where it is saturated (by hand its slope is 0): f is constant along each
    /// line, the flat conviction says so, and that is the whole finding. The linear-segment note
    /// fired on the same entries ("slope 0.0 where the claim is 1.0 … if f interpolates a table"),
    /// a second explanation of one conviction with advice meant for a table. It keeps the entries
    /// it alone explains: beside the clamp, cos tabulated every 0.1 along x₀ at −1.662, whose
    /// segment's slope is (cos 1.6 − cos 1.7)/0.1 = 0.996449719942 (mpmath, 30 digits).
    func testAFlatConvictionIsNotAlsoCalledALinearSegment() throws {
        let clamp: @Sendable ([Double]) -> Double = { x in x.map { Swift.min(Swift.max($0, 0), 1) }.reduce(0, +) }
        let r = try checkBlackBoxGradient(of: clamp, at: [2, 3, 4, 5], claimedGradient: { x in x.map { _ in 1 } })
        XCTAssertEqual(r.flatConvictions.count, 4, r.renderTable())
        XCTAssertEqual(r.linearSegments, [], r.notes.joined(separator: "\n"))
        XCTAssertFalse(r.renderTable().contains("interpolates a table"), r.renderTable())

        let mixed: @Sendable ([Double]) -> Double = { x in tabulatedCos(x[0]) + Swift.min(x[1], 1) }
        let m = try checkBlackBoxGradient(of: mixed, at: [-1.662, 2.0], claimedGradient: { x in [-Foundation.sin(x[0]), 1] })
        XCTAssertEqual(m.entries[0].map(\.verdict.name), ["rule-wrong", "rule-wrong"], m.renderTable())
        XCTAssertEqual(m.flatConvictions.count, 1, m.renderTable())
        XCTAssertTrue(try XCTUnwrap(m.flatConvictions.first).hasPrefix("entry (f0, x1): f is constant along x1"), m.renderTable())
        XCTAssertEqual(m.linearSegments.count, 1, m.renderTable())
        let note = try XCTUnwrap(m.linearSegments.first)
        XCTAssertTrue(note.hasPrefix("entry (f0, x0): f is linear along x0 within ±"), note)
        XCTAssertTrue(note.contains("that line's slope, 0.9964497,"), note)
        XCTAssertFalse(note.contains("x1"), note)
    }

    /// Every figure in `text` that is an estimate printed to at most two significant figures: no
    /// run of three or more digits after a number's first nonzero digit, up to an exponent.
    static func figuresBeyondTwo(_ text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?(e[-+]?[0-9]+)?")
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            let token = String(text[Range(m.range, in: text)!])
            let mantissa = token.split(separator: "e").first.map(String.init) ?? token
            let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
            // Whole numbers of up to four digits are read as counts (2000 products), trailing 0s not figures.
            let significant = digits.reversed().drop { $0 == "0" }.count
            return significant > 2 ? token : nil
        }
    }

    /// The accumulation-allowance note printed its gap, tolerance, allowance and √ε in full
    /// (1.4951…e-08): estimates, printed as the loose note prints its tolerance, to two figures.
    /// The fixture and its figures are AccumulationAllowanceResolutionTests': sin's rule 10⁻⁹ off
    /// beside two thousand products, allowance about 1.5·10⁻⁸ (4·4ε·2·1095·2000 by hand).
    func testTheAccumulationNotePrintsItsFiguresToTwoFigures() throws {
        let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: 1 + 1e-9)) {
            try checkJacobian(of: AccumulationAllowanceResolutionTests.CopiesBesideSine(), at: [0.7],
                              options: AccumulationAllowanceResolutionTests.reverseOnly)
        }
        let note = try XCTUnwrap(r.notes.first { $0.contains("accumulation allowance") }, r.renderTable())
        XCTAssertEqual(Self.figuresBeyondTwo(note.replacingOccurrences(of: "(f0, x0)", with: "")), [], note)
        XCTAssertTrue(note.contains("within the 1.5e-08 that rounding along the tape's paths may reach"), note)
    }

    /// The derivative-rounding note printed its bound in full (222.04460625729902 for (eˣ − 1)/x at
    /// 10⁻⁹): an estimate of how far rounding moves the derivative, to two figures. By hand the
    /// modes give −81.74 against f′ ≈ 0.5, and the bound is at least that far and within 10 times.
    func testTheDerivativeRoundingNotePrintsItsBoundToTwoFigures() throws {
        struct Expm1OverX: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(T.exp(x[0]) - 1) / x[0]] }
        }
        let r = try checkJacobian(of: Expm1OverX(), at: [1e-9])
        let note = try XCTUnwrap(r.notes.first { $0.contains("rounding inside f can move") }, "\(r.notes)")
        XCTAssertEqual(Self.figuresBeyondTwo(note.replacingOccurrences(of: "(f0, x0)", with: "")), [], note)
        let bound = try XCTUnwrap(r.entries[0][0].derivativeRoundingBound)
        XCTAssertGreaterThan(bound, 10, "a bound of 10 or more prints as a whole number")
        let twoFigures = try XCTUnwrap(Double(String(format: "%.2g", bound)))
        XCTAssertTrue(note.contains("by up to \(Int(twoFigures)) from"), note)
    }

    /// The flat conviction's bound is 400 times what f's rounding hides (a margin of 100 times the
    /// estimate's safety factor 4): a multiple, printed as one ("400 times", not "400.0 times").
    func testAFlatConvictionsMultipleIsAWholeNumber() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] + Swift.min(x[1], 1) }, at: [0.3, 2.0],
                                          claimedGradient: { _ in [1, 1] })
        let note = try XCTUnwrap(r.flatConvictions.first, r.renderTable())
        XCTAssertTrue(note.contains(", 400 times the most f's rounding hides"), note)
        XCTAssertFalse(r.renderTable().contains(".0 times"), r.renderTable())
    }

    /// The first two cells of each row of a rendered table.
    static func rowLabels(_ table: String) -> [(String, String)] {
        let lines = table.split(separator: "\n").map(String.init)
        guard let rule = lines.firstIndex(where: { $0.hasPrefix("---") }) else { return [] }
        return lines[(rule + 1)...].prefix { !$0.hasPrefix("(") && !$0.hasPrefix("random") && !$0.hasPrefix("note") }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            .filter { $0.count >= 2 }.map { ($0[0], $0[1]) }
    }
}
