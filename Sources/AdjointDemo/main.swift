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
} catch {
    print("demo failed: \(error)")
    exit(1)
}
