import Foundation

// Plain, non-generic research code of the kind the black-box checks exist for, with the
// derivatives a researcher would write by hand. Shared by the review's regression tests.

/// Counts the evaluations a check makes of f, as a researcher watching cost would.
final class EvaluationCounter {
    var count = 0
    func wrap(_ f: @escaping ([Double]) -> [Double]) -> ([Double]) -> [Double] {
        { x in self.count += 1; return f(x) }
    }
    func wrapScalar(_ f: @escaping ([Double]) -> Double) -> ([Double]) -> Double {
        { x in self.count += 1; return f(x) }
    }
}

enum Researcher {
    // MARK: RK4 on y' = θ·y·(1 − y), loss (y_N − 0.7)², inputs (y₀, θ)

    static let rkSteps = 20, rkH = 0.05, rkTarget = 0.7

    static func rk4Step(_ y: Double, _ th: Double, _ h: Double) -> Double {
        func g(_ y: Double) -> Double { th * y * (1 - y) }
        let k1 = g(y), k2 = g(y + h / 2 * k1), k3 = g(y + h / 2 * k2), k4 = g(y + h * k3)
        return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    }

    /// ∂Φ/∂y and ∂Φ/∂θ of one RK4 step, by the chain rule through the stages (g_y = θ(1 − 2y),
    /// g_θ = y(1 − y)).
    static func rk4StepPartials(_ y: Double, _ th: Double, _ h: Double) -> (dy: Double, dth: Double) {
        func g(_ y: Double) -> Double { th * y * (1 - y) }
        func gy(_ y: Double) -> Double { th * (1 - 2 * y) }
        func gth(_ y: Double) -> Double { y * (1 - y) }
        let k1 = g(y), y2 = y + h / 2 * k1, k2 = g(y2), y3 = y + h / 2 * k2, k3 = g(y3), y4 = y + h * k3
        let a1 = gy(y), a2 = gy(y2) * (1 + h / 2 * a1), a3 = gy(y3) * (1 + h / 2 * a2), a4 = gy(y4) * (1 + h * a3)
        let b1 = gth(y), b2 = gth(y2) + gy(y2) * h / 2 * b1, b3 = gth(y3) + gy(y3) * h / 2 * b2, b4 = gth(y4) + gy(y4) * h * b3
        return (1 + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4), h / 6 * (b1 + 2 * b2 + 2 * b3 + b4))
    }

    static func rkTrajectory(_ p: [Double]) -> [Double] {
        var ys = [p[0]]
        for _ in 0..<rkSteps { ys.append(rk4Step(ys[ys.count - 1], p[1], rkH)) }
        return ys
    }

    static func rkLoss(_ p: [Double]) -> Double {
        let y = rkTrajectory(p).last ?? 0
        return (y - rkTarget) * (y - rkTarget)
    }

    /// The discrete adjoint: λ_N = 2(y_N − target), λ_n = λ_{n+1}·∂Φ/∂y(y_n), ∂L/∂θ = Σ λ_{n+1}·∂Φ/∂θ(y_n).
    /// `offByOne` evaluates step n's partials at y_{n+1}, the usual indexing slip.
    static func rkAdjoint(_ p: [Double], offByOne: Bool = false) -> [Double] {
        let ys = rkTrajectory(p)
        var lam = 2 * ((ys.last ?? 0) - rkTarget), gth = 0.0
        for n in stride(from: rkSteps - 1, through: 0, by: -1) {
            let d = rk4StepPartials(ys[offByOne ? n + 1 : n], p[1], rkH)
            gth += lam * d.dth
            lam *= d.dy
        }
        return [lam, gth]
    }

    // MARK: Newton solve of x³ + a·x − b = 0, output the root x(a, b)

    /// Newton from x = 1 until |residual| < tol (at most 100 iterations).
    static func cubicRoot(_ p: [Double], tol: Double = 0) -> Double {
        let (a, b) = (p[0], p[1])
        var x = 1.0
        for _ in 0..<100 {
            let r = x * x * x + a * x - b
            if Swift.abs(r) <= tol { break }
            let next = x - r / (3 * x * x + a)
            if next == x { break }
            x = next
        }
        return x
    }

    // MARK: Fixed-point (Jacobi) solve of A(p)·y = c, loss wᵀy, stopped at a residual tolerance

    /// A(p) = [[4 + p₀, 1], [2, 5 + p₁]] (diagonally dominant, nonsymmetric), c = (1, 2), w = (3, −1).
    static func jacobiLoss(_ p: [Double], tol: Double) -> Double {
        let a = [[4 + p[0], 1.0], [2.0, 5 + p[1]]], c = [1.0, 2.0]
        var y = [0.0, 0.0]
        for _ in 0..<500 {
            let y0 = (c[0] - a[0][1] * y[1]) / a[0][0], y1 = (c[1] - a[1][0] * y[0]) / a[1][1]
            y = [y0, y1]
            let r0 = a[0][0] * y[0] + a[0][1] * y[1] - c[0], r1 = a[1][0] * y[0] + a[1][1] * y[1] - c[1]
            if Swift.max(Swift.abs(r0), Swift.abs(r1)) < tol { break }
        }
        return 3 * y[0] - y[1]
    }

    /// dL/dpₖ = −λᵀ(∂A/∂pₖ)y with Aᵀλ = w, y the exact solution (Cramer's rule). `transposeSlip`
    /// solves A·λ = w instead.
    static func jacobiAdjoint(_ p: [Double], transposeSlip: Bool = false) -> [Double] {
        let a00 = 4 + p[0], a01 = 1.0, a10 = 2.0, a11 = 5 + p[1]
        let det = a00 * a11 - a01 * a10
        let y0 = (1 * a11 - a01 * 2) / det, y1 = (a00 * 2 - a10 * 1) / det
        // Aᵀ = [[a00, a10], [a01, a11]]
        let (m01, m10) = transposeSlip ? (a01, a10) : (a10, a01)
        let l0 = (3 * a11 - m01 * -1) / det, l1 = (a00 * -1 - m10 * 3) / det
        return [-l0 * y0, -l1 * y1]
    }

    // MARK: Cross-entropy through a max-shifted log-sum-exp

    static func crossEntropy(_ z: [Double], label: Int) -> Double {
        let m = z.max() ?? 0
        return Foundation.log(z.map { Foundation.exp($0 - m) }.reduce(0, +)) + m - z[label]
    }

    static func softmax(_ z: [Double]) -> [Double] {
        let m = z.max() ?? 0
        let e = z.map { Foundation.exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    // MARK: Huber, δ = 0.5

    static let delta = 0.5
    static func huber(_ r: Double) -> Double {
        Swift.abs(r) <= delta ? r * r / 2 : delta * (Swift.abs(r) - delta / 2)
    }

    // MARK: Piecewise-linear table

    static let knots = [0.0, 1.0, 2.5, 4.0], table = [0.0, 2.0, 1.0, 5.0]
    /// Segment i covers [knots[i], knots[i+1]); the last includes its right end.
    static func segment(_ x: Double) -> Int {
        var i = 0
        while i < knots.count - 2 && x >= knots[i + 1] { i += 1 }
        return i
    }
    static func slope(_ i: Int) -> Double { (table[i + 1] - table[i]) / (knots[i + 1] - knots[i]) }
    static func interpolate(_ x: Double) -> Double {
        let i = segment(x)
        return table[i] + slope(i) * (x - knots[i])
    }
}
