import AdjointCore
import AdjointCheck
import XCTest

// Test functions shared by the check tests. Expected derivatives are derived by hand in the
// tests that use them, never read from the code under test.

/// (x1 + x2)·x3 − x4.
struct SumTimesMinus: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(x[0] + x[1]) * x[2] - x[3]] }
}

/// ln x1 + x1·x2 − sin x2.
struct LogProductSin: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.log(x[0]) + x[0] * x[1] - T.sin(x[1])] }
}

/// Polar to Cartesian: (r cos θ, r sin θ).
struct Polar: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.cos(x[1]), x[0] * T.sin(x[1])] }
}

/// eˣ·sin x, one input.
struct ExpSin: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.exp(x[0]) * T.sin(x[0])] }
}

/// sin x1 · x2 + x1² with a negative-base integer power, to exercise complex-step's powi.
struct SinPoly: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1] + T.powi(x[0], 3), T.exp(x[1]) / x[0]] }
}

/// √(x²): |x| in disguise, non-differentiable at 0.
struct SqrtOfSquare: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(x[0] * x[0])] }
}

/// Euclidean norm √(Σ xᵢ²).
struct Norm: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s: T = 0
        for v in x { s = s + v * v }
        return [T.sqrt(s)]
    }
}

struct Relu: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.relu(x[0]) + x[1]] }
}

struct Abs: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0]) * x[1]] }
}

/// gelu(x₁)·x₂: gelu has no complex extension here (erf's is not implemented), so the complex
/// step refuses it everywhere, as it refuses abs only at its kink.
struct GeluProduct: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.gelu(x[0]) * x[1]] }
}

/// x^0.5 through the real power: value 0 at x = 0, derivative +∞ in every mode.
struct PowHalf: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(x[0], T(0.5))] }
}

struct ExpOnly: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.exp(x[0])] }
}

struct Reciprocal: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / x[0]] }
}

/// A constant function of no inputs.
struct NoInputs: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T(3)] }
}

/// A two-layer expression: sin(x1·x2) + tanh(x2 − x3), for fault localisation through several ops.
struct Layered: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0] * x[1]) + T.tanh(x[1] - x[2])] }
}

/// √x, one input: derivative 1/(2√x), relative scale 1/|x| at every magnitude.
struct SqrtOnly: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(x[0])] }
}

/// ln x, one input: derivative 1/x, which underflows against an absolute complex step at huge x.
struct LogOnly: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.log(x[0])] }
}

/// Asserts that Richardson and the adaptive method on each closure (two inputs, one output) give
/// unwarned estimates that cover the hand truth and stay within 10⁻⁶ of it: the guard that a
/// widening meant for rounding treads or sawtooths leaves ordinary functions alone.
func assertTightAndUnwarned(_ cases: [(([Double]) -> [Double], [Double], [Double])],
                            file: StaticString = #filePath, line: UInt = #line) throws {
    for method in [DifferenceMethod.richardson, .adaptive] {
        for (f, x, truth) in cases {
            let d = try differenceJacobian(evaluating: f, at: x, method: method)
            for j in 0..<2 {
                let e = d.entries[0][j]
                XCTAssertTrue(e.warnings.isEmpty, "\(method.rawValue) at \(x) [\(j)]: \(e.warnings)", file: file, line: line)
                XCTAssertLessThanOrEqual(Swift.abs(e.value - truth[j]), e.errorEstimate, "\(method.rawValue) at \(x) [\(j)]",
                                         file: file, line: line)
                XCTAssertLessThan(e.errorEstimate, 1e-6 * Swift.abs(truth[j]), "\(method.rawValue) at \(x) [\(j)]: ± \(e.errorEstimate)",
                                  file: file, line: line)
            }
        }
    }
}
