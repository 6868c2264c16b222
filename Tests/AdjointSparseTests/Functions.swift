import AdjointCore

/// y_i = x_{i−1} − 2·x_i² + sin(x_{i+1}): tridiagonal Jacobian, bandwidth 3.
struct Tridiagonal: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        x.indices.map { i in
            var y = T(-2) * x[i] * x[i]
            if i > 0 { y = y + x[i - 1] }
            if i + 1 < x.count { y = y + T.sin(x[i + 1]) }
            return y
        }
    }
}

/// An arrow: y₀ = Σ x_j² (a dense row), y_i = x₀·x_i + x_{i−1} − x_{i+1} (column 0 dense, plus the
/// tridiagonal band).
struct Arrow: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var y0 = T(0)
        for v in x { y0 = y0 + v * v }
        return [y0] + (1..<x.count).map { i in
            var y = x[0] * x[i] + x[i - 1]
            if i + 1 < x.count { y = y - x[i + 1] }
            return y
        }
    }
}

/// f = Σₖ exp(x_k · x_{k+1}) + Σₖ x_k³: partially separable, tridiagonal Hessian.
struct ChainEnergy: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s = T(0)
        for k in x.indices { s = s + x[k] * x[k] * x[k] }
        for k in 1..<x.count { s = s + T.exp(x[k - 1] * x[k]) }
        return [s]
    }
}

/// f = Σ_{k≥1} x₀·sin(x_k) + (x_k − x_{k−1})²/x_k: an arrow-shaped Hessian with a band.
struct ArrowEnergy: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s = T(0)
        for k in 1..<x.count {
            let d = x[k] - x[k - 1]
            s = s + x[0] * T.sin(x[k]) + d * d / x[k]
        }
        return [s]
    }
}

/// Distinct, irregular points in [0.3, 0.5 + n/1000] so no entry is accidentally 0 or repeated.
func points(_ n: Int) -> [Double] {
    (0..<n).map { (k: Int) -> Double in
        let wobble: Double = 0.01 * Double(k % 17)
        return 0.3 + wobble + 0.001 * Double(k)
    }
}
