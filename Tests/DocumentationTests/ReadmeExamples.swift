// The README's Swift blocks, each copied verbatim into a function below (imports hoisted to the
// top of this file), so `swift build --build-tests` compiles them against the package exactly as a
// user's code would. `ReadmeTests` fails when a README block is no longer found here line for line,
// and checks every value a README comment states against the value computed here. What a block
// needs but does not show (the reader's own `x`, `MyLoss`, …) is defined before it, marked
// "context". `print` is shadowed in each function so that what a block prints can be compared.
//
// Editing a README block: edit the same lines here, run `swift test --filter ReadmeTests`.
import Adjoint
import AdjointTesting
import Foundation
import XCTest

/// A value the README states in a comment: `readmeLine` is the whole README line (trimmed) that
/// states it, `shown` the text in its comment that must describe `actual` ("…" stands for any
/// digits, as in "3.43…"). A claim that a line runs and passes has an empty `shown`, and
/// `actual` is empty unless it failed.
struct ReadmeClaim {
    let readmeLine: String
    let shown: String
    let actual: String

    init(readmeLine: String, shown: String, actual: String) {
        self.readmeLine = readmeLine; self.shown = shown; self.actual = actual
    }

    /// The README line runs and passes; `failure` says why not.
    static func passes(_ readmeLine: String, failure: String?) -> ReadmeClaim {
        ReadmeClaim(readmeLine: readmeLine, shown: "", actual: failure ?? "")
    }
}

/// Collects what a README block prints.
final class PrintedLines {
    var lines: [String] = []
    func append(_ item: Any) { lines.append("\(item)") }
}

enum ReadmeExamples {
    /// "A tour of the API".
    static func tour() throws -> [ReadmeClaim] {
        let printed = PrintedLines()
        func print(_ item: Any) { printed.append(item) }

        func f<T: ADScalar>(_ x: [T]) -> T { log(x[0]) + x[0] * x[1] - sin(x[1]) }   // written once

        _ = f([2.0, 5.0])                                         // plain Double (or Float)
        _ = try gradient(of: f, at: [2.0, 5.0])                    // reverse mode: [5.5, 1.7163378145367738]
        _ = try jvp(of: { [f($0)] }, at: [2.0, 5.0], direction: [1, 0]).jvp       // forward mode: [5.5]
        _ = try vjp(of: { [f($0)] }, at: [2.0, 5.0], cotangent: [2]).vjp          // [11.0, 3.43…]
        _ = try hessian(of: f, at: [2.0, 5.0])                     // forward-over-reverse
        let rec = try record({ [f($0)] }, at: [2.0, 5.0])      // record once, sweep many cotangents

        struct Polar: ADFunction {                             // generic functions for multi-mode APIs
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * cos(x[1]), x[0] * sin(x[1])] }
        }
        _ = try jacobian(of: Polar(), at: [2.0, 0.5])              // mode chosen by shape (n ≤ m: forward)

        let (_, counts) = try measureOperations { try gradient(of: f, at: [2.0, 5.0]) }
        do { _ = try gradient(of: { x in log(x[0]) }, at: [-1.0]) }
        catch { print(error) }   // domain error in log at node 1: log of a non-positive number (inputs: -1.0)

        _ = (rec, counts)
        let polar = try jacobian(of: Polar(), at: [2.0, 0.5])
        return [
            ReadmeClaim(readmeLine: "try gradient(of: f, at: [2.0, 5.0])                    // reverse mode: [5.5, 1.7163378145367738]",
                        shown: "[5.5, 1.7163378145367738]", actual: "\(try gradient(of: f, at: [2.0, 5.0]))"),
            ReadmeClaim(readmeLine: "try jvp(of: { [f($0)] }, at: [2.0, 5.0], direction: [1, 0]).jvp       // forward mode: [5.5]",
                        shown: "[5.5]", actual: "\(try jvp(of: { [f($0)] }, at: [2.0, 5.0], direction: [1, 0]).jvp)"),
            ReadmeClaim(readmeLine: "try vjp(of: { [f($0)] }, at: [2.0, 5.0], cotangent: [2]).vjp          // [11.0, 3.43…]",
                        shown: "[11.0, 3.43…]", actual: "\(try vjp(of: { [f($0)] }, at: [2.0, 5.0], cotangent: [2]).vjp)"),
            ReadmeClaim(readmeLine: "try jacobian(of: Polar(), at: [2.0, 0.5])              // mode chosen by shape (n ≤ m: forward)",
                        shown: "forward", actual: "\(polar.mode)"),
            ReadmeClaim(readmeLine: "catch { print(error) }   // domain error in log at node 1: log of a non-positive number (inputs: -1.0)",
                        shown: "domain error in log at node 1: log of a non-positive number (inputs: -1.0)",
                        actual: printed.lines.joined(separator: "\n")),
        ]
    }

    /// "Using Adjoint in your package": constants, literals and the functions that work generically.
    static func genericCode() throws -> [ReadmeClaim] {
        func g<T: ADScalar>(_ x: [T], scale c: Double) -> T {
            T(c) * x[0] + 0.5 * pow(x[1], 0.5) + max(abs(x[0]), sqrt(x[1]))
        }
        _ = try gradient(of: { g($0, scale: 3) }, at: [3.0, 4.0])   // [4.0, 0.125]: c + 1 and 0.25/√x₁

        return [
            ReadmeClaim(readmeLine: "try gradient(of: { g($0, scale: 3) }, at: [3.0, 4.0])   // [4.0, 0.125]: c + 1 and 0.25/√x₁",
                        shown: "[4.0, 0.125]", actual: "\(try gradient(of: { g($0, scale: 3) }, at: [3.0, 4.0]))"),
        ]
    }

    /// "Your own primitives".
    static func ownPrimitive() throws -> [ReadmeClaim] {
        let printed = PrintedLines()
        func print(_ item: Any) { printed.append(item) }

        func lambertW(_ x: Double) -> Double {            // W₀ on Doubles: Newton's method on w·eʷ = x
            var w = log(1 + x)
            for _ in 0..<40 { let e = exp(w); w -= (w * e - x) / (e * (1 + w)) }
            return w
        }
        enum LambertW: UnaryPrimitive {                   // generic rule: Hessians work
            static let name = "lambert_w"
            static var sampleRanges: [ClosedRange<Double>] { [-0.3...5] }
            static func domainViolation(_ x: Double) -> String? {   // (x, y) for two inputs
                x < -exp(-1.0) ? "W₀ is real only for x ≥ −1/e" : nil
            }
            // The value may come from anywhere (here a solve on Doubles): every derivative, of every
            // order, comes from the rule below, which is generic so that it can be differentiated again.
            static func primal<T: ADScalar>(_ x: T) -> T { T(lambertW(x.approximateDouble)) }
            // W′ = 1/(eʷ(1 + w)); the textbook w/(x(1 + w)) is the same except at x = 0, where it is 0/0
            static func derivative<T: ADScalar>(_ x: T, output w: T) -> T { 1 / (exp(w) * (1 + w)) }
        }
        func f<T: ADScalar>(_ x: [T]) -> T { LambertW.apply(x[0] * x[1]) + sin(x[0]) }
        _ = try hessian(of: f, at: [1.3, 0.7])
        print(try gradient(of: f, at: [1.3, 0]))   // [0.26749882862458735, 1.3]: cos 1.3 and W′(0)·1.3
        print(validate(LambertW.self))     // validate lambert_w (seed 0x5EED): passed, then one line per check

        return [
            // By hand: ∂f/∂x₀ = W′(x₀x₁)·x₁ + cos x₀ = cos 1.3 (Python's math.cos), ∂f/∂x₁ = W′(0)·x₀ = 1.3
            // since W′(0) = 1 (W(x) = x − x² + …); the printed form is Swift's shortest round trip.
            ReadmeClaim(readmeLine: "print(try gradient(of: f, at: [1.3, 0]))   // [0.26749882862458735, 1.3]: cos 1.3 and W′(0)·1.3",
                        shown: "[0.26749882862458735, 1.3]", actual: printed.lines.first ?? "(nothing printed)"),
            ReadmeClaim(readmeLine: "print(validate(LambertW.self))     // validate lambert_w (seed 0x5EED): passed, then one line per check",
                        shown: "validate lambert_w (seed 0x5EED): passed",
                        actual: printed.lines.dropFirst().first?.components(separatedBy: "\n").first ?? "(nothing printed)"),
        ]
    }

    /// "Checking a gradient in your own tests".
    static func checkingAGradient() throws -> [ReadmeClaim] {
        // context: the reader's function, point and hand-written gradient
        struct MyLoss: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[1]] } }
        let x = [1.5, -0.5]
        func myHandWrittenGradient(_ x: [Double]) -> [Double] { [2 * x[0] * x[1], x[0] * x[0]] }

        let report = try checkGradient(of: MyLoss(), at: x, claimedGradient: myHandWrittenGradient)
        // An inline claim needs its type spelled out (Swift cannot infer a generic closure's scalar type):
        // claimedGradient: { (x: [Double]) -> [Double] in [2 * x[0] * x[1], x[0] * x[0]] }
        XCTAssert(report.passed, report.renderTable())   // per entry: agree / rule-wrong / fd-inconclusive / kink

        // The inline claim of the comment above, as the comment spells it.
        let inline = try checkGradient(of: MyLoss(), at: x,
                                       claimedGradient: { (x: [Double]) -> [Double] in [2 * x[0] * x[1], x[0] * x[0]] })
        let data = [0.3, 1.1, 2.0]
        func nll(_ t: [Double]) -> Double {                       // plain Double code: no AD runs on it
            var s = 0.0
            for y in data { s += 0.5 * (y - t[0]) * (y - t[0]) * exp(-2 * t[1]) + t[1] }
            return s
        }
        func nllGradient(_ t: [Double]) -> [Double] {
            var g = [0.0, 0.0]
            for y in data {
                g[0] -= (y - t[0]) * exp(-2 * t[1])
                g[1] += 1 - (y - t[0]) * (y - t[0]) * exp(-t[1])  // a slip: σ⁻¹ where σ⁻² belongs
            }
            return g
        }
        let bb = try checkBlackBoxGradient(of: nll, at: [1.0, 0.2], claimedGradient: nllGradient)
        _ = bb.verdict.name                                           // rule-wrong, at (f0, x1) alone (bb.renderTable())

        // The slip's entry by hand (mpmath, 30 digits): ∂/∂t₁ = Σ 1 − (y − μ)²e^(−2t₁) = 3 − 1.5·e^(−0.4)
        // = 1.99451993094654104888335061228, claimed 3 − 1.5·e^(−0.2) = 1.77190387038302721199509673707;
        // ∂/∂μ = −Σ (y − μ)·e^(−0.4) = −0.4·e^(−0.4), claimed right.
        let wrong = bb.entries.joined().filter { if case .ruleWrong = $0.verdict { return true } else { return false } }
        let slip = bb.entries[0][1]
        let claimedSlip = slip.subjects.first { $0.name == "claimed" }?.value
        let slipShown = claimedSlip.map { Swift.abs($0 - 1.77190387038302721199509673707) < 1e-12 } == true
            && slip.witnessValue.map { Swift.abs($0 - 1.99451993094654104888335061228) < 1e-8 } == true
        let bbLine = "bb.verdict.name                                           // rule-wrong, at (f0, x1) alone (bb.renderTable())"
        return [
            ReadmeClaim(readmeLine: bbLine, shown: "rule-wrong", actual: bb.verdict.name),
            ReadmeClaim(readmeLine: bbLine, shown: "(f0, x1) alone", actual: wrong.map { "(f\($0.output), x\($0.input))" }.joined(separator: ", ") + " alone"),
            .passes(bbLine, failure: slipShown ? nil : bb.renderTable()),
            ReadmeClaim(readmeLine: "XCTAssert(report.passed, report.renderTable())   // per entry: agree / rule-wrong / fd-inconclusive / kink",
                        shown: "agree", actual: "\(report.verdict)"),
            .passes("// claimedGradient: { (x: [Double]) -> [Double] in [2 * x[0] * x[1], x[0] * x[0]] }",
                    failure: inline.passed ? nil : inline.renderTable()),
        ]
    }

    /// "Sparse Jacobians and Hessians, checkpointed gradients".
    static func sparse() throws -> [ReadmeClaim] {
        // context: a tridiagonal system of 10⁴ equations, a chain energy, and an Euler step
        struct Tridiagonal: ADFunction {                  // fᵢ = xᵢ₋₁ − 2xᵢ + xᵢ₊₁ + xᵢ³
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                x.indices.map { i in
                    var s = x[i] * x[i] * x[i] - 2 * x[i]
                    if i > 0 { s = s + x[i - 1] }
                    if i + 1 < x.count { s = s + x[i + 1] }
                    return s
                }
            }
        }
        struct ChainEnergy: ADFunction {                  // Σ (xᵢ₊₁ − xᵢ)⁴
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                var e: T = 0
                for i in 0..<(x.count - 1) { let d = x[i + 1] - x[i]; e = e + d * d * d * d }
                return [e]
            }
        }
        let x = (0..<10_000).map { Double($0 % 7) / 7 + 0.5 }
        let x0 = [1.0, 0.0]                               // a rotation: (p, q) ↦ (p − hq, q + hp)
        func eulerStep(_ s: [Reverse<Double>]) -> [Reverse<Double>] { [s[0] - 1e-6 * s[1], s[1] + 1e-6 * s[0]] }
        func energy(_ s: [Reverse<Double>]) -> Reverse<Double> { s[0] * s[0] + s[1] * s[1] }

        let j = try sparseJacobian(of: Tridiagonal(), at: x)      // n = 10⁴: 3 colours, one forward pass
        _ = j.matrix.entries                                           // COO (row, column, value), 0-based
        _ = j.matrix.rowPointers; j.matrix.columnIndices; j.matrix.values   // CSR
        let h = try sparseHessian(of: ChainEnergy(), at: x)        // star colouring, one HVP per colour
        try assertSparsity(of: Tridiagonal(), at: x.prefix(40).map { $0 })   // compressed == dense, no false zero
        let g = try checkpointedGradient(steps: 100_000, state: x0, step: eulerStep, loss: energy)

        _ = (h, g)
        return [
            ReadmeClaim(readmeLine: "let j = try sparseJacobian(of: Tridiagonal(), at: x)      // n = 10⁴: 3 colours, one forward pass",
                        shown: "3 colours, one forward pass",
                        actual: "\(j.coloring.count) colours, \(j.forwardPasses == 1 ? "one" : "\(j.forwardPasses)") forward pass"),
        ]
    }

    /// "Testing your own derivatives": the block (at file scope, below), and the failure message
    /// shown after it.
    static func testingProduct() throws -> [ReadmeClaim] {
        testLogisticGradient()
        let passing = checkProperty(.gradient(of: LogisticLoss(), claimed: handGradient, inputs: .vector(5, .uniform(-2...2))))
        // The README's failing variant: row 2's term negated, 30 trials.
        @Sendable func flippedGradient(_ w: [Double]) -> [Double] {
            var g = [Double](repeating: 0, count: w.count)
            for (k, (row, yk)) in zip(LogisticLoss.X, LogisticLoss.y).enumerated() {
                let z = zip(row, w).map(*).reduce(0, +)
                let r = (1 / (1 + exp(-z)) - yk) * (k == 2 ? -1 : 1)
                for j in g.indices { g[j] += r * row[j] }
            }
            return g
        }
        var options = AdjointTestOptions()
        options.trials = 30
        let failing = checkProperty(.gradient(of: LogisticLoss(), claimed: flippedGradient, inputs: .vector(5, .uniform(-2...2))),
                                    options: options)
        return [
            .passes("assertGradient(of: LogisticLoss(), claimed: handGradient, inputs: .vector(5, .uniform(-2...2)))",
                    failure: passing.passed ? nil : passing.message),
            ReadmeClaim(readmeLine: ReadmeTests.failureBlockKey, shown: "", actual: failing.message),
        ]
    }

    /// The API the README's prose names as signatures (`name(label:)`): each is called once here,
    /// after a `// README:` line quoting the README's spelling, so a rename breaks the build and
    /// `ReadmeTests` finds every signature quoted.
    static func proseSignatures() async throws {
        struct Polar: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * cos(x[1]), x[0] * sin(x[1])] }
        }
        func f<T: ADScalar>(_ x: [T]) -> T { x[0] * x[1] }
        // README: `ExpressionPrinter(variables:…, maxOutputBytes:)`
        _ = ExpressionPrinter(variables: nil, maxOutputBytes: 1 << 10)
        // README: `ExpressionGraph.withMaximumNodeCount(_:_:)`
        _ = try ExpressionGraph.withMaximumNodeCount(1 << 10) { try SymbolicDifferentiation.jacobian(of: Polar(), inputs: 2) }
        // README: `Formula(parsing:maxDepth:)`
        _ = try Formula(parsing: "x + 1", maxDepth: 10)
        // README: `Rational.withWorkLimit(_:_:)`
        _ = Rational.withWorkLimit(1 << 10, { 1 })
        // README: `MatrixForward.jvp(at:along:)`
        let (_, tangent) = try MatrixForward<Double>.jvp(at: [try Matrix([[2.0]])], along: [try Matrix([[1.0]])]) { m, x in
            try m.activation(.square, x[0])
        }
        if tangent[0, 0] != 4 { throw ADError.invalidArgument("MatrixForward.jvp of x² at 2 gave \(tangent[0, 0]), not 4") }
        // README: `assertHessian(of:gradient:claimed:inputs:)`
        let blackBoxHessian = assertHessian(of: { x in x[0] * x[1] }, gradient: { x in [x[1], x[0]] },
                                            claimed: { _ in [[0, 1], [1, 0]] }, inputs: .point([2, 5]))
        if !blackBoxHessian.passed { throw ADError.invalidArgument("the black-box Hessian of x·y failed: \(blackBoxHessian.message)") }
        // README: `Tape(limit:)` `Tape<V>(limit:)`
        _ = try Tape<Double>(limit: 100)
        // README: `record(_:at:tapeLimit:)`
        _ = try record({ [f($0)] }, at: [2.0, 5.0], tapeLimit: 100)
        // README: `kinkRooms(of:at:)`
        _ = try kinkRooms(of: Polar(), at: [2.0, 0.5])
        // README: `evaluationRoundingBound(of:at:)` `differenceJacobian(…, evaluationError:)`
        let noise = try evaluationRoundingBound(of: Polar(), at: [2.0, 0.5])
        _ = try differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .adaptive, evaluationError: noise)
        // README: `CheckOptions.boundsDerivativeRounding`
        var noBound = CheckOptions()
        noBound.boundsDerivativeRounding = false
        _ = try checkJacobian(of: Polar(), at: [2.0, 0.5], options: noBound)
        // README: `derivativeRoundingEntries`, each entry's `derivativeRoundingBound`
        _ = try checkJacobian(of: Polar(), at: [2.0, 0.5]).derivativeRoundingEntries.map(\.derivativeRoundingBound)
        // README: `derivativeRoundingBound(of:at:direction:)`
        _ = try derivativeRoundingBound(of: Polar(), at: [2.0, 0.5], direction: [1, 0])
        // README: `differenceJacobian(of:at:method:tasks:)` `differenceJacobian(…tasks:)`
        _ = try await differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .central, tasks: 2)
        // README: `checkJacobian(…tasks:)`
        _ = try await checkJacobian(of: Polar(), at: [2.0, 0.5], tasks: 2)
        // README's block on counting and mutating the concurrent check (context: F, x).
        do {
            let x = [0.5, 2.0]
            let (_, counts) = try await measureOperations { try await checkJacobian(of: F(), at: x, tasks: 2) }
            let report = try await RuleMutations.withMutation(RuleMutation(op: .sin, factor: -1)) {
                try await checkJacobian(of: F(), at: x, tasks: 2)   // the serial check's report under the mutation
            }
            let serial = try measureOperations { try checkJacobian(of: F(), at: x) }
            let mutated = try RuleMutations.withMutation(RuleMutation(op: .sin, factor: -1)) { try checkJacobian(of: F(), at: x) }
            guard counts == serial.counts, report.toJSON() == mutated.toJSON() else {
                throw ADError.invalidArgument("README: the concurrent check's counts or mutated report are not the serial check's")
            }
        }
        // README: `forwardJacobian(of:at:checked:)`
        _ = try forwardJacobian(of: { (x: [Dual<Double, Double>]) in [x[0]] }, at: [1.0], checked: true)
        // README: `hessian(of:at:maximumDimension:)`
        _ = try hessian(of: f, at: [2.0, 5.0], maximumDimension: 10)
        // README: `jacobian(of:at:)`
        _ = try jacobian(of: Polar(), at: [2.0, 0.5])
        // README: `jacobian(of:at:mode:tasks:)`
        _ = try await jacobian(of: Polar(), at: [2.0, 0.5], mode: .forward, tasks: 2)
        // README: `validate(_:inputs:)` `VectorPrimitive.sparsity(inputs:)`
        enum Scale: VectorPrimitive {
            static let name = "readme_scale"
            static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
            static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
            static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
            static func sparsity(inputs n: Int) -> [[Int]]? { (0..<n).map { [$0] } }
        }
        _ = validate(Scale.self, inputs: 3)
        _ = Scale.sparsity(inputs: 3)
        // README: `lossAndGradient(input:loss:)` `lossAndGradient(into:)`
        let net = try MLP<Double>(layerSizes: [2, 3, 2], activation: .tanh, seed: 1)
        let x = try Matrix<Double>(rows: 1, cols: 2, elements: [0.5, -0.5])
        let loss = MLPLoss<Double>.softmaxCrossEntropy(labels: [0])
        var g = try net.lossAndGradient(input: x, loss: loss).gradients
        _ = try net.lossAndGradient(input: x, loss: loss, into: &g)
    }

    /// Every example, in README order.
    static var all: [(name: String, run: () throws -> [ReadmeClaim])] { [
        ("tour", tour), ("genericCode", genericCode), ("ownPrimitive", ownPrimitive), ("checkingAGradient", checkingAGradient),
        ("sparse", sparse), ("testingProduct", testingProduct),
    ] }
}

// "Testing your own derivatives" (README), at file scope as a user's test file has it.
struct LogisticLoss: ADFunction {                       // Σₖ softplus(Xₖ·w) − yₖ·(Xₖ·w)
    static let X: [[Double]] = [[1.0, 0.5, -1.2, 0.3, 2.0], [-0.7, 1.1, 0.4, -2.0, 0.6],
                                [0.2, -0.3, 1.5, 0.8, -1.0], [1.3, 0.9, -0.4, 0.1, 0.7]]
    static let y: [Double] = [1, 0, 1, 0]
    func callAsFunction<T: ADScalar>(_ w: [T]) -> [T] {
        var loss: T = 0
        for (row, yk) in zip(Self.X, Self.y) {
            var z: T = 0
            for (xkj, wj) in zip(row, w) { z += T(xkj) * wj }
            loss += softplus(z) - T(yk) * z
        }
        return [loss]
    }
}

func handGradient(_ w: [Double]) -> [Double] {          // Σₖ (σ(Xₖ·w) − yₖ)·Xₖ
    var g = [Double](repeating: 0, count: w.count)
    for (row, yk) in zip(LogisticLoss.X, LogisticLoss.y) {
        let z = zip(row, w).map(*).reduce(0, +)
        let r = 1 / (1 + exp(-z)) - yk
        for j in g.indices { g[j] += r * row[j] }
    }
    return g
}

func testLogisticGradient() {                           // in an XCTestCase; in Swift Testing the same line in a @Test
    assertGradient(of: LogisticLoss(), claimed: handGradient, inputs: .vector(5, .uniform(-2...2)))
}

// "Swift 6 language mode" (README): a test case compiled in this target's Swift 6 mode, so the
// README's pattern is an example that compiles, and runs as a test here.
final class LogisticTests: XCTestCase {
    let decay = 0.0                                     // none here: LogisticLoss has no decay term
    func testGradientWithLocalHelpers() {
        @Sendable func claimed(_ w: [Double]) -> [Double] { handGradient(w) }   // a local function: @Sendable
        let decay = self.decay                          // a copy: a claim may not capture self
        assertGradient(of: LogisticLoss(), claimed: { w in zip(claimed(w), w).map { $0 + decay * $1 } },
                       inputs: .vector(5, .uniform(-2...2)))
    }
}
