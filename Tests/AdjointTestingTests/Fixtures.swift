import AdjointCore
import Foundation

// User-style subjects shared by the suites: what a project with hand-written derivatives has.

/// Logistic-regression loss over weights w ∈ ℝ⁵ on four fixed data rows:
/// L(w) = Σₖ softplus(zₖ) − yₖ·zₖ with zₖ = Xₖ·w.
/// Its gradient by hand (the derivation every ML course does): ∇L = Σₖ (σ(zₖ) − yₖ)·Xₖ.
struct LogisticLoss: ADFunction {
    static let rows: [[Double]] = [
        [1.0, 0.5, -1.2, 0.3, 2.0],
        [-0.7, 1.1, 0.4, -2.0, 0.6],
        [0.2, -0.3, 1.5, 0.8, -1.0],
        [1.3, 0.9, -0.4, 0.1, 0.7],
    ]
    static let labels: [Double] = [1, 0, 1, 0]
    var inputCount: Int? { 5 }

    func callAsFunction<T: ADScalar>(_ w: [T]) -> [T] {
        var loss = T(0)
        for (row, y) in zip(LogisticLoss.rows, LogisticLoss.labels) {
            var z = T(0)
            for (xk, wk) in zip(row, w) { z += T(xk) * wk }
            loss += softplus(z) - T(y) * z
        }
        return [loss]
    }
}

func sigma(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

/// The hand-written gradient; `flippedRow` negates one data row's term (the bug under test).
func logisticGradient(flippedRow: Int? = nil) -> @Sendable ([Double]) -> [Double] {
    { w in
        var g = [Double](repeating: 0, count: 5)
        for (k, (row, y)) in zip(LogisticLoss.rows, LogisticLoss.labels).enumerated() {
            let z = zip(row, w).reduce(0) { $0 + $1.0 * $1.1 }
            let r = sigma(z) - y
            let s = k == flippedRow ? -1.0 : 1.0
            for j in 0..<5 { g[j] += s * r * row[j] }
        }
        return g
    }
}

/// A black-box function, as simulation code would be: f(x) = x₀²·sin x₁ + x₀·e^{x₂/2}.
@Sendable func simulation(_ x: [Double]) -> Double { x[0] * x[0] * sin(x[1]) + x[0] * exp(0.5 * x[2]) }
/// Its gradient by hand.
@Sendable func simulationGradient(_ x: [Double]) -> [Double] {
    [2 * x[0] * sin(x[1]) + exp(0.5 * x[2]), x[0] * x[0] * cos(x[1]), 0.5 * x[0] * exp(0.5 * x[2])]
}
/// The same gradient with the factor ½ of the last entry forgotten.
@Sendable func simulationGradientWrong(_ x: [Double]) -> [Double] {
    [2 * x[0] * sin(x[1]) + exp(0.5 * x[2]), x[0] * x[0] * cos(x[1]), x[0] * exp(0.5 * x[2])]
}

/// softplus linearised by hand inside generic code: the value and the first derivative are
/// right at every point, but the derivative enters as a constant, so a second differentiation
/// loses softplus″ (the trap of issue 10: a rule right once and wrong when differentiated again).
func linearisedSoftplus<T: ADScalar>(_ x: T) -> T {
    let a = x.approximateDouble
    let value = a > 30 ? a : log1p(exp(a))
    return T(value) + T(sigma(a)) * (x - T(a))
}

/// f(x) = softplus(x₀)·x₁ + x₀·x₁², with softplus linearised by hand.
struct LinearisedEnergy: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [linearisedSoftplus(x[0]) * x[1] + x[0] * x[1] * x[1]] }
}

/// The same function with the registry's softplus: right at every order.
struct Energy: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [softplus(x[0]) * x[1] + x[0] * x[1] * x[1]] }
}
