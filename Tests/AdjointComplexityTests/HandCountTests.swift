import XCTest
import AdjointCore
import AdjointLinalg
@testable import AdjointComplexity

/// The counters are real: for a network small enough to count by hand, every method's counts
/// equal the hand count. The hand count uses only the counting convention — a product of an
/// m×k by a k×n matrix is 2·m·n·k flops; every elementwise op, bias add, reduction and loss is
/// one flop per element it reads — never a figure read off the code.
final class HandCountTests: XCTestCase {
    // Depth 2, width 3, batch 2: x is 2×3, W₁ and W₂ are 3×3, b₁ and b₂ are 1×3,
    // h₁ = tanh(x·W₁ + b₁), y = h₁·W₂ + b₂ (linear output), ℓ = mean((y − t)²).
    func small() throws -> MLPGradientProblem<Double> {
        try MLPGradientProblem<Double>.seeded(depth: 2, width: 3, batch: 2, seed: 11)
    }

    func testForwardPassCount() throws {
        let p = try small()
        let (_, c) = try measureOperations { try p.forwardLoss() }
        // x·W₁: 2·2·3·3 = 36 | +b₁: 6 | tanh: 6 | h₁·W₂: 36 | +b₂: 6 | mse: 6   → 96 flops, 2 products.
        XCTAssertEqual(c.flops, 96)
        XCTAssertEqual(c.matmuls, 2)
        XCTAssertEqual(c.functionEvaluations, 1)
        XCTAssertEqual(c.tapeEntries, 0)
    }

    func testBackpropCount() throws {
        let p = try small()
        let (_, c) = try measureOperations { try p.backprop() }
        // Recording = the forward pass, 96 flops, 2 products. The sweep, from the top:
        //   mse VJP: 6 | b₂: column sums of 2×3, 6 | W₂ᵀ-product for ∂ℓ/∂h₁: ḡ(2×3)·W₂ᵀ = 36
        //   | ∂ℓ/∂W₂ = h₁ᵀ(3×2)·ḡ(2×3) = 36 | tanh VJP: 6 | b₁: 6 | ∂ℓ/∂W₁ = xᵀ·ḡ = 36
        //   (x is a constant: no product for ∂ℓ/∂x)                         → 132 flops, 3 products.
        XCTAssertEqual(c.flops, 96 + 132)
        XCTAssertEqual(c.matmuls, 2 + 3)
        XCTAssertEqual(c.byName["matmul"], 5)
        // Tape: W₁, b₁, W₂, b₂, x, then matmul, add_bias, tanh, matmul, add_bias, mse = 11 entries
        // holding 9+3+9+3+6 + 6+6+6+6+6+1 = 61 doubles = 488 bytes.
        XCTAssertEqual(c.tapeEntries, 11)
        XCTAssertEqual(c.tapeBytes, 488)
        XCTAssertEqual(c.functionEvaluations, 1)
    }

    func testForwardModeDirectionalDerivativeCount() throws {
        // Matrix forward mode counts too: one pass of primal and JVP rules along a direction
        // for every parameter. JVPs, from the bottom (x is a constant, so no x-tangent product):
        //   x·dW₁ 36 | bias 6 | tanh 6 | dh₁·W₂ 36 and h₁·dW₂ 36 (accumulated) | bias 6 | mse 6
        //   → 132 flops and 3 products, the same as the reverse sweep; plus the 96 of the primal.
        let p = try small()
        let direction = p.network.parameters
        let (_, c) = try measureOperations {
            try p.network.lossAndDirectionalDerivative(input: p.input, loss: p.loss, direction: direction)
        }
        XCTAssertEqual(c.flops, 96 + 132)
        XCTAssertEqual(c.matmuls, 2 + 3)
    }

    func testNaiveChainCount() throws {
        let p = try small()
        let (_, c) = try measureOperations { try p.naiveChain() }
        // Forward trace: 36 + 6 + 6 (tanh) + 6 (tanh′) + 36 + 6 = 96 flops, 2 products.
        // Loss and ∂ℓ/∂y on a 2-entry tape: mse 6 + its VJP 6 = 12 flops.
        // Layer 2 (top): the output is linear, so δ₂ = ∂ℓ/∂y; ∂ℓ/∂W₂ = h₁ᵀ·δ₂ 36, ∂ℓ/∂b₂ 6 = 42.
        // Layer 1, from the top anew: δ₂·W₂ᵀ 36, ⊙ tanh′ 6, ∂ℓ/∂W₁ = xᵀ·δ₁ 36, ∂ℓ/∂b₁ 6 = 84.
        XCTAssertEqual(c.flops, 96 + 12 + 42 + 84)
        XCTAssertEqual(c.matmuls, 2 + 1 + 2)
        XCTAssertEqual(c.byName["hadamard"], 1)
        XCTAssertEqual(c.tapeEntries, 2)
        XCTAssertEqual(c.tapeBytes, (6 + 1) * 8)
    }

    func testFiniteDifferenceCount() throws {
        let p = try small()
        let (_, c) = try measureOperations { try p.finiteDifferences() }
        // |W| = 2·(9 + 3) = 24 parameters, 2 evaluations each, plus one for the loss value:
        // 49 forward passes of 96 flops and 2 products.
        XCTAssertEqual(p.parameterCount, 24)
        XCTAssertEqual(c.functionEvaluations, 49)
        XCTAssertEqual(c.flops, 49 * 96)
        XCTAssertEqual(c.matmuls, 49 * 2)
    }

    func testFullJacobianChainCount() throws {
        // Depth 3 so that one full m×m product is formed: for layer 1 the chain is J₃·J₂.
        let p = try MLPGradientProblem<Double>.seeded(depth: 3, width: 3, batch: 2, seed: 12)
        let (_, c) = try measureOperations { try p.naiveChain(form: .fullJacobian) }
        // Trace: 3 layers of (36 + 6) plus tanh, tanh′ on the two hidden layers: 126 + 24 = 150.
        // Loss and ∂ℓ/∂y: 12. Per layer i and sample s (2 samples), with m = 3:
        //   layer 3: nothing to chain; δ = ∂ℓ/∂y (linear output).
        //   layer 2: J₃ formed (9 flops) then row·J₃ (1×3·3×3 = 18) = 27 per sample; ⊙ tanh′ 6.
        //   layer 1: J₃ (9), J₂ (9), J₃·J₂ (2·27 = 54), row·(J₃J₂) 18 = 90 per sample; ⊙ tanh′ 6.
        //   each layer: ∂ℓ/∂Wᵢ = hᵢ₋₁ᵀ·δ 36, ∂ℓ/∂bᵢ 6.
        let chain = (2 * 27 + 6) + (2 * 90 + 6)
        XCTAssertEqual(c.flops, 150 + 12 + chain + 3 * 42)
        // Products: 3 forward, layer 2: 2 rows, layer 1: 2·(1 + 1), weights: 3.
        XCTAssertEqual(c.matmuls, 3 + 2 + 4 + 3)
        XCTAssertEqual(c.byName["layer_jacobian"], 2 * 1 + 2 * 2)
    }
}
