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

/// (a, b) ← (sin(a)·b + 1, a), `steps` times, then a + b: a deep chain over two inputs.
struct DeepChain: ADFunction {
    let steps: Int
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var a = x[0], b = x[1]
        for _ in 0..<steps { let t = T.sin(a) * b + 1; b = a; a = t }
        return [a + b]
    }
}

/// A seeded random scalar function of 5 inputs: each step applies sin, exp, ·, +, 3· or a quotient
/// with a positive denominator to earlier values (inputs included); the output sums the last three.
/// No subtraction: u − u (or a sum that cancels) is conservatively nonlinear in detection while
/// its Hessian is 0, so generic points would not show the pattern exactly.
struct RandomScalarGraph: ADFunction {
    enum Step { case sin(Int), exp(Int), mul(Int, Int), add(Int, Int), div(Int, Int), scale(Int) }
    let inputs = 5
    let steps: [Step]
    init(seed: UInt64, length: Int = 10) {
        var g = SeededGenerator(seed: seed)
        var s: [Step] = []
        for k in 0..<length {
            let count = UInt64(5 + k)
            let a = Int(g.next() % count), b = Int(g.next() % count)
            switch g.next() % 6 {
            case 0: s.append(.sin(a))
            case 1: s.append(.exp(a))
            case 2: s.append(.mul(a, b))
            case 3: s.append(.add(a, b))
            case 4: s.append(.div(a, b))
            default: s.append(.scale(a))
            }
        }
        steps = s
    }
    var inputCount: Int? { inputs }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let v = values(x)
        return [v[v.count - 1] + v[v.count - 2] + v[v.count - 3]]
    }

    /// The inputs followed by each step's value.
    func values<T: ADScalar>(_ x: [T]) -> [T] {
        var v = x
        for step in steps {
            switch step {
            case .sin(let a): v.append(T.sin(v[a]))
            case .exp(let a): v.append(T.exp(T.sin(v[a])))
            case .mul(let a, let b): v.append(v[a] * v[b])
            case .add(let a, let b): v.append(v[a] + v[b])
            case .div(let a, let b): v.append(v[a] / (2 + T.sin(v[b])))
            case .scale(let a): v.append(3 * v[a])
            }
        }
        return v
    }
}

/// Output k is the state after step k of (a, b) ← (sin(a)·b + 1, a).
struct Trajectory: ADFunction {
    let steps: Int
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var a = x[0], b = x[1]
        var states: [T] = []
        for _ in 0..<steps { let t = T.sin(a) * b + 1; b = a; a = t; states.append(a) }
        return states
    }
}

/// A random graph with every value it computes (not its inputs) as an output.
struct EveryValue: ADFunction {
    let graph: RandomScalarGraph
    init(_ graph: RandomScalarGraph) { self.graph = graph }
    var inputCount: Int? { graph.inputs }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { Array(graph.values(x).dropFirst(graph.inputs)) }
}

/// y_i = Σ_{j ∈ rows[i]} sin(x_j·(i + 1)/7)·x_{(j+i) mod n}: a Jacobian whose pattern is about
/// `rows` (each term also reads x_{(j+i) mod n}), with several terms summed into most entries.
struct PatternFunction: ADFunction {
    let rows: [[Int]]
    let inputs: Int
    var inputCount: Int? { inputs }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        rows.enumerated().map { i, columns in
            var s = T(0)
            for j in columns { s = s + T.sin(x[j] * T(Double(i + 1) / 7)) * x[(j + i) % inputs] }
            return s
        }
    }
}
