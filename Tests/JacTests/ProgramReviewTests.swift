import Foundation
import XCTest

/// `jac check --program` on realistic hand-written gradients (Tests/Data/programs: an MLP's
/// backprop, softmax cross-entropy, a stable log-sum-exp, an explicit-Euler adjoint, a ReLU unit
/// at its kink), as a user cross-validating their own code would run it. Every expected verdict
/// is derived by hand in the program's docstring or here, never taken from jac's output.
final class ProgramReviewTests: XCTestCase {
    // MARK: the failure list

    /// mlp.py --transposed flattens dW1 (4 × 3) column-major where the weights are row-major, so
    /// entry 3i + j holds dW1[(3i + j) % 4][(3i + j) / 4]: by hand, x0 (W1[0][0]) and x11 (W1[3][2])
    /// map to themselves and x1 … x10 are wrong at a generic point, 10 entries per point, and no
    /// entry from x11 on. Each point's 21 coordinates were repeated on every entry's line (20
    /// lines of 21 numbers each), and the 20-line cut dropped the third point's entries without
    /// a word.
    func testWrongEntriesAreListedUnderTheirPointOnceAndTheCutIsCounted() throws {
        let r = try runProgram("mlp.py --transposed", ["--inputs", "21", "--domain", "x0=[-1,1]", "--samples", "3", "--seed", "5"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrong at 30 entries"), r.stderr)
        for k in 1...2 {
            XCTAssertEqual(r.stderr.components(separatedBy: "point \(k) (x0 = ").count - 1, 1, r.stderr)
        }
        XCTAssertEqual(r.stderr.components(separatedBy: "∂f0/∂x1:").count - 1, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("… and 10 more at 1 point"), r.stderr)
        for j in [0] + Array(11...20) { XCTAssertFalse(r.stderr.contains("∂f0/∂x\(j):"), "x\(j): " + r.stderr) }
    }

    /// Past 12 inputs the failing random point is not shrunk, and that used to go unsaid: no
    /// shrunk point, no reason, and 21 coordinates to retype. It now says why and prints the --at=
    /// that reruns the point as drawn; the rerun convicts the same entries (x1 … x10, by hand above).
    func testAPointTooWideToShrinkSaysSoAndHowToRerunIt() throws {
        let r = try runProgram("mlp.py --transposed", ["--inputs", "21", "--samples", "1", "--seed", "3"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let marker = "not shrunk: the program has 21 inputs, and shrinking, which checks the point again per candidate value, "
            + "is limited to 12; to rerun the first failing point: --at="
        let tail = try XCTUnwrap(r.stderr.components(separatedBy: marker).dropFirst().first, r.stderr)
        let at = String(tail.prefix { $0 != "\n" })
        XCTAssertEqual(at.split(separator: ",").count, 21, at)
        func wrongInputs(_ text: String) -> [Int] {
            (0..<21).filter { text.contains("∂f0/∂x\($0):") }
        }
        XCTAssertEqual(wrongInputs(r.stderr), Array(1...10), r.stderr)
        let rerun = try runProgram("mlp.py --transposed", ["--inputs", "21", "--at=" + at])
        XCTAssertEqual(rerun.status, 1, rerun.stderr)
        XCTAssertEqual(wrongInputs(rerun.stderr), Array(1...10), rerun.stderr)
        XCTAssertFalse(rerun.stderr.contains("not shrunk"), "a point given with --at is not a random one: \(rerun.stderr)")
        // JSON: the same point, and the reason, in the first failing point's object.
        let json = try runProgram("mlp.py --transposed", ["--inputs", "21", "--samples", "1", "--seed", "3", "--format", "json"])
        XCTAssertEqual(json.status, 1, json.stderr)
        let notShrunk = try XCTUnwrap(try JacRunner.json(json.stdout)["not_shrunk"] as? [String: Any], json.stdout)
        XCTAssertEqual(notShrunk["at"] as? String, at)
        XCTAssertTrue((notShrunk["reason"] as? String ?? "").contains("limited to 12"), "\(notShrunk)")
    }

    /// A uᵀJ wrong at random points is shrunk too, along the u a rerun with the printed --at= (and
    /// the same --seed) draws, so the rerun shows the same numbers. At x = 0 the oscillator stays
    /// at rest with k = c = 0, so by hand (euler_adjoint.py's adjoint) λ_q = u₀ throughout and
    /// λ_v after step n is u₁ + (N − n − 1)·h·u₀; ∂/∂F sums h·λ_v·sin(t_n) where the off-by-one
    /// takes sin(t_{n+1}), and ∂/∂k, ∂/∂c multiply the state (0): only (uᵀJ)[2] is wrong there.
    func testAWrongVJPAtRandomPointsIsShrunkAlongTheCotangentTheRerunDraws() throws {
        let r = try runProgram("euler_adjoint.py --off-by-one", ["--inputs", "5", "--derivative", "vjp", "--samples", "3", "--seed", "2"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let parts = r.stderr.components(separatedBy: "  shrunk (")
        XCTAssertEqual(parts.count, 2, r.stderr)
        let shrunk = parts.last ?? ""
        XCTAssertTrue(shrunk.contains("x4 = 0.0 (to rerun it: --at=0.0,0.0,0.0,0.0,0.0), still wrong at 1 entry:"), shrunk)
        XCTAssertTrue(shrunk.contains("(uᵀJ)[2]: rule-wrong"), shrunk)

        let again = try runProgram("euler_adjoint.py --off-by-one", ["--inputs", "5", "--derivative", "vjp", "--seed", "2", "--at=0.0,0.0,0.0,0.0,0.0"])
        XCTAssertEqual(again.status, 1, again.stderr)
        let uText = try XCTUnwrap(again.stdout.components(separatedBy: "u = [").dropFirst().first?.prefix { $0 != "]" }, again.stdout)
        let u = uText.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        XCTAssertEqual(u.count, 2, again.stdout)
        let (n, h) = (8, 0.1)
        func byHand(_ shift: Int) -> Double {
            (0..<n).map { k in h * (u[1] + Double(n - k - 1) * h * u[0]) * Foundation.sin(Double(k + shift) * h) }.reduce(0, +)
        }
        func value(after key: String, in text: String) throws -> Double {
            let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("(uᵀJ)[2]: rule-wrong") }, text)
            let r = try XCTUnwrap(line.range(of: key), String(line))
            return try XCTUnwrap(Double(line[r.upperBound...].prefix { $0 != "," && $0 != " " }), String(line))
        }
        for text in [shrunk, again.stderr] {
            XCTAssertEqual(try value(after: "program ", in: text), byHand(1), accuracy: 1e-14, text)
            XCTAssertEqual(try value(after: " gives ", in: text), byHand(0), accuracy: 1e-9, text)
        }
        XCTAssertEqual(again.stderr.components(separatedBy: "rule-wrong").count - 1, 1, again.stderr)
    }

    // MARK: verdicts on realistic gradients

    /// Guards for the verdicts the review found right. By hand (the programs' docstrings): the
    /// explicit-Euler adjoint is the exact derivative of the discrete map, so it passes as a
    /// Jacobian and as uᵀJ; taking df/dθ a step late is wrong in the k, c, F columns of both rows
    /// and nowhere else. Softmax cross-entropy without the one-hot subtracted is off by
    /// mean_s [c = label_s]·a_sj, nonzero for all 12 weights of its data; with it, it passes.
    func testAdjointAndCrossEntropyVerdicts() throws {
        let at = ["--at", "0.5,0.1,-2,0.2,1.5"]
        for d in ["jacobian", "vjp"] {
            let r = try runProgram("euler_adjoint.py", ["--inputs", "5", "--derivative", d] + at)
            XCTAssertEqual(r.status, 0, "\(d): " + r.stderr)
        }
        let late = try runProgram("euler_adjoint.py --off-by-one", ["--inputs", "5"] + at)
        XCTAssertEqual(late.status, 1, late.stderr)
        XCTAssertTrue(late.stderr.contains("wrong at 6 entries"), late.stderr)
        for i in 0...1 { for j in 0...2 { XCTAssertTrue(late.stderr.contains("∂f\(i)/∂x\(j):"), late.stderr) } }
        XCTAssertFalse(late.stderr.contains("not confirmed"), late.stderr)

        let right = try runProgram("softmax_xent.py", ["--inputs", "12", "--samples", "1", "--seed", "2"])
        XCTAssertEqual(right.status, 0, right.stderr)
        let noOneHot = try runProgram("softmax_xent.py --no-onehot", ["--inputs", "12", "--at", "0.1,-0.2,0.3,0.4,-0.5,0.6,0.7,-0.8,0.9,1,-1.1,1.2"])
        XCTAssertEqual(noOneHot.status, 1, noOneHot.stderr)
        XCTAssertTrue(noOneHot.stderr.contains("wrong at 12 entries"), noOneHot.stderr)
    }

    // MARK: naming entries in the program's terms

    /// The same bug read with the weights' names: a user with 21 weights had only "∂f1/∂x7" and
    /// had to work out from their flattening that x7 is W1[2][1]. By hand (mlp.py's docstring)
    /// x1 is W1[0][1] and x3 is W1[1][0]; the transposed gradient puts W1[0][1]'s true value at
    /// x3, which the names make visible.
    func testInputAndOutputNamesNameTheWrongWeights() throws {
        let names = (0..<4).flatMap { i in (0..<3).map { j in "W1[\(i)][\(j)]" } } + (0..<4).map { "b1[\($0)]" }
            + (0..<4).map { "W2[\($0)]" } + ["b2"]
        let file = try JacRunner.temporaryFile(names.joined(separator: "\n") + "\n", name: "mlp-names.txt")
        let point = (0..<21).map { String(format: "%.2f", sin(Double($0) + 1)) }.joined(separator: ",")
        let r = try runProgram("mlp.py --transposed", ["--inputs", "21", "--at", point, "--input-names", "@" + file,
                                                       "--output-names", "loss"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("∂loss/∂W1[0][1] (∂f0/∂x1): rule-wrong"), r.stderr)
        XCTAssertTrue(r.stderr.contains("∂loss/∂W1[1][0] (∂f0/∂x3)"), r.stderr)
        XCTAssertFalse(r.stderr.contains("∂loss/∂W1[0][0] "), r.stderr)
        XCTAssertFalse(r.stderr.contains("∂loss/∂b"), r.stderr)

        // u^T J from the adjoint: the off-by-one indexing touches dθ only, so by hand k, c and F
        // are wrong and q0, v0 (the adjoint state, whose recursion uses k and c alone) right.
        let v = try runProgram("euler_adjoint.py --off-by-one", ["--inputs", "5", "--at", "2,0.3,1,1,0", "--derivative", "vjp",
                                                                 "--input-names", "k,c,F,q0,v0"])
        XCTAssertEqual(v.status, 1, v.stderr)
        for (j, name) in ["k", "c", "F"].enumerated() { XCTAssertTrue(v.stderr.contains("(uᵀJ)[\(j)] (\(name)): rule-wrong"), v.stderr) }
        XCTAssertFalse(v.stderr.contains("q0"), v.stderr)
        XCTAssertFalse(v.stderr.contains("v0"), v.stderr)
    }

    /// Names that do not fit the program are refused before they mislabel an entry.
    func testNamesThatDoNotFitAreRefused() throws {
        let few = try runProgram("euler_adjoint.py", ["--inputs", "5", "--at", "2,0.3,1,1,0", "--input-names", "k,c,F"])
        XCTAssertEqual(few.status, 2, few.stderr)
        XCTAssertTrue(few.stderr.contains("--input-names gives 3 names for --inputs 5"), few.stderr)
        let outputs = try runProgram("euler_adjoint.py", ["--inputs", "5", "--at", "2,0.3,1,1,0", "--output-names", "q(T)"])
        XCTAssertEqual(outputs.status, 2, outputs.stderr)
        XCTAssertTrue(outputs.stderr.contains("--output-names gives 1 name, but the program replied with 2 outputs"), outputs.stderr)
    }

    // MARK: what "not confirmed" means

    /// The stable log-sum-exp's gradient is softmax(x), exact by hand, but at x = (0, 10, 40, −5, 3)
    /// ∂lse/∂x0 = e^(0 − 40)/Σ ≈ 4e-18 while lse ≈ 40, whose ulp is 7e-15: no step h ≤ 1 moves lse
    /// by 4e-18·h, so differences cannot tell that entry from 0 (below-resolution), and status 1
    /// came with nothing saying that a right gradient can end so, or what to do. At (0.5, −1, 2,
    /// 0.3, 1) every entry is resolved and the check passes without advice.
    func testNotConfirmedEntriesComeWithWhatToDo() throws {
        let r = try runProgram("logsumexp.py", ["--inputs", "5", "--at", "0,10,40,-5,3"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertFalse(r.stderr.contains("is wrong"), r.stderr)
        XCTAssertTrue(r.stderr.contains("∂f0/∂x0: fd-inconclusive"), r.stderr)
        XCTAssertTrue(r.stderr.contains("what \"not confirmed\" means here"), r.stderr)
        XCTAssertTrue(r.stderr.contains("below-resolution: the entry is under what differences of the program's outputs can tell from 0"), r.stderr)
        let ok = try runProgram("logsumexp.py", ["--inputs", "5", "--at", "0.5,-1,2,0.3,1"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertFalse(ok.stderr.contains("not confirmed"), ok.stderr)
        // A kink the black box does not judge gets its own advice (relu_unit.py, see below).
        let kink = try runProgram("relu_unit.py --bad-subgradient", ["--inputs", "3", "--at", "1,-1,0"])
        XCTAssertTrue(kink.stderr.contains("kink: the point lies where the program is not differentiable"), kink.stderr)
    }

    // MARK: kinks

    /// relu_unit.py at w = (1, −1, 0), where z = a·w + b = 1 − 2 + 0 + 1 = 0 exactly. By hand the
    /// generalized gradient is {λa + w : λ ∈ [0, 1]}, a = (1, 2, −1); PyTorch's relu'(0) = 0 gives
    /// λ = 0, (1, −1, 0), which must pass. relu'(0) = 2 gives (3, 3, −2), outside f's one-sided
    /// slopes along x0 (1 and 2): a black box leaves it undecided (README: "not judged", never
    /// invalid), and the message said "one-sided derivatives unresolved" although it printed them.
    func testAReluKinkHitExactlyPassesWithPyTorchsConventionAndIsNotJudgedOutside() throws {
        let torch = try runProgram("relu_unit.py", ["--inputs", "3", "--at", "1,-1,0"])
        XCTAssertEqual(torch.status, 0, torch.stdout + torch.stderr)
        XCTAssertTrue(torch.stdout.contains("valid subgradient"), torch.stdout)
        let bad = try runProgram("relu_unit.py --bad-subgradient", ["--inputs", "3", "--at", "1,-1,0"])
        XCTAssertEqual(bad.status, 1, bad.stderr)
        XCTAssertFalse(bad.stderr.contains("is wrong"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("∂f0/∂x0: kink, program 3.0"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("(not judged: the claimed value lies outside f's one-sided derivatives along this input [1.0, 2.0]"), bad.stderr)
        XCTAssertFalse(bad.stderr.contains("one-sided derivatives unresolved"), bad.stderr)
    }

    // MARK: choosing points

    /// `--samples 2` alone was refused ("give exactly one of --at, --points or --domain"), though
    /// the help says unnamed inputs are real; a user had to pass `--domain ""`. It draws from
    /// [-2, 2] now, and is refused beside --at, where it was ignored without a word. The stable
    /// log-sum-exp's gradient is softmax, right everywhere (by hand), so the check passes.
    func testSamplesAloneDrawsFromTheDefaultDomain() throws {
        let r = try runProgram("logsumexp.py", ["--inputs", "5", "--samples", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("point 2 of 2"), r.stdout)
        let both = try runProgram("logsumexp.py", ["--inputs", "5", "--at", "1,2,3,4,5", "--samples", "2"])
        XCTAssertEqual(both.status, 2, both.stderr)
        XCTAssertTrue(both.stderr.contains("--samples draws random points"), both.stderr)
    }

    /// A --domain bound is read as --at reads a coordinate. `[1e-400, 1]` drew from [0, 1] without
    /// a word (1e-400 is not 0 but rounds to it in Double), and `[-1, 1e400]` was refused as "not
    /// [a,b] with a < b", which is what the user wrote. Both are refused naming the bound; a
    /// fraction is a bound like any other value (1/4 < 1, so the check runs and the stable
    /// log-sum-exp's softmax gradient passes, by hand).
    func testADomainBoundBeyondDoubleIsRefusedNamingIt() throws {
        let tiny = try runProgram("logsumexp.py", ["--inputs", "2", "--domain", "x0=[1e-400,1]"])
        XCTAssertEqual(tiny.status, 2, tiny.stderr)
        XCTAssertTrue(tiny.stderr.contains("'1e-400' for x0 in --domain is not 0 but underflows to 0"), tiny.stderr)
        let huge = try runProgram("logsumexp.py", ["--inputs", "2", "--domain", "x1=[-1,1e400]"])
        XCTAssertEqual(huge.status, 2, huge.stderr)
        XCTAssertTrue(huge.stderr.contains("'1e400' for x1 in --domain overflows Double"), huge.stderr)
        let fraction = try runProgram("logsumexp.py", ["--inputs", "2", "--domain", "x0=[1/4, 1]", "--samples", "2"])
        XCTAssertEqual(fraction.status, 0, fraction.stderr)
        let reversed = try runProgram("logsumexp.py", ["--inputs", "2", "--domain", "x0=[1,1/4]"])
        XCTAssertEqual(reversed.status, 2, reversed.stderr)
        XCTAssertTrue(reversed.stderr.contains("with a < b"), reversed.stderr)
    }

    // MARK: helpers

    static let programs = CrossValidationTests.programs

    func runProgram(_ script: String, _ arguments: [String]) throws -> JacRunner.Output {
        try JacRunner.requirePython()
        return try JacRunner.run(["check", "--program", "python3 \(Self.programs)/\(script)"] + arguments)
    }
}
