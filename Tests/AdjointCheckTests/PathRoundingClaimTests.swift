import XCTest
@testable import AdjointCheck
import AdjointCore

/// Lotka–Volterra integrated by explicit RK4 over 100 steps: u′ = a·u − b·u·v, v′ = −c·v + d·u·v,
/// x = (u₀, v₀, a, b, c, d), loss u(T) + v(T)²/2. A researcher's hand-written discrete adjoint of
/// the loop, right and with an off-by-one (the first step's adjoint skipped), checked in Float
/// (trial O). The tape's path magnitudes at this point reach ~10⁶ (every RK4 stage multiplies the
/// paths), so the rounding bound 4·64ε·path allowed for AD's own accumulation is ~20 in Float on
/// entries of 23…267: it passed the off-by-one claim (5% off; forward and reverse agree with the
/// complex step to 10⁻⁶) as "agree".
struct RK4LotkaVolterra: ADFunction {
    static let h = 0.05, steps = 100
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let (a, b, c, d) = (x[2], x[3], x[4], x[5])
        func rhs(_ y: [T]) -> [T] { [a * y[0] - b * y[0] * y[1], -c * y[1] + d * y[0] * y[1]] }
        let h = T(Self.h)
        var y = [x[0], x[1]]
        for _ in 0..<Self.steps {
            let k1 = rhs(y)
            let k2 = rhs([y[0] + h / 2 * k1[0], y[1] + h / 2 * k1[1]])
            let k3 = rhs([y[0] + h / 2 * k2[0], y[1] + h / 2 * k2[1]])
            let k4 = rhs([y[0] + h * k3[0], y[1] + h * k3[1]])
            let s0 = k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]
            let s1 = k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]
            y = [y[0] + h / 6 * s0, y[1] + h / 6 * s1]
        }
        return [y[0] + y[1] * y[1] / 2]
    }

    /// The discrete adjoint of the loop, by hand (stages reversed: k̄₄ → k̄₁, each through Jᵀ and
    /// (∂rhs/∂p)ᵀ). `skipFirstStep` stops the reverse loop one step early, the off-by-one.
    static func adjoint<V: BinaryFloatingPoint>(_ x: [V], skipFirstStep: Bool = false) -> [V] {
        let (a, b, c, d) = (x[2], x[3], x[4], x[5])
        let h = V(Self.h)
        func rhs(_ y: [V]) -> [V] { [a * y[0] - b * y[0] * y[1], -c * y[1] + d * y[0] * y[1]] }
        func jT(_ y: [V], _ w: [V]) -> [V] {
            [(a - b * y[1]) * w[0] + d * y[1] * w[1], -b * y[0] * w[0] + (-c + d * y[0]) * w[1]]
        }
        func jpT(_ y: [V], _ w: [V]) -> [V] { [y[0] * w[0], -y[0] * y[1] * w[0], -y[1] * w[1], y[0] * y[1] * w[1]] }
        func axpy(_ s: V, _ p: [V], _ q: [V]) -> [V] { zip(p, q).map { $0 + s * $1 } }
        func stages(_ y: [V]) -> [[V]] {
            let k1 = rhs(y), y2 = axpy(h / 2, y, k1), k2 = rhs(y2), y3 = axpy(h / 2, y, k2), k3 = rhs(y3)
            return [y, y2, y3, axpy(h, y, k3), k1, k2, k3, rhs(axpy(h, y, k3))]
        }
        var states = [[x[0], x[1]]]
        for _ in 0..<Self.steps {
            let s = stages(states[states.count - 1])
            var next = s[0]
            for i in 0..<2 {
                let sum: V = s[4][i] + 2 * s[5][i] + 2 * s[6][i] + s[7][i]
                next[i] += h / 6 * sum
            }
            states.append(next)
        }
        var lam: [V] = [1, states[Self.steps][1]]
        var pb: [V] = [0, 0, 0, 0]
        for n in stride(from: Self.steps - 1, through: skipFirstStep ? 1 : 0, by: -1) {
            let s = stages(states[n])
            let k4b = lam.map { h / 6 * $0 }
            var k3b = lam.map { h / 3 * $0 }, k2b = k3b, k1b = k4b, yb = lam
            let g4 = jT(s[3], k4b); yb = axpy(1, yb, g4); k3b = axpy(h, k3b, g4); pb = axpy(1, pb, jpT(s[3], k4b))
            let g3 = jT(s[2], k3b); yb = axpy(1, yb, g3); k2b = axpy(h / 2, k2b, g3); pb = axpy(1, pb, jpT(s[2], k3b))
            let g2 = jT(s[1], k2b); yb = axpy(1, yb, g2); k1b = axpy(h / 2, k1b, g2); pb = axpy(1, pb, jpT(s[1], k2b))
            yb = axpy(1, yb, jT(s[0], k1b)); pb = axpy(1, pb, jpT(s[0], k1b))
            lam = yb
        }
        return lam + pb
    }
}

final class PathRoundingClaimTests: XCTestCase {
    static let point: [Double] = [1.0, 0.5, 1.1, 0.4, 0.4, 0.1]

    /// The off-by-one claim is ~1.1 off on entries the modes and the complex step agree on to
    /// 10⁻⁴ (Float): no entry of it may be passed on the path-magnitude bound.
    func testAnOffByOneAdjointIsNotPassedInFloat() throws {
        let x = Self.point.map { Float($0) }
        let r = try checkGradient(of: RK4LotkaVolterra(), at: x,
                                  claimedGradient: { RK4LotkaVolterra.adjoint($0, skipFirstStep: true) })
        XCTAssertFalse(r.passed, r.renderTable())
        for e in r.entries[0] {
            let claim = e.subjects.first { $0.name == "claimed" }!.value
            let forward = e.subjects.first { $0.name == "forward" }!.value
            // Entries where the claim is more than 0.3% off the forward value (which agrees with
            // the complex step to 10⁻⁵ relative) are never "agree". (Entry 3 is 0.2% off, within
            // central's Float tolerance below ε^{1/3} of the row, which is the check's design.)
            if Swift.abs(claim - forward) > 0.003 * Swift.abs(forward) {
                XCTAssertNotEqual(e.verdict.name, "agree", r.renderTable())
            }
        }
    }

    /// Independent evidence that the claim is wrong (the same adjoint in Double is convicted) and
    /// that the right adjoint still passes in Float: the fix does not turn right claims inconclusive.
    func testTheRightAdjointPassesAndTheOffByOneIsConvictedInDouble() throws {
        let wrong = try checkGradient(of: RK4LotkaVolterra(), at: Self.point,
                                      claimedGradient: { RK4LotkaVolterra.adjoint($0, skipFirstStep: true) })
        XCTAssertEqual(wrong.verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        let right = try checkGradient(of: RK4LotkaVolterra(), at: Self.point.map { Float($0) },
                                      claimedGradient: { RK4LotkaVolterra.adjoint($0) })
        XCTAssertTrue(right.passed, right.renderTable())
        let rightDouble = try checkGradient(of: RK4LotkaVolterra(), at: Self.point,
                                            claimedGradient: { RK4LotkaVolterra.adjoint($0) })
        XCTAssertTrue(rightDouble.passed, rightDouble.renderTable())
    }
}

final class ExactRungNoteTests: XCTestCase {
    /// 100 RK4 steps in exact rationals pass the work limit; the note said only "exact evaluation
    /// failed", leaving a user to guess whether f or the check failed. It now carries the error.
    func testTheExactRungSaysWhyItFailed() throws {
        let r = try checkGradient(of: RK4LotkaVolterra(), at: PathRoundingClaimTests.point,
                                  claimedGradient: { RK4LotkaVolterra.adjoint($0, skipFirstStep: true) })
        let note = r.renderTable().split(separator: "\n").first { $0.contains("note: exact-rationals") }.map(String.init) ?? ""
        XCTAssertTrue(note.contains("exact evaluation failed: "), r.renderTable())
        XCTAssertTrue(note.lowercased().contains("limit"), note)
    }
}
