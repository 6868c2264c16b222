import XCTest
import AdjointCore
import AdjointLinalg

final class MLPTests: XCTestCase {
    static let seed: UInt64 = 909

    /// The MLP written elementwise (independent of the matrix code); parameters flattened as
    /// [W₁ row-major in×out, b₁, W₂, b₂, …].
    private func scalarLoss<T: ADScalar>(_ p: [T], x: [Double], y: [Double], sizes: [Int], batch: Int) -> T {
        var h = x.map { T($0) }
        var offset = 0
        for l in 0..<(sizes.count - 1) {
            let (nIn, nOut) = (sizes[l], sizes[l + 1])
            let bOffset = offset + nIn * nOut
            var next = [T](repeating: 0, count: batch * nOut)
            for s in 0..<batch {
                for o in 0..<nOut {
                    var a = p[bOffset + o]
                    for i in 0..<nIn { a = a + h[s * nIn + i] * p[offset + i * nOut + o] }
                    next[s * nOut + o] = l == sizes.count - 2 ? a : T.tanh(a)
                }
            }
            h = next
            offset = bOffset + nOut
        }
        var total: T = 0
        for k in 0..<h.count { total = total + (h[k] - T(y[k])) * (h[k] - T(y[k])) }
        return total / T(h.count)
    }

    func testGradientMatchesScalarTapeAndDirectionalDerivative() throws {
        print("MLPTests seed: \(Self.seed)")
        let sizes = [3, 5, 4, 2], batch = 6
        let net = try MLP<Double>(layerSizes: sizes, activation: .tanh, seed: Self.seed)
        XCTAssertEqual(net.depth, 3)
        XCTAssertEqual(net.parameterCount, 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2)
        var g = SeededGenerator(seed: Self.seed)
        let x = try Matrix<Double>.random(batch, 3, in: -1...1, using: &g)
        let y = try Matrix<Double>.random(batch, 2, in: -1...1, using: &g)
        let (loss, grads) = try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y))
        let flat = net.layers.flatMap { $0.weights.elements + $0.bias.elements }
        let (scalarValue, scalarGrad) = try valueAndGradient(of: { (p: [Reverse<Double>]) in
            self.scalarLoss(p, x: x.elements, y: y.elements, sizes: sizes, batch: batch)
        }, at: flat)
        XCTAssertEqual(loss, scalarValue, accuracy: 1e-13)
        XCTAssertEqual(try net.loss(input: x, loss: .elementwise(.mse, target: y)), loss, accuracy: 1e-15)
        assertClose(grads.flatMap { $0.weights.elements + $0.bias.elements }, scalarGrad, 1e-12, "MLP gradient")

        // Forward mode along a random direction gives ⟨∇loss, v⟩.
        let dir = try net.layers.map {
            LayerParameters(weights: try Matrix<Double>.random($0.weights.rows, $0.weights.cols, in: -1...1, using: &g),
                            bias: try Matrix<Double>.random(1, $0.bias.cols, in: -1...1, using: &g))
        }
        let (_, dd) = try net.lossAndDirectionalDerivative(input: x, loss: .elementwise(.mse, target: y), direction: dir)
        let v = dir.flatMap { $0.weights.elements + $0.bias.elements }
        XCTAssertEqual(dd, zip(scalarGrad, v).reduce(0) { $0 + $1.0 * $1.1 }, accuracy: 1e-12)
    }

    func testCountsOfATwoLayerWidthThreeNetworkMatchHandCount() throws {
        // Sizes [3, 3, 3], batch B = 2, tanh hidden, linear output, MSE. By the counting rule on
        // MatrixOp (product 2·m·n·k, other kernels 1 per element):
        // forward  = layer 1: 2·B·3·3 + 3B + 3B, layer 2: 2·B·3·3 + 3B, mse 3B  = 48B = 96
        // backward = mse_vjp 3B; layer 2: db 3B, dW 18B, dH 18B; tanh_vjp 3B; layer 1: db 3B, dW 18B
        //            (dX skipped: the batch is a constant)                       = 66B = 132
        let net = try MLP<Double>(layerSizes: [3, 3, 3], activation: .tanh, seed: 1)
        var g = SeededGenerator(seed: 2)
        let x = try Matrix<Double>.random(2, 3, in: -1...1, using: &g)
        let loss = MLPLoss<Double>.elementwise(.mse, target: try Matrix<Double>.zeros(2, 3))
        let (_, forward) = try measureOperations { try net.loss(input: x, loss: loss) }
        XCTAssertEqual(forward.flops, 96); XCTAssertEqual(forward.matmuls, 2)
        let (_, both) = try measureOperations { try net.lossAndGradient(input: x, loss: loss) }
        XCTAssertEqual(both.flops, 96 + 132); XCTAssertEqual(both.matmuls, 5)
        // Tape: 4 parameter variables + 1 constant + 6 ops.
        XCTAssertEqual(both.tapeEntries, 11)
        XCTAssertEqual(both.byName["tanh_vjp"], 1); XCTAssertEqual(both.byName["add_bias_vjp"], 2)
    }

    func testSameSeedSameNetwork() throws {
        let a = try MLP<Double>(layerSizes: [4, 3, 2], activation: .relu, seed: 1)
        let b = try MLP<Double>(layerSizes: [4, 3, 2], activation: .relu, seed: 1)
        let c = try MLP<Double>(layerSizes: [4, 3, 2], activation: .relu, seed: 2)
        XCTAssertEqual(a.parameters, b.parameters)
        XCTAssertNotEqual(a.parameters, c.parameters)
        XCTAssertThrowsError(try MLP<Double>(layerSizes: [4], activation: .tanh, seed: 1))
        XCTAssertThrowsError(try MLP<Double>(layerSizes: [4, 2], activation: .add, seed: 1))
    }

    func testHugeLayerSizesAreALimitNotATrap() {
        // Int.max + 1 (the Glorot bound's in + out) trapped; a weight matrix that large is past
        // the element limit (2³¹ − 1) anyway, and is refused before anything is allocated.
        for sizes in [[Int.max, 1], [1, Int.max], [2, 3, Int.max / 2], [65_536, 65_536]] {
            XCTAssertThrowsError(try MLP<Double>(layerSizes: sizes, activation: .tanh, seed: 1), "\(sizes)") { e in
                guard case .limitExceeded = e as? ADError else { return XCTFail("\(sizes): \(e)") }
            }
        }
    }

    /// A batch of no samples: the mean loss is 0/0. It was reported as "non-finite value of the
    /// loss (check the prediction and target for NaN/∞)", sending the user to look for a NaN that
    /// the (empty) data does not hold; each entry point now says the batch is empty.
    func testAnEmptyBatchIsNamedAsEmptyNotAsANaNInTheData() throws {
        let net = try MLP<Double>(layerSizes: [2, 3, 1], activation: .tanh, seed: 1)
        let x = try Matrix<Double>.zeros(0, 2)
        let losses: [MLPLoss<Double>] = [.elementwise(.mse, target: try .zeros(0, 1)), .softmaxCrossEntropy(labels: [])]
        for loss in losses {
            for (name, call) in [("loss", { _ = try net.loss(input: x, loss: loss) }),
                                 ("lossAndGradient", { _ = try net.lossAndGradient(input: x, loss: loss) }),
                                 ("lossAndDirectionalDerivative", {
                                     _ = try net.lossAndDirectionalDerivative(input: x, loss: loss, direction: net.parameters) })] {
                XCTAssertThrowsError(try call(), name) { e in
                    guard case .invalidArgument(let why) = e as? ADError else { return XCTFail("\(name): \(e)") }
                    XCTAssertTrue(why.contains("empty 0×1 prediction"), "\(name): \(why)")
                }
            }
        }
    }

    func testLayerJacobianMatchesScalarJacobianOfOneLayer() throws {
        let net = try MLP<Double>(layerSizes: [3, 4, 2], activation: .tanh, seed: 4)
        var g = SeededGenerator(seed: 5)
        let x = try Matrix<Double>.random(2, 3, in: -1...1, using: &g)
        let trace = try net.trace(input: x)
        let j = try trace.layerJacobian(layer: 0, sample: 1)
        // Layer 0 on sample 1 written elementwise, differentiated by the core's reverse mode.
        let w = net.layers[0].weights, b = net.layers[0].bias
        let r = try jacobianReverse(of: { (h: [Reverse<Double>]) -> [Reverse<Double>] in
            (0..<4).map { o in
                var a = Reverse<Double>(b[0, o])
                for i in 0..<3 { a = a + h[i] * Reverse(w[i, o]) }
                return Reverse.tanh(a)
            }
        }, at: Array(x.rowArrays[1]))
        assertClose(j.elements, r.jacobian.flatMap { $0 }, 1e-14, "layer Jacobian")
        XCTAssertEqual(trace.outputs.last, try net.forward(x))
        XCTAssertThrowsError(try trace.layerJacobian(layer: 2, sample: 0))
    }

    func testFloatGradientAgreesWithDouble() throws {
        let sizes = [3, 4, 2]
        let nd = try MLP<Double>(layerSizes: sizes, activation: .sigmoid, seed: 8)
        let nf = try MLP<Float>(layerSizes: sizes, activation: .sigmoid, seed: 8)
        var g = SeededGenerator(seed: 9)
        let x = try Matrix<Double>.random(5, 3, in: -1...1, using: &g)
        let labels = [0, 1, 1, 0, 1]
        let gd = try nd.lossAndGradient(input: x, loss: .softmaxCrossEntropy(labels: labels)).gradients
        let xf = try Matrix<Float>(rows: 5, cols: 3, elements: x.elements.map(Float.init))
        let gf = try nf.lossAndGradient(input: xf, loss: .softmaxCrossEntropy(labels: labels)).gradients
        // Float rounding (ε ≈ 6e-8) through two layers stays far below 1e-5.
        assertClose(gf.flatMap { $0.weights.elements.map(Double.init) }, gd.flatMap { $0.weights.elements }, 1e-5, "Float vs Double weights")
        assertClose(gf.flatMap { $0.bias.elements.map(Double.init) }, gd.flatMap { $0.bias.elements }, 1e-5, "Float vs Double biases")
    }
}
