import Foundation
import XCTest
import AdjointCheck
import AdjointCore

/// A review: the black-box check convicted a valid generalized gradient at a point where f is not
/// differentiable though no axis shows a kink. Expected values by hand.
final class BlackBoxDirectionKinkTests: XCTestCase {
    /// f = |x₀ + x₁| − |x₀| − |x₁| at (0, 0). Along either axis f is |t| − |t| = 0: flat, no kink.
    /// On the piece x₀ + x₁ > 0, x₀ < 0 < x₁, f = (x₀ + x₁) + x₀ − x₁ = 2x₀, and its closure holds
    /// the origin, so (2, 0) is in the generalized gradient; ∂f/∂x₀ = 2 along the flat x₀ was
    /// flagged. Along v = (a, b) with ab < 0, f(tv) = (|a + b| − |a| − |b|)·|t| = −2·min(|a|, |b|)·|t|:
    /// one-sided slopes ±2·min(|a|, |b|), a kink the probe finds.
    func testAPieceGradientWithNoAxisKinkIsUndecidedNamingTheDirection() throws {
        let f: ([Double]) -> Double = { x in Swift.abs(x[0] + x[1]) - Swift.abs(x[0]) - Swift.abs(x[1]) }
        let r = try checkBlackBoxGradient(of: f, at: [0.0, 0.0], claimedGradient: { _ in [2, 0] })
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertFalse(e.flatWhereClaimMoves, r.renderTable())
        let why = e.kink?.unresolved ?? ""
        XCTAssertTrue(why.contains("kink along v = ("), r.renderTable())
        XCTAssertTrue(why.contains("though along no axis"), r.renderTable())
        XCTAssertTrue(why.contains("slope along x0"), r.renderTable())
        XCTAssertTrue(r.entries.joined().allSatisfy { $0.wrongSubjects.isEmpty }, r.renderTable())
        // The slopes named are the kink's along the v named: f(tv) = c·|t| with
        // c = |a + b| − |a| − |b| < 0, so (f(x) − f(x − hv))/h = −c and (f(x + hv) − f(x))/h = c.
        let v = Self.numbers(in: why, after: "v = (", upTo: ")", separator: ", ")
        let slopes = Self.numbers(in: why, after: "one-sided slopes ", upTo: ")", separator: " and ")
        XCTAssertEqual(v.count, 2, why)
        XCTAssertEqual(slopes.count, 2, why)
        if v.count == 2, slopes.count == 2 {
            let c = Swift.abs(v[0] + v[1]) - Swift.abs(v[0]) - Swift.abs(v[1])
            XCTAssertLessThan(c, -1e-3, why)
            XCTAssertEqual(slopes[0], -c, accuracy: 1e-5, why)
            XCTAssertEqual(slopes[1], c, accuracy: 1e-5, why)
        }
        XCTAssertFalse(r.passed, r.renderTable())
    }

    /// Three inputs: f = |x₀ + x₁ + x₂| − |x₀| − |x₁| − |x₂| at 0 is flat along every axis. On
    /// x₀ + x₁ + x₂ > 0, x₀ < 0 < x₁, x₂ (holding (−1, 1, 1), a cone with the origin in its
    /// closure) f = (x₀ + x₁ + x₂) + x₀ − x₁ − x₂ = 2x₀, so (2, 0, 0) is a generalized gradient.
    /// Along v with mixed signs f(tv) = (|Σvⱼ| − Σ|vⱼ|)·|t|, a kink.
    func testThreeInputsAPieceGradientIsUndecided() throws {
        let f: ([Double]) -> Double = { x in Swift.abs(x[0] + x[1] + x[2]) - Swift.abs(x[0]) - Swift.abs(x[1]) - Swift.abs(x[2]) }
        let r = try checkBlackBoxGradient(of: f, at: [0.0, 0.0, 0.0], claimedGradient: { _ in [2, 0, 0] })
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertTrue(r.entries[0][0].kink?.unresolved?.contains("though along no axis") == true, r.renderTable())
        XCTAssertTrue(r.entries.joined().allSatisfy { $0.wrongSubjects.isEmpty }, r.renderTable())
    }

    /// The VJP and JVP checks read f the same way. With u = (1) the VJP's row is ∂f/∂x of the f
    /// above, and the claimed (2, 0) is the same generalized gradient; the JVP along (1, 0)
    /// claimed ⟨(2, 0), (1, 0)⟩ = 2 is its product with the direction, where f is flat (by hand,
    /// as above). Along (1, 1), f(t, t) = 2|t| − 2|t| = 0 flat too, and ⟨(2, 0), (1, 1)⟩ = 2.
    func testTheVJPAndJVPChecksProbeToo() throws {
        let f: ([Double]) -> [Double] = { x in [Swift.abs(x[0] + x[1]) - Swift.abs(x[0]) - Swift.abs(x[1])] }
        let r = try checkBlackBoxVJP(of: f, at: [0.0, 0.0], cotangent: [1], claimed: { _, _ in [2, 0] })
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertTrue(r.entries[0][0].kink?.unresolved?.contains("though along no axis") == true, r.renderTable())
        for v in [[1.0, 0.0], [1.0, 1.0]] {
            let j = try checkBlackBoxJVP(of: f, at: [0.0, 0.0], direction: v, claimed: { _, _ in [2] })
            XCTAssertEqual(j.entries[0][0].verdict, .kink(validSubgradient: nil), "\(v)\n" + j.renderTable())
            XCTAssertTrue(j.entries[0][0].kink?.unresolved?.contains("product with the direction") == true, j.renderTable())
        }
        // A smooth f keeps a JVP's conviction: x₀x₁ at (2, 3) along (1, 1) has J·v = 3 + 2 = 5.
        let s = try checkBlackBoxJVP(of: { (x: [Double]) in [x[0] * x[1]] }, at: [2.0, 3.0], direction: [1, 1], claimed: { _, _ in [5.5] })
        XCTAssertEqual(s.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), s.renderTable())
    }

    /// The same f where it is smooth: at (0.5, −0.25), x₀ + x₁ = 0.25 > 0, x₀ > 0 > x₁, so
    /// f = (x₀ + x₁) − x₀ + x₁ = 2x₁ nearby, gradient (0, 2); its kinks (the axes and x₀ + x₁ = 0)
    /// are at least 0.25/√2 away. A claimed 2.1 for ∂f/∂x₁ is wrong and a claimed 1 for ∂f/∂x₀
    /// (f flat along x₀) too; no probed direction shows a kink, so both stay convicted.
    func testAWrongClaimAtASmoothPointOfAKinkedFunctionStaysConvicted() throws {
        let f: ([Double]) -> Double = { x in Swift.abs(x[0] + x[1]) - Swift.abs(x[0]) - Swift.abs(x[1]) }
        let a = try checkBlackBoxGradient(of: f, at: [0.5, -0.25], claimedGradient: { _ in [0, 2.1] })
        XCTAssertEqual(a.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), a.renderTable())
        XCTAssertEqual(a.entries[0][1].witnessValue ?? .nan, 2, accuracy: 1e-6, a.renderTable())
        let b = try checkBlackBoxGradient(of: f, at: [0.5, -0.25], claimedGradient: { _ in [1, 2] })
        XCTAssertEqual(b.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), b.renderTable())
        XCTAssertNil(b.entries[0][0].kink, b.renderTable())
        // The right claim passes.
        let c = try checkBlackBoxGradient(of: f, at: [0.5, -0.25], claimedGradient: { _ in [0, 2] })
        XCTAssertTrue(c.passed, c.renderTable())
    }

    /// A kink near the point, not at it: f = |x₀ − 10⁻⁵| + x₀x₁ + x₁ at (0, 1). The kink at
    /// x₀ = 10⁻⁵ is within reach of the first one-sided steps along directions moving x₀; at the
    /// point f = 10⁻⁵ − x₀ + x₀x₁ + x₁ nearby, gradient (x₁ − 1, x₀ + 1) = (0, 1). A claimed
    /// (0, 1.5) is wrong along x₁ and stays convicted: closer looks find f smooth at the point.
    func testAKinkNearThePointDoesNotRelieveAConviction() throws {
        let f: ([Double]) -> Double = { x in Swift.abs(x[0] - 1e-5) + x[0] * x[1] + x[1] }
        let r = try checkBlackBoxGradient(of: f, at: [0.0, 1.0], claimedGradient: { _ in [0, 1.5] })
        XCTAssertEqual(r.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }

    /// The numbers listed in a reason between `start` and the next `end`.
    /// The kink probe's lines read f at the point itself (its one-sided slopes are differences
    /// from f(x)); the check evaluated f there once and every probed direction asked for it again.
    /// f here is the one above, counted per call at exactly (0, 0): the whole check, five probed
    /// directions included, asks for the point once.
    func testTheProbedDirectionsReuseFAtThePoint() throws {
        final class Calls: @unchecked Sendable { var atPoint = 0, total = 0 }
        let calls = Calls()
        let f: ([Double]) -> Double = { x in
            calls.total += 1
            if x == [0, 0] { calls.atPoint += 1 }
            return Swift.abs(x[0] + x[1]) - Swift.abs(x[0]) - Swift.abs(x[1])
        }
        let r = try checkBlackBoxGradient(of: f, at: [0.0, 0.0], claimedGradient: { _ in [2, 0] })
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertGreaterThan(calls.total, 20, "the probe ran: \(calls.total) calls")
        XCTAssertEqual(calls.atPoint, 1, "f(x) asked for \(calls.atPoint) times in \(calls.total) calls")
    }

    static func numbers(in why: String, after start: String, upTo end: Character, separator: String) -> [Double] {
        guard let range = why.range(of: start) else { return [] }
        let list = why[range.upperBound...].prefix { $0 != end }
        return list.components(separatedBy: separator).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }
}
