import Adjoint
import Foundation

// `make demo`: one tour of what Adjoint computes, each result shown next to the value it must
// equal and where that value comes from.

func section(_ title: String) { print("\n== \(title)") }
func show(_ label: String, _ value: Any, expected: String) {
    print("  \(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(value)   (expected \(expected))")
}

/// Written once, run in every mode.
func textbook<T: ADScalar>(_ x: [T]) -> T { log(x[0]) + x[0] * x[1] - sin(x[1]) }

struct Polar: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * cos(x[1]), x[0] * sin(x[1])] }
}

do {
    section("Gradients of textbook functions (reverse mode)")
    show("∇[ln x1 + x1·x2 − sin x2] at (2, 5)", try gradient(of: textbook, at: [2.0, 5.0]),
         expected: "(1/x1 + x2, x1 − cos x2) = (5.5, 1.71633781453677)")
    show("∇[(x1+x2)x3 − x4] at (5,4,3,2)",
         try gradient(of: { x in (x[0] + x[1]) * x[2] - x[3] }, at: [5.0, 4, 3, 2]), expected: "(3, 3, 9, −1)")
    show("∇ relu(x·y + y) at (3, 2)", try gradient(of: { x in relu(x[0] * x[1] + x[1]) }, at: [3.0, 2]),
         expected: "(y, x + 1) = (2, 4)")

    section("One function, every mode")
    show("plain Double", textbook([2.0, 5.0]), expected: "ln 2 + 10 − sin 5")
    show("plain Float", textbook([Float(2), 5]), expected: "the same in single precision")
    show("forward JVP along (1, 0)", try jvp(of: { [textbook($0)] }, at: [2.0, 5.0], direction: [1, 0]).jvp,
         expected: "5.5")
    let j = try jacobian(of: Polar(), at: [2.0, 0.5], mode: .forward)
    let r = try jacobian(of: Polar(), at: [2.0, 0.5], mode: .reverse)
    show("polar Jacobian, forward (\(j.passes) pass)", j.jacobian, expected: "[[cos θ, −r sin θ], [sin θ, r cos θ]]")
    show("polar Jacobian, reverse (\(r.passes) sweeps)", r.jacobian, expected: "the same")
    show("automatic mode for R²→R²", try jacobian(of: Polar(), at: [2.0, 0.5]).mode, expected: "forward (n ≤ m)")

    section("Second order")
    show("Hessian of x²y + sin y at (1.5, 0.4)",
         try hessian(of: { x in x[0] * x[0] * x[1] + sin(x[1]) }, at: [1.5, 0.4]),
         expected: "[[2y, 2x], [2x, −sin y]] = [[0.8, 3], [3, −0.389…]]")
    func inner<T: ADScalar>(_ x: T) -> T { x * derivative(of: { y in Dual(constant: x) + y }, at: x) }
    show("d/dx [x · d/dy (x + y)]", derivative(of: inner, at: 3.0), expected: "1 (perturbation confusion would give 2)")

    section("Kinks and errors are reported, not hidden")
    let rec = try record({ x in [relu(x[0]) + Reverse.abs(x[1])] }, at: [0.0, 0.0])
    show("relu(x) + |y| at (0, 0): kinks", rec.diagnostics.kinks.map(\.description), expected: "relu and abs, with nodes")
    do { _ = try gradient(of: { x in log(x[0]) }, at: [-1.0]) } catch { show("log(−1)", error, expected: "a domain error naming log") }
    do { _ = try gradient(of: { x in sqrt(x[0] * x[0]) }, at: [0.0]) } catch { show("∇ sqrt(x²) at 0", error, expected: "non-finite, first produced by sqrt") }

    section("Counting work")
    let (_, counts) = try measureOperations { try gradient(of: textbook, at: [2.0, 5.0]) }
    show("ops recorded + rules applied", counts.scalarOps, expected: "2 × 5: log, mul, add, sin, sub recorded once, each rule applied once in the sweep")

    section("Checking a hand-written gradient (finite differences as the independent witness)")
    struct Textbook: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [textbook(x)] } }
    // Hand gradient with a sign error in ∂/∂x2: x1 + cos x2 instead of x1 − cos x2.
    let wrong = { (x: [Double]) in [1 / x[0] + x[1], x[0] + cos(x[1])] }
    let report = try checkGradient(of: Textbook(), at: [2.0, 5.0], claimedGradient: wrong)
    show("verdict for the wrong hand gradient", report.passed ? "passed" : "FAILED", expected: "FAILED at entry (0, 1) only")
    print(report.renderTable().split(separator: "\n").prefix(8).map { "    " + $0 }.joined(separator: "\n"))

    section("Exact rationals on GMP")
    struct Poly: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + 5 * x[0] * x[1]] } }
    let third = Rational(numerator: 1, denominator: 3), twoSevenths = Rational(numerator: 2, denominator: 7)
    let e = try exactJacobian(of: Poly(), at: [third, twoSevenths])
    show("∇(x1² + 5·x1·x2) at (1/3, 2/7)", e.jacobian[0].map(\.description), expected: "(2x1 + 5x2, 5x1) = (44/21, 5/3)")
    let central = try differenceJacobian(of: Poly(), at: [1.0 / 3, 2.0 / 7], method: .central).jacobian
    let errors = try exactCheck(of: Poly(), at: [1.0 / 3, 2.0 / 7], additional: [("central", central)])
    print(errors.summary.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

    section("Matrices on BLAS: a 3-layer tanh MLP, gradient without building a Jacobian")
    let net = try MLP<Double>(layerSizes: [4, 8, 8, 2], activation: .tanh, seed: 7)
    let input = try Matrix<Double>(rows: 3, cols: 4, elements: (0..<12).map { Double($0) / 10 - 0.5 })
    let target = try Matrix<Double>(rows: 3, cols: 2, elements: [1, 0, 0, 1, 1, 1])
    let (lossValue, mlpCounts) = try measureOperations {
        try net.lossAndGradient(input: input, loss: .elementwise(.mse, target: target)).loss
    }
    show("MSE loss", lossValue, expected: "a positive number")
    show("matrix products in loss + gradient", mlpCounts.matmuls,
         expected: "3 forward + 5 backward (the first layer's input gradient is skipped)")

    section("Complexity: memoized backprop against the naive chain, by counted flops")
    let sweep = try ComplexitySweep.run(kind: .depth, sizes: [1, 2, 4, 8], fixed: 4)
    print(sweep.toTable().split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
    // The naive chain is quadratic with a large linear part, which bends a log-log slope over
    // small L below 2: fit a·L² + b·L to the counted flops (least squares) and show the residual.
    let ls = sweep.points.map { Double($0.depth) }, ns = sweep.points.map { Double($0.naive.flops) }
    let (s4, s3, s2) = (ls.map { $0 * $0 * $0 * $0 }.reduce(0, +), ls.map { $0 * $0 * $0 }.reduce(0, +), ls.map { $0 * $0 }.reduce(0, +))
    let (t2, t1) = (zip(ls, ns).map { $0 * $0 * $1 }.reduce(0, +), zip(ls, ns).map { $0 * $1 }.reduce(0, +))
    let det = s4 * s2 - s3 * s3
    let a = (t2 * s2 - s3 * t1) / det, b = (s4 * t1 - s3 * t2) / det
    let residual = zip(ls, ns).map { abs(a * $0 * $0 + b * $0 - $1) }.max() ?? 0
    show("naive chain flops, fitted", "\(Int(a.rounded()))·L² + \(Int(b.rounded()))·L (largest residual \(Int(residual.rounded())) flops)",
         expected: "a quadratic term: the slope over L = 4…8 is below 2 only because b·L still weighs")
} catch {
    print("demo failed: \(error)")
    exit(1)
}
