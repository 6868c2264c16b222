import XCTest
import Foundation
@testable import AdjointCore

/// How the tape stores leaves: inputs written in bulk by `record`, and a literal repeated in a
/// loop kept as one shared `.constant` entry. Both change only the layout, never a derivative.
final class TapeLayoutTests: XCTestCase {
    /// f(x₀, x₁) = (1 + x₀²)(1 + x₁²). By hand: ∂f/∂x₀ = 2x₀(1 + x₁²), ∂f/∂x₁ = 2x₁(1 + x₀²);
    /// at (2, 3): 4·10 = 40 and 6·5 = 30.
    func product<T: ADScalar>(_ x: [T]) -> T { (1 + x[0] * x[0]) * (1 + x[1] * x[1]) }

    func testRepeatedLiteralIsOneEntryAndGradientIsUnchanged() throws {
        let rec = try record({ [product($0)] }, at: [2.0, 3.0])
        // By hand: inputs x₀, x₁; x₀·x₀, the constant 1, add; x₁·x₁, add (reusing the 1); the
        // product: 8 entries, of which exactly one is a constant.
        XCTAssertEqual(rec.tape.count, 8)
        let constants = (0..<rec.tape.count).filter { rec.tape.entry($0)?.op == .constant }
        XCTAssertEqual(constants.count, 1)
        XCTAssertEqual(try rec.pullback([1]), [40, 30])
        // The shared constant collects adjoint from both adds; the sweep must still leave the
        // scratch cleared, so a second sweep (scaled cotangent) gives exactly twice the first.
        XCTAssertEqual(try rec.pullback([2]), [80, 60])
    }

    func testDifferentLiteralsAreNotShared() throws {
        // f(x) = (2 + x)(3 + x); by hand f' = (3 + x) + (2 + x) = 2x + 5, which is 7 at x = 1.
        let rec = try record({ x in [(2 + x[0]) * (3 + x[0])] }, at: [1.0])
        let constants = (0..<rec.tape.count).compactMap { i -> Double? in
            guard let e = rec.tape.entry(i), e.op == .constant else { return nil }
            return e.value
        }
        XCTAssertEqual(constants, [2, 3])
        XCTAssertEqual(try rec.pullback([1]), [7])
    }

    func testFloatTapeSharesLiteralsToo() throws {
        // Same product as above in Float: 40 and 30 are exact in Float.
        let rec = try record({ [product($0)] }, at: [Float(2), Float(3)])
        XCTAssertEqual(rec.tape.count, 8)
        XCTAssertEqual(try rec.pullback([1]), [40, 30])
    }

    func testBulkInputsKeepOrdinalsAndOrder() throws {
        // f(x) = Σ (k+1)·x_k has gradient [1, 2, …, n] (read off the definition).
        let n = 1000
        let x = (0..<n).map { Double($0) * 0.5 }
        let g = try gradient(of: { v in
            var s: Reverse<Double> = 0
            for k in 0..<v.count { s = s + Reverse(Double(k + 1)) * v[k] }
            return s
        }, at: x)
        XCTAssertEqual(g, (1...n).map(Double.init))
        let rec = try record({ v in [v[0] * v[n - 1]] }, at: x)
        for k in 0..<n {
            XCTAssertEqual(rec.tape.entry(k)?.op, .input)
            XCTAssertEqual(rec.tape.entry(k)?.value, x[k])
        }
    }

    /// The sweep hands out the adjoints of the inputs recorded before any op in one loop, and
    /// those made later (interleaved with ops) one entry at a time; both must land on their own
    /// ordinal. f = a·b + sin(c)·a with c made after a·b was recorded. By hand: ∂f/∂a = b + sin c,
    /// ∂f/∂b = a, ∂f/∂c = a·cos c; at (2, 3, 0.5).
    func testInputsMadeBeforeAndBetweenOpsGetTheirOwnAdjoints() {
        let (a0, b0, c0) = (2.0, 3.0, 0.5)
        let tape = Tape<Double>()
        let a = tape.variable(a0), b = tape.variable(b0)
        let ab = a * b
        let c = tape.variable(c0)
        let f = ab + Reverse.sin(c) * a
        let g = tape.pullback(from: [(f, 1)], to: [a, b, c])
        XCTAssertEqual(g[0], b0 + Foundation.sin(c0), accuracy: 1e-15)
        XCTAssertEqual(g[1], a0)
        XCTAssertEqual(g[2], a0 * Foundation.cos(c0), accuracy: 1e-15)
        // Every node's cotangent, the inputs' included, as error analysis reads them; and a
        // second sweep finds the scratch cleared (the same cotangents again).
        for _ in 0..<2 {
            let node = tape.nodeCotangents(from: [(f, 1)])
            XCTAssertEqual(node[0], g[0], accuracy: 1e-15)
            XCTAssertEqual(node[1], g[1])
            XCTAssertEqual(node[Int(c.node ?? -1)], g[2], accuracy: 1e-15)
            XCTAssertEqual(tape.pullback(from: [(f, 2)], to: [a, b, c]).map { $0 / 2 }, g)
        }
        // Seeded at an input itself (the sweep starts inside the leading inputs): ∂b/∂b = 1.
        XCTAssertEqual(tape.pullback(from: [(b, 1)], to: [a, b, c]), [0, 1, 0])
    }

    func testInputsBeyondTheTapeLimitStillThrowLimitExceeded() {
        // 100 inputs cannot fit a 50-entry tape: the bulk path must fall back and report it.
        XCTAssertThrowsError(try record({ v in [v[0]] }, at: [Double](repeating: 1, count: 100), tapeLimit: 50)) { e in
            guard case ADError.limitExceeded = e else { return XCTFail("expected limitExceeded, got \(e)") }
        }
    }

    // MARK: Partials kept from recording (sin, cos)

    /// f(x) = Σₖ [sin(xₖ) − cos(2xₖ)] recorded on a tape that starts small, so it grows while
    /// partials are kept. By hand: ∂f/∂xₖ = cos(xₖ) + 2·sin(2xₖ).
    func testKeptPartialsSurviveGrowthAndEverySweep() throws {
        let n = 700
        let x = (0..<n).map { -3 + 6 * Double($0) / Double(n) }
        let tape = Tape<Double>(capacity: 16)
        let v = x.map { tape.variable($0) }
        var s: Reverse<Double> = 0
        for k in 0..<n { s = s + Reverse.sin(v[k]) - Reverse.cos(2 * v[k]) }
        let byHand = x.map { Foundation.cos($0) + 2 * Foundation.sin(2 * $0) }
        for scale in [1.0, -3.0] {
            let g = tape.pullback(from: [(s, scale)], to: v)
            for k in 0..<n { XCTAssertEqual(g[k], scale * byHand[k], accuracy: 1e-15 * (1 + abs(byHand[k])), "x[\(k)]") }
        }
        // The kept partials are in the byte count: one Double per sin and per cos.
        XCTAssertEqual(tape.byteCount, tape.count * Tape<Double>.bytesPerEntry + 2 * n * MemoryLayout<Double>.size)
        // And the partial the tape reports for an entry is the registry's, recomputed.
        let sinEntry = (0..<tape.count).first { tape.entry($0)?.op == .sin }!
        XCTAssertEqual(tape.localPartials(sinEntry), [Foundation.cos(x[0])])
    }

    /// Second order through kept partials: the tape of Dual values keeps the dual partial
    /// cos(x) + ε·(−sin x), so forward-over-reverse gives f″ = −sin x for f = sin.
    func testKeptPartialOfANestedDualCarriesItsTangent() throws {
        let x = 0.7
        let tape = Tape<Dual<Double, Double>>()
        let v = tape.variable(Dual(x, tangent: 1))
        let z = Reverse.sin(v)
        let g = tape.pullback(from: [(z, Dual(1, tangent: 0))], to: [v])[0]
        XCTAssertEqual(g.value, Foundation.cos(x), accuracy: 1e-16)
        XCTAssertEqual(g.tangent, -Foundation.sin(x), accuracy: 1e-16)
    }
}
