import XCTest
import AdjointCore
@testable import AdjointSparse

final class CheckpointingTests: XCTestCase {
    /// One explicit Euler step of a damped nonlinear pendulum with a drive; nonlinear in both states.
    static func step(_ s: [Reverse<Double>]) -> [Reverse<Double>] {
        let h = Reverse<Double>(1e-3), damping = Reverse<Double>(0.1)
        let cubic: Reverse<Double> = s[1] * s[1] * s[1]
        let force: Reverse<Double> = Reverse.sin(s[0]) + damping * cubic
        let position: Reverse<Double> = s[0] + h * s[1]
        let velocity: Reverse<Double> = s[1] - h * force
        return [position, velocity]
    }
    static func loss(_ s: [Reverse<Double>]) -> Reverse<Double> { s[0] * s[0] + Reverse.exp(s[1]) }

    func plain(_ n: Int, _ x0: [Double], limit: Int = Tape<Double>.defaultLimit) throws -> (Double, [Double]) {
        let rec = try record({ x in
            var s = x
            for _ in 0..<n { s = Self.step(s) }
            return [Self.loss(s)]
        }, at: x0, tapeLimit: limit)
        return (rec.value[0], try rec.pullback([1]))
    }

    /// A researcher's pattern (the doc comment's): the ODE's parameters carried in the state.
    /// RK4 for y' = [[−a, b], [−b, −a]]·y over [0, 1] in 10⁴ steps, state (y₀, y₁, a, b), loss
    /// u(1). By hand, u(1) = e^{−a}(cos b·y₀ + sin b·y₁) (RK4's error at h = 10⁻⁴ is ~10⁻¹⁶), so
    /// ∂u/∂y₀ = e^{−a}cos b, ∂u/∂y₁ = e^{−a}sin b, ∂u/∂a = −u, ∂u/∂b = e^{−a}(−sin b·y₀ + cos b·y₁).
    func testParametersCarriedInTheStateGetTheirGradient() throws {
        let n = 10_000
        let h = Reverse<Double>(1.0 / Double(n))
        let half: Reverse<Double> = h * 0.5, sixth: Reverse<Double> = h / 6
        func field(_ u: Reverse<Double>, _ v: Reverse<Double>, _ a: Reverse<Double>, _ b: Reverse<Double>) -> (Reverse<Double>, Reverse<Double>) {
            (b * v - a * u, -(b * u) - a * v)
        }
        func rk4(_ s: [Reverse<Double>]) -> [Reverse<Double>] {
            let (u, v, a, b) = (s[0], s[1], s[2], s[3])
            let k1 = field(u, v, a, b)
            let k2 = field(u + half * k1.0, v + half * k1.1, a, b)
            let k3 = field(u + half * k2.0, v + half * k2.1, a, b)
            let k4 = field(u + h * k3.0, v + h * k3.1, a, b)
            let du: Reverse<Double> = k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0
            let dv: Reverse<Double> = k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1
            return [u + sixth * du, v + sixth * dv, a, b]
        }
        let (y0, y1, a, b) = (1.0, 0.5, 0.3, 2.0)
        let g = try checkpointedGradient(steps: n, state: [y0, y1, a, b], step: rk4, loss: { s in s[0] })
        let e = exp(-a), u = e * (cos(b) * y0 + sin(b) * y1)
        let expected = [e * cos(b), e * sin(b), -u, e * (-sin(b) * y0 + cos(b) * y1)]
        for k in 0..<4 { XCTAssertEqual(g.gradient[k], expected[k], accuracy: 1e-12, "entry \(k)") }
        XCTAssertEqual(g.value, u, accuracy: 1e-13)
    }

    func testCheckpointedGradientIsBitIdenticalToThePlainTape() throws {
        for n in [0, 1, 2, 10, 97, 1_000, 4_096] {
            let x0 = [0.7, -0.2]
            let (v, g) = try plain(n, x0)
            let c = try checkpointedGradient(steps: n, state: x0, step: Self.step, loss: Self.loss)
            XCTAssertEqual(c.value, v, "N = \(n)")
            XCTAssertEqual(c.gradient, g, "N = \(n)")   // ==, not approximately
            XCTAssertEqual(c.interval, max(1, Int(Double(n).squareRoot().rounded(.up))))
        }
    }

    /// s ← (s₀, −s₁²) with the loss 3·s₀: by hand ∇ = (3, 0). s₁ = 10 squared eleven times
    /// overflows to −∞, and the loss never reads it; the plain tape's sweep passed over those
    /// entries with cotangent 0 and added 0·∞ = NaN to ∂/∂x₁, so `pullback` threw "non-finite
    /// derivative with respect to input 1" where the checkpointed gradient, which never records
    /// the overflowed steps' products with a live cotangent, gave (3, 0), and the two were not
    /// the bit-identical pair the README promises (a review).
    func testAStateTheLossNeverReadsMayOverflowWithoutSpoilingTheGradient() throws {
        let step: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[0], -(s[1] * s[1])] }
        let loss: ([Reverse<Double>]) -> Reverse<Double> = { s in 3 * s[0] }
        let x0 = [0.5, 10.0]
        let rec = try record({ (x: [Reverse<Double>]) -> [Reverse<Double>] in
            var s = x
            for _ in 0..<11 { s = step(s) }
            return [loss(s)]
        }, at: x0)
        XCTAssertEqual(rec.outputs.count, 1)
        XCTAssertEqual(try rec.pullback([1]), [3, 0])
        XCTAssertEqual(try rec.jacobian(), [[3, 0]])
        let c = try checkpointedGradient(steps: 11, state: x0, step: step, loss: loss)
        XCTAssertEqual(c.gradient, [3, 0])
        // A NaN on a path from the seed still is one: √v·√v at v = 0 has derivative 1, which the
        // sweep cannot tell from 0·∞, so it stays an error rather than a masked 0.
        let kink = try record({ (v: [Reverse<Double>]) in [sqrt(v[0]) * sqrt(v[0])] }, at: [0.0])
        XCTAssertThrowsError(try kink.pullback([1]))
    }

    /// The doc comment's example, as written there (it did not compile: an untyped closure
    /// mixing a Double constant with Reverse values). The loop is linear, x_N = Mᴺ·x₀ with
    /// M = [[1, h], [−h, 1 − 0.1h]], so ∇ₓ₀|x_N|² = 2(Mᴺ)ᵀMᴺx₀; the reference is that product
    /// computed by mpmath at 40 digits (`M**1000000` with h = 1e-6, x₀ = (1, 0)):
    /// (1.89856309771574343233018392815583470478, 0.128253095066082006376883145590599507314),
    /// L = 0.94928154885787171616509196407791735239. The tolerance covers 10⁶ steps' rounding.
    func testTheDocumentedEulerExampleCompilesAndMatchesTheMatrixPower() throws {
        // 10⁶ explicit Euler steps of a damped oscillator, with O(√N) memory.
        let h: Reverse<Double> = 1e-6   // the step's scalar type: Double · Reverse<Double> has no operator
        let g = try checkpointedGradient(steps: 1_000_000, state: [1.0, 0.0],
            step: { (s: [Reverse<Double>]) -> [Reverse<Double>] in [s[0] + h * s[1], s[1] - h * (s[0] + 0.1 * s[1])] },
            loss: { s in s[0] * s[0] + s[1] * s[1] })
        XCTAssertEqual(g.gradient[0], 1.89856309771574343233018392815583470478, accuracy: 1e-12)
        XCTAssertEqual(g.gradient[1], 0.128253095066082006376883145590599507314, accuracy: 1e-12)
        XCTAssertEqual(g.value, 0.94928154885787171616509196407791735239, accuracy: 1e-12)
        XCTAssertEqual(g.interval, 1000)
    }

    func testCheckpointedGradientAgreesWithFiniteDifferences() throws {
        // An independent check that the chained VJPs are the derivative, not just equal to the plain tape.
        let n = 200, x0 = [0.7, -0.2], h = 1e-6
        let g = try checkpointedGradient(steps: n, state: x0, step: Self.step, loss: Self.loss).gradient
        for j in 0..<2 {
            var a = x0, b = x0
            a[j] += h; b[j] -= h
            let fd = (try plain(n, a).0 - plain(n, b).0) / (2 * h)
            XCTAssertEqual(g[j], fd, accuracy: 1e-7 * max(1, abs(fd)))
        }
    }

    func testALoopTooLongForTheTapeLimitFitsWhenCheckpointed() throws {
        let n = 20_000, limit = 50_000   // the plain loop records ~10 entries per step
        XCTAssertThrowsError(try plain(n, [0.7, -0.2], limit: limit))
        let c = try checkpointedGradient(steps: n, state: [0.7, -0.2], step: Self.step, loss: Self.loss, tapeLimit: limit)
        let full = try record({ x in
            var s = x
            for _ in 0..<n { s = Self.step(s) }
            return [Self.loss(s)]
        }, at: [0.7, -0.2])
        XCTAssertEqual(c.gradient, try full.pullback([1]))
        // One segment of ⌈√N⌉ = 142 steps against all 20000: the peak tape is ~1/141 of the plain one.
        XCTAssertLessThan(c.peakTapeBytes * 100, full.tape.byteCount)
        XCTAssertEqual(c.snapshots, 141)   // interval ⌈√20000⌉ = 142; ⌈20000/142⌉ = 141 segments, one snapshot each
    }

    /// README: "10⁵ steps of a two-state Euler step: 27 KB … against 6.8 MB for the plain tape's
    /// `byteCount`" (it said 54 KB against 15 MB, which no counter here reports).
    func testTheReadmeMemoryFigures() throws {
        func eulerStep(_ s: [Reverse<Double>]) -> [Reverse<Double>] { [s[0] - 1e-6 * s[1], s[1] + 1e-6 * s[0]] }
        func energy(_ s: [Reverse<Double>]) -> Reverse<Double> { s[0] * s[0] + s[1] * s[1] }
        let g = try checkpointedGradient(steps: 100_000, state: [1.0, 0.0], step: eulerStep, loss: energy)
        let plain = try record({ x in var s = x; for _ in 0..<100_000 { s = eulerStep(s) }; return [energy(s)] }, at: [1.0, 0.0])
        XCTAssertEqual(Double(g.peakTapeBytes + g.storedStateBytes) / 1000, 27, accuracy: 0.5)
        XCTAssertEqual(Double(plain.tape.byteCount) / 1e6, 6.8, accuracy: 0.05)
        XCTAssertEqual(g.gradient, try plain.pullback([1]))
    }

    func testAStepThatChangesTheStateSizeIsATypedError() {
        XCTAssertThrowsError(try checkpointedGradient(steps: 3, state: [1.0, 2.0], step: { [$0[0]] }, loss: { $0[0] }))
        XCTAssertThrowsError(try checkpointedGradient(steps: -1, state: [1.0], step: { $0 }, loss: { $0[0] }))
    }

    /// Every step runs twice (forward, and again when its segment is re-recorded), but touches a
    /// kink or reads a value as a Double once as far as the caller can tell, as on one tape: each
    /// was reported twice. (a, b) ← (|a|/2 + b, 0.9·b) from (0, 0) stays at (0, 0), so abs is at
    /// its kink in every one of the 9 steps: 9 kinks by hand. (a, b) ← (a·b̃, b), with b̃ = b read as
    /// a Double, escapes once a step: 9 escapes; from (1, 2) with L = a·b, a₉ = 2⁹ and the gradient
    /// that escape leaves is (∂L/∂a₀, ∂L/∂b₀) = (2⁹·2, 2⁹) = (1024, 512).
    func testKinksAndEscapesAreReportedOnceAsByOneTape() throws {
        let loss = { (s: [Reverse<Double>]) -> Reverse<Double> in s[0] * s[1] }
        let kinked = { (s: [Reverse<Double>]) -> [Reverse<Double>] in [Reverse.abs(s[0]) * 0.5 + s[1], s[1] * 0.9] }
        let escaping = { (s: [Reverse<Double>]) -> [Reverse<Double>] in [s[0] * Reverse(s[1].approximateDouble), s[1]] }
        for (step, x0, kinks, escapes, byHand) in [(kinked, [0.0, 0.0], 9, 0, [0.0, 0.0]), (escaping, [1.0, 2.0], 0, 9, [1024.0, 512.0])] {
            let (c, seen) = try Diagnostics.collect { try checkpointedGradient(steps: 9, state: x0, step: step, loss: loss) }
            let (oneTape, seenByOneTape) = try Diagnostics.collect {
                try gradient(of: { (s0: [Reverse<Double>]) -> Reverse<Double> in
                    var s = s0
                    for _ in 0..<9 { s = step(s) }
                    return loss(s)
                }, at: x0)
            }
            XCTAssertEqual(c.gradient, byHand)
            XCTAssertEqual(oneTape, byHand)
            XCTAssertEqual(seenByOneTape.kinkCount, kinks)
            XCTAssertEqual(seenByOneTape.escapes, escapes)
            XCTAssertEqual(seen.kinkCount, kinks)
            XCTAssertEqual(seen.escapes, escapes)
            XCTAssertEqual(c.diagnostics.kinkCount, kinks)
            XCTAssertEqual(c.diagnostics.escapes, escapes)
            XCTAssertEqual(c.diagnostics.kinks, seenByOneTape.kinks, "the nodes one tape names")
        }
    }

    /// The kinks name the node one tape over the loop names, not a segment tape's own: 9 steps
    /// in segments of 3 named abs at node 2, 9 and 16 in every segment (a review), where one
    /// tape numbers on: 2, 9, 16, 23, … The steps here keep the state's layout changing (an entry
    /// that repeats another's node, a constant reset, a product with the constant 0), which a
    /// segment's tape records as one tape does, and a relu at its kink in the loss.
    func testKinksNameTheNodesOfOneTape() throws {
        let steps: [(String, ([Reverse<Double>]) -> [Reverse<Double>], [Double])] = [
            ("review", { s in [Reverse.abs(s[0]) + s[1] * 0, Reverse.relu(s[1] - 1)] }, [0.0, 1.0]),
            ("shared node", { s in let t = Reverse.abs(s[0]) * 0.5; return [t, t, s[2] + 1] }, [0.0, 3.0, 1.0]),
            ("constant reset", { s in [Reverse.abs(s[0] * s[2]), Reverse(0), Reverse.max(s[1], s[2])] }, [0.0, 2.0, 2.0]),
        ]
        let loss = { (s: [Reverse<Double>]) -> Reverse<Double> in s.dropFirst().reduce(Reverse.relu(s[0]), +) }
        for (name, step, x0) in steps {
            for n in [1, 4, 9, 10] {
                let (c, _) = try Diagnostics.collect { try checkpointedGradient(steps: n, state: x0, step: step, loss: loss) }
                let (g, oneTape) = try Diagnostics.collect {
                    try gradient(of: { (s0: [Reverse<Double>]) -> Reverse<Double> in
                        var s = s0
                        for _ in 0..<n { s = step(s) }
                        return loss(s)
                    }, at: x0)
                }
                XCTAssertEqual(c.gradient, g, "\(name), \(n) steps")
                XCTAssertGreaterThan(oneTape.kinkCount, n, "\(name): the case must touch kinks")
                XCTAssertEqual(c.diagnostics.kinks.map(\.node), oneTape.kinks.map(\.node), "\(name), \(n) steps")
                XCTAssertEqual(c.diagnostics.kinks, oneTape.kinks, "\(name), \(n) steps")
            }
        }
    }

    /// A domain error in a later segment is placed by its step, as a non-finite state is: the
    /// segment's own tape named a node of its own. Step k takes log(s₀ − 1) at s₀ = 7.5 − (k − 1),
    /// so step 8 takes the log of −0.5: the second of the third segment of 3 steps.
    func testADomainErrorNamesItsStep() throws {
        let step = { (s: [Reverse<Double>]) -> [Reverse<Double>] in [s[0] - 1, s[1] + Reverse.log(s[0] - 1)] }
        XCTAssertThrowsError(try checkpointedGradient(steps: 9, state: [7.5, 0.0], step: step, loss: { $0[1] })) { e in
            guard case .domain(let op, let node, let inputs, _)? = e as? ADError else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "log in step 8 of 9 (checkpoint segment 3 of 3: steps 7–9)")
            XCTAssertNil(node)
            XCTAssertEqual(inputs, [-0.5])
        }
    }
}

/// A state entry that overflows, or starts infinite, where the loss never reads it: the plain
/// tape's gradient is finite (only the loss is checked), and the checkpointed one refused it
/// ("non-finite output 1") because each segment's recording checked every state entry (a review).
final class CheckpointingNonFiniteStateTests: XCTestCase {
    func testAnEntryTheLossNeverReadsMayOverflow() throws {
        let blow: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[0] * 1.0001, s[1] * 1e100] }
        let c = try checkpointedGradient(steps: 9, state: [1.0, 1.0], step: blow, loss: { s in s[0] * s[0] })
        // By hand: s₀ after nine steps is 1.0001⁹, so ∂(s₀²)/∂s₀(0) = 2·1.0001¹⁸; s₁ is not read.
        XCTAssertEqual(c.gradient[0], 2 * Double.pow(1.0001, 18), accuracy: 4 * Double.ulpOfOne * 2)
        XCTAssertEqual(c.gradient[1], 0)
        let plain = try gradient(of: { x in var s = x; for _ in 0..<9 { s = blow(s) }; return s[0] * s[0] }, at: [1.0, 1.0])
        XCTAssertEqual(c.gradient, plain)
        // An infinite entry from the start: s₀ doubles four times, ∂s₀(4)/∂s₀(0) = 16.
        let double: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[0] * 2, s[1]] }
        let d = try checkpointedGradient(steps: 4, state: [1.0, .infinity], step: double, loss: { s in s[0] })
        XCTAssertEqual(d.gradient, [16, 0])
        // What the loss reads is still checked.
        XCTAssertThrowsError(try checkpointedGradient(steps: 9, state: [1.0, 1.0], step: blow, loss: { s in s[1] }))
    }
}

/// A non-finite loss was named by the loss tape, whose inputs are the state: "first produced by
/// input at node 0", a node of a tape the caller never sees, where one tape over the loop names
/// the mul that overflowed. It now names the op and the step (a review).
final class CheckpointingNonFiniteOriginTests: XCTestCase {
    func assertNonFinite(_ body: @autoclosure () throws -> Any, op expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            guard case ADError.nonFinite(let what, let op, let node) = e else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(what, "output 0", file: file, line: line)
            XCTAssertEqual(op, expected, file: file, line: line)
            XCTAssertNil(node, file: file, line: line)
        }
    }

    func testTheOpAndStepWhereTheStateOverflowedAreNamed() throws {
        // (a, b) ← (b, a·b): in logs (A, B) ← (B, A + B), so B after step k is F(k)·A₀ + F(k+1)·B₀
        // (Fibonacci F). From (1.01, 0.999), A₀ = 0.0099503, B₀ = −0.0010005: B after step 25 is
        // 75025·A₀ − 121393·0.0010005 = 625 < ln(max Double) = 709.8, after step 26 is
        // 121393·A₀ − 196418·0.0010005 = 1011: step 26's mul overflows. Interval ⌈√40⌉ = 7: the
        // fourth of six segments, steps 22–28.
        let swap: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[1], s[0] * s[1]] }
        let loss: ([Reverse<Double>]) -> Reverse<Double> = { s in s[0] * s[0] + 3 * s[1] }
        XCTAssertThrowsError(try gradient(of: { x in var s = x; for _ in 0..<40 { s = swap(s) }; return loss(s) }, at: [1.01, 0.999])) { e in
            // The plain tape: inputs at nodes 0 and 1, step k's mul at node k + 1.
            guard case ADError.nonFinite(_, let op, let node) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "mul"); XCTAssertEqual(node, 27)
        }
        assertNonFinite(try checkpointedGradient(steps: 40, state: [1.01, 0.999], step: swap, loss: loss),
                        op: "mul in step 26 of 40 (checkpoint segment 4 of 6: steps 22–28)")
        // s₁·10¹⁰⁰ per step from 1 is 10³⁰⁰ after step 3 and overflows in step 4 (interval 3).
        let blow: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[0] * 1.0001, s[1] * 1e100] }
        assertNonFinite(try checkpointedGradient(steps: 9, state: [1.0, 1.0], step: blow, loss: { s in s[1] }),
                        op: "mul in step 4 of 9 (checkpoint segment 2 of 3: steps 4–6)")
    }

    func testALossThatOverflowsItselfOrAnInfiniteStartIsNamedSo() throws {
        let halve: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[0] * 0.5] }
        // 1000·2⁻³ = 125; 125·10³⁰⁰ is finite, and 1.25·10³⁰²·10¹⁰ overflows in the loss's second mul.
        assertNonFinite(try checkpointedGradient(steps: 3, state: [1000.0], step: halve, loss: { s in s[0] * 1e300 * 1e10 }),
                        op: "mul in the loss")
        assertNonFinite(try checkpointedGradient(steps: 3, state: [1.0, .infinity], step: { s in [s[0], s[1] * 0.5] }, loss: { s in s[1] }),
                        op: "entry 1 of the initial state")
    }
}

/// A zero cotangent that reaches an infinite partial: on one tape, 0·∞ = NaN where the entry is
/// reached (the derivative is an indeterminate form there) and 0 where it is not. A segment
/// boundary handed over the 0 as a skipped seed, so the checkpointed gradient of (√x)² at 0 was
/// [0.0] while the plain tape throws (the true derivative of x is 1): a silently wrong number.
final class CheckpointingZeroCotangentTests: XCTestCase {
    func plain(_ n: Int, _ x0: [Double], _ step: ([Reverse<Double>]) -> [Reverse<Double>],
               _ loss: ([Reverse<Double>]) -> Reverse<Double>) throws -> [Double] {
        try gradient(of: { x in var s = x; for _ in 0..<n { s = step(s) }; return loss(s) }, at: x0)
    }

    func testAReachedZeroCotangentMeetingSqrtAtZeroThrowsAsThePlainTapeDoes() throws {
        // x ← √x, L = x²: at x₀ = 0 the loss's cotangent 2·x_N is exactly 0 and √'(0) = ∞.
        let root: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [Reverse.sqrt(s[0])] }
        let square: ([Reverse<Double>]) -> Reverse<Double> = { s in s[0] * s[0] }
        // (a, m) ← (√a, m), L = a·m at m = 0: the zero comes from the loss reading m.
        let rootAndCarry: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [Reverse.sqrt(s[0]), s[1]] }
        let product: ([Reverse<Double>]) -> Reverse<Double> = { s in s[0] * s[1] }
        for n in [1, 2, 3, 5, 10] {
            XCTAssertThrowsError(try plain(n, [0.0], root, square), "N = \(n)")
            XCTAssertThrowsError(try checkpointedGradient(steps: n, state: [0.0], step: root, loss: square), "N = \(n)") { e in
                guard case ADError.nonFinite(let what, let op, _) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(what.contains("0·∞"), what)
                XCTAssertEqual(op, "sqrt")
            }
            XCTAssertThrowsError(try plain(n, [0.0, 0.0], rootAndCarry, product), "N = \(n)")
            XCTAssertThrowsError(try checkpointedGradient(steps: n, state: [0.0, 0.0], step: rootAndCarry, loss: product), "N = \(n)")
        }
    }

    /// A non-finite derivative inside a later segment was reported as "input 0 … node k" of that
    /// segment's own tape: the state entry and the step are what the caller can place.
    func testANonFiniteDerivativeInALaterSegmentNamesTheStateEntryAndStep() throws {
        // (a, c) ← (a − 1, c + √(a·a)) from (4, 0), L = c: step 4 takes √ at 0 with cotangent 1.
        // Nine steps, interval 3: that step is in the segment [3, 6), whose inputs are the state
        // after step 3.
        let countdown: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[0] - 1, s[1] + Reverse.sqrt(s[0] * s[0])] }
        XCTAssertThrowsError(try plain(9, [4.0, 0.0], countdown, { s in s[1] }))
        XCTAssertThrowsError(try checkpointedGradient(steps: 9, state: [4.0, 0.0], step: countdown, loss: { s in s[1] })) { e in
            guard case ADError.nonFinite(let what, let op, let node) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(what, "derivative with respect to state entry 0 after step 3")
            XCTAssertEqual(op, "sqrt")
            XCTAssertNil(node)
        }
        // In the first segment, the entry is an input, as the plain tape names it.
        XCTAssertThrowsError(try checkpointedGradient(steps: 9, state: [1.0, 0.0], step: countdown, loss: { s in s[1] })) { e in
            guard case ADError.nonFinite(let what, _, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(what, "derivative with respect to input 0")
        }
    }

    func testAZeroCotangentThatIsNotReachedOrMeetsOnlyFinitePartialsStaysZero() throws {
        // The √ entry is never read by the loss: 0 on one tape, and here. By hand ∂L/∂x₀ = (0, 2ᴺ).
        let rootAndDouble: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [Reverse.sqrt(s[0]), s[1] * 2] }
        // Reached zero cotangent, finite partials (sin at 0): ∂(sinᴺ(a)·m)/∂(a, m) at (0, 0) = (0, 0).
        let sineAndCarry: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [Reverse.sin(s[0]), s[1]] }
        for n in [0, 1, 2, 3, 5, 10] {
            let c = try checkpointedGradient(steps: n, state: [0.0, 1.0], step: rootAndDouble, loss: { s in s[1] })
            XCTAssertEqual(c.gradient, [0, Double.pow(2, Double(n))], "N = \(n)")
            XCTAssertEqual(c.gradient, try plain(n, [0.0, 1.0], rootAndDouble, { s in s[1] }))
            let d = try checkpointedGradient(steps: n, state: [0.0, 0.0], step: sineAndCarry, loss: { s in s[0] * s[1] })
            XCTAssertEqual(d.gradient, [0, 0], "N = \(n)")
        }
    }

    /// A loss that reads m only through a product with the constant 0 does not reach m, so the
    /// 0·∞ of √ at 0 in the segments before adds 0, as on one tape. The boundaries decide that
    /// with the tape's own reachability walk (`Tape.entriesReached(from:)`), the one the sweep
    /// uses. With the cut dropped from that walk this throws (tried) while the other checkpointing
    /// tests still passed.
    func testAConstantZeroFactorInTheLossCutsAcrossSegmentsAsOnOneTape() throws {
        // (a, m) ← (a, √m) from (1, 0), L = a² + 0·m: by hand ∂L/∂(a, m) = (2a, 0) = (2, 0).
        let carryAndRoot: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[0], Reverse.sqrt(s[1])] }
        let loss: ([Reverse<Double>]) -> Reverse<Double> = { s in s[0] * s[0] + Reverse(0) * s[1] }
        for n in [1, 2, 3, 5, 10] {
            XCTAssertEqual(try plain(n, [1.0, 0.0], carryAndRoot, loss), [2, 0], "N = \(n)")
            XCTAssertEqual(try checkpointedGradient(steps: n, state: [1.0, 0.0], step: carryAndRoot, loss: loss).gradient, [2, 0], "N = \(n)")
        }
    }
}

/// A step that returns one node in two state entries, or a constant: one tape sums that node's
/// cotangent over both entries' uses in tape order, and a segment's tape, which made each entry a
/// variable of its own, summed each entry apart and then the sums (the last bit differed).
final class CheckpointingSharedStateTests: XCTestCase {
    func testAStepReturningOneNodeTwiceIsBitIdenticalToThePlainTape() throws {
        let shared: ([Reverse<Double>]) -> [Reverse<Double>] = { s in
            let t = Reverse.sin(s[1]) + Reverse.cos(s[0]) + s[1] * s[1] * 0.13
            return [t, t]
        }
        let resetting: ([Reverse<Double>]) -> [Reverse<Double>] = { s in
            let t = Reverse.sin(s[1]) * s[0] + Reverse.cos(s[2]) * 0.7
            return [t, s[0] * 0.3 + t, Reverse(0.25), t]
        }
        let loss: ([Reverse<Double>]) -> Reverse<Double> = { s in s[0] * s[1] + s[s.count - 1] }
        for (step, x0) in [(shared, [0.37, 0.81]), (resetting, [0.37, 0.81, -0.4, 0.9])] {
            for n in [0, 1, 2, 3, 5, 7, 10, 11, 50, 99] {
                let plain = try record({ x in var s = x; for _ in 0..<n { s = step(s) }; return [loss(s)] }, at: x0)
                let c = try checkpointedGradient(steps: n, state: x0, step: step, loss: loss)
                XCTAssertEqual(c.value, plain.value[0], "N = \(n)")
                XCTAssertEqual(c.gradient, try plain.pullback([1]), "N = \(n)")   // ==, not approximately
            }
        }
    }
}
