import XCTest
import AdjointCore
@testable import AdjointSparse

final class SparseHessianTests: XCTestCase {
    func testPartiallySeparableHessianIsRecoveredExactlyFromAStarColouring() throws {
        let x = points(40)
        let h = try sparseHessian(of: ChainEnergy(), at: x)
        XCTAssertEqual(h.pattern.nonzeroCount, 3 * 40 - 2)
        // A path needs 3 colours in a star colouring (2 would bicolour a path on 4 vertices).
        XCTAssertEqual(h.coloring.count, 3)
        assertRecovered(h.matrix.dense(), from: try hessian(of: ChainEnergy(), at: x))
        // And against the hand derivative: ∂²/∂x_k∂x_{k+1} exp(x_k x_{k+1}) = (1 + x_k x_{k+1}) e^{x_k x_{k+1}}.
        let p = x[3] * x[4]
        XCTAssertEqual(try h.matrix[3, 4], (1 + p) * exp(p), accuracy: 1e-13)
    }

    func testArrowHessianIsRecoveredAndTheColouringIsAStarColouring() throws {
        let x = points(30)
        let h = try sparseHessian(of: ArrowEnergy(), at: x)
        assertRecovered(h.matrix.dense(), from: try hessian(of: ArrowEnergy(), at: x))
        assertStar(h.pattern, h.coloring)
        XCTAssertLessThan(h.coloring.count, 30)
    }

    func testRecoveryRefusesAColouringThatIsNotAStarColouring() throws {
        // Path 0-1-2-3 coloured 0,1,0,1: proper, but entry (1, 2) cannot be read from either
        // product (colour 0 twice around 1, colour 1 twice around 2): an error, not a wrong entry.
        let p = SparsityPattern(unchecked: 4, 4, [[0, 1], [0, 1, 2], [1, 2, 3], [2, 3]])
        let products: [[Double]] = [[1, 2, 3, 4], [5, 6, 7, 8]]
        XCTAssertThrowsError(try recoverStarColoured(p, Coloring(colors: [0, 1, 0, 1], count: 2), products)) { e in
            XCTAssertTrue("\(e)".contains("entry (1, 2)"), "\(e)")
        }
        XCTAssertNoThrow(try recoverStarColoured(p, try starColoring(p), [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]))
    }

    func testHessianPatternOfAProductAndASine() throws {
        let rec = try record({ x in [x[0] * x[1] + Reverse.sin(x[2]) + x[3]] }, at: [1.0, 2.0, 3.0, 4.0])
        XCTAssertEqual(hessianSparsity(of: rec).rowColumns, [[0, 1], [0, 1], [2], [3]])
    }

    /// A running average y ← ½·(y + x_k) is linear: the constant ½ times a long linear chain adds
    /// no curvature. Detection walked that chain's cone at every step, O(n²) visits (n = 4000 took
    /// 8 s in a debug build, n = 10⁵ would take hours) for a Hessian that is only the diagonal of
    /// Σ x_k². The count is of nodes visited, bounded by a small multiple of the tape.
    func testConstantTimesALongLinearChainDoesNotWalkTheChainAtEveryStep() throws {
        let n = 2000
        let rec = try record({ (x: [Reverse<Double>]) -> [Reverse<Double>] in
            var y = Reverse<Double>(0), s = Reverse<Double>(0)
            for v in x { y = 0.5 * (y + v); s = s + v * v }
            return [s + y / 3]
        }, at: points(n))
        let (pattern, visits) = hessianSparsityCountingVisits(of: rec)
        // By hand: ∂²/∂x_j∂x_k of Σ x² + (linear) is 2δ_jk, so the pattern is the diagonal.
        XCTAssertEqual(pattern.rowColumns, (0..<n).map { [$0] })
        XCTAssertLessThanOrEqual(visits, 4 * rec.tape.count, "visits \(visits) for a tape of \(rec.tape.count) entries")
    }

    /// (a, b) ← (sin(a)·b + 1, a) for many steps: two inputs, a 2 × 2 Hessian, a tape of ~4 entries a step.
    /// Walking each nonlinear node's cone afresh visited ~3k²/2 nodes over k steps (48 million at
    /// k = 4000, 30 s in a debug build; 10⁵ steps, hours). Remembering the input sets of the nodes
    /// walked ends each step's walk one node down.
    func testADeepChainIsWalkedOnceNotOncePerStep() throws {
        let steps = 3000
        let rec = try record({ DeepChain(steps: steps)($0) }, at: [0.3, 0.7])
        let (pattern, visits) = hessianSparsityCountingVisits(of: rec)
        XCTAssertEqual(pattern.rowColumns, [[0, 1], [0, 1]])
        XCTAssertLessThanOrEqual(visits, 4 * rec.tape.count, "visits \(visits) for a tape of \(rec.tape.count) entries")
        // The dense Hessian (n products, no pattern) has all four entries nonzero: the pattern is not too wide.
        let dense = try hessian(of: DeepChain(steps: 40), at: [0.3, 0.7])
        XCTAssertTrue(dense.allSatisfy { $0.allSatisfy { $0 != 0 } }, "\(dense)")
        XCTAssertEqual(hessianSparsity(of: try record({ DeepChain(steps: 40)($0) }, at: [0.3, 0.7])).rowColumns, [[0, 1], [0, 1]])
    }

    /// On seeded random graphs of generic ops the detected pattern is exactly the nonzeros of the
    /// dense Hessian (computed without any pattern) at random points: it covers every nonzero
    /// (never a dropped entry), and adds none that is zero at every point (a structurally needless
    /// entry would show as one; the graphs have no subtraction, whose u − u detection keeps). Remembered sets are shared between nodes, so a wrong reuse
    /// (a node given its neighbour's set) would show here as a missing or extra entry.
    func testRandomGraphPatternsAreTheDenseHessiansNonzeros() throws {
        var coupling = 0
        for seed in 0..<40 as Range<UInt64> {
            let f = RandomScalarGraph(seed: seed)
            var g = SeededGenerator(seed: seed + 500)
            var nonzero = Array(repeating: Set<Int>(), count: f.inputs)
            var pattern: [[Int]] = []
            for _ in 0..<3 {
                let x = (0..<f.inputs).map { _ in 0.2 + g.nextUnit() }
                let dense = try hessian(of: f, at: x)
                for i in dense.indices { for j in dense[i].indices where dense[i][j] != 0 { nonzero[i].insert(j) } }
                pattern = hessianSparsity(of: try record({ f($0) }, at: x)).rowColumns
            }
            // The diagonal of every input read is in the pattern by design (a place for recovery).
            let reads = Set(pattern.indices.filter { !pattern[$0].isEmpty })
            let expected = nonzero.enumerated().map { i, r in (reads.contains(i) ? r.union([i]) : r).sorted() }
            XCTAssertEqual(pattern, expected, "graph \(seed): \(f.steps)")
            if pattern.enumerated().contains(where: { i, r in r.contains { $0 != i } }) { coupling += 1 }
        }
        XCTAssertGreaterThanOrEqual(coupling, 10, "graphs with an off-diagonal entry: the check would be weak without them")
    }

    /// The shortcut must keep curvature that a constant does not remove: c / u couples u's inputs
    /// (∂²(1/(x₀+x₁))/∂x₀∂x₁ = 2/(x₀+x₁)³ ≠ 0), c·(u·v) keeps u·v's coupling, and u / c is linear.
    func testConstantsKeepTheCurvatureTheyDoNotRemove() throws {
        let rec = try record({ x in [1 / (x[0] + x[1]) + 3 * (x[2] * x[3]) + x[4] / 7] }, at: [1.0, 2, 3, 4, 5])
        XCTAssertEqual(hessianSparsity(of: rec).rowColumns, [[0, 1], [0, 1], [2, 3], [2, 3], [4]])
    }

    /// Each recovered entry is bit-identical to the dense Hessian's entry at (i, j) or at its mirror
    /// (j, i). The dense `hessian` is itself asymmetric in the last bit (H·e_j and H·e_i round
    /// differently), and recovery reads entry (i, j) from the product of either i's or j's colour;
    /// the compressed product H·s_c equals H·e_k bit for bit in the rows it is read from. Zeros
    /// outside the pattern must be exact zeros in the dense Hessian.
    func assertRecovered(_ sparse: [[Double]], from dense: [[Double]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(sparse.count, dense.count, file: file, line: line)
        var mismatches = 0
        for i in sparse.indices {
            for j in sparse[i].indices where sparse[i][j] != dense[i][j] && sparse[i][j] != dense[j][i] {
                if mismatches < 5 { XCTFail("(\(i), \(j)): sparse \(sparse[i][j]), dense \(dense[i][j]) / \(dense[j][i])", file: file, line: line) }
                mismatches += 1
            }
        }
        XCTAssertEqual(mismatches, 0, file: file, line: line)
    }

    /// Adjacent vertices differ and no path on 4 vertices is bicoloured (checked by brute force).
    func assertStar(_ p: SparsityPattern, _ c: Coloring, file: StaticString = #filePath, line: UInt = #line) {
        let adj = p.rowColumns.enumerated().map { i, r in r.filter { $0 != i } }
        for (v, ns) in adj.enumerated() {
            for w in ns {
                XCTAssertNotEqual(c.colors[v], c.colors[w], file: file, line: line)
                for x in adj[w] where x != v {
                    for y in adj[x] where y != w && y != v && c.colors[y] == c.colors[w] && c.colors[x] == c.colors[v] {
                        XCTFail("bicoloured path \(v)-\(w)-\(x)-\(y)", file: file, line: line)
                        return
                    }
                }
            }
        }
    }
}

/// f = Σⱼ 10³⁰⁷·x₀·xⱼ (j = 1…20): by hand ∂²f/∂x₀∂xⱼ = 10³⁰⁷ and every other entry is 0. At
/// xⱼ = (−1)ʲ the value and gradient stay finite (the terms alternate), and so does every entry;
/// the star colouring gives x₀ one colour and x₁…x₂₀ another, whose product H·s sums row 0 over
/// 20 entries: 2·10³⁰⁸, +∞ in Double, in a place no entry is read from.
private struct LargeHub: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [(1..<x.count).reduce(T(0)) { s, j in s + T(1e307) * x[0] * x[j] }]
    }
}

final class SparseHessianOverflowTests: XCTestCase {
    /// The checked Hessian–vector product threw a non-finite entry for a Hessian whose every
    /// entry is finite (the dense `hessian` gives it).
    func testAnOverflowInAProductEntryThatIsNotReadIsNoError() throws {
        let x = [1.0] + (1...20).map { $0 % 2 == 0 ? 1.0 : -1.0 }
        let h = try sparseHessian(of: LargeHub(), at: x)
        XCTAssertEqual(h.coloring.count, 2)
        for j in 1...20 {
            XCTAssertEqual(try h.matrix[0, j], 1e307)
            XCTAssertEqual(try h.matrix[j, 0], 1e307)
        }
        XCTAssertEqual(h.matrix.dense(), try hessian(of: LargeHub(), at: x))
    }
}

private struct PowBoth: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(x[0], x[1]) + x[2] * x[2]] }
}

private struct ThreeHalves: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(x[0], T(1.5)) + x[1] * x[1]] }
}

extension SparseHessianOverflowTests {
    /// An entry that is read and not finite is still an error, as in the dense Hessian: x^1.5 at
    /// 0 has gradient 0 and second derivative 0.75/√x = +∞; pow(x, y) at (0, 1) has an unbounded
    /// mixed partial, which its rule reports.
    func testANonFiniteEntryThatIsReadIsStillAnError() throws {
        XCTAssertThrowsError(try hessian(of: ThreeHalves(), at: [0.0, 1.0]))
        XCTAssertThrowsError(try sparseHessian(of: ThreeHalves(), at: [0.0, 1.0])) { error in
            guard case ADError.nonFinite = error else { return XCTFail("expected nonFinite, got \(error)") }
            XCTAssertTrue("\(error)".contains("(0, 0)"), "\(error)")
            // And the op where the ∞ was born, as the dense Hessian names it (it named none).
            guard case let ADError.nonFinite(_, op, _) = error else { return }
            XCTAssertEqual(op, "pow")
        }
        var denseError: Error?
        XCTAssertThrowsError(try hessian(of: PowBoth(), at: [0.0, 1.0, 2.0])) { denseError = $0 }
        XCTAssertThrowsError(try sparseHessian(of: PowBoth(), at: [0.0, 1.0, 2.0])) { error in
            XCTAssertEqual("\(error)", "\(denseError.map { "\($0)" } ?? "")")
        }
    }
}
