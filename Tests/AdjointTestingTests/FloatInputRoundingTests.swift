import AdjointCheck
import AdjointCore
import Foundation
import XCTest
@testable import AdjointTesting

// Inputs are drawn as Doubles; a Float property rounds them. Where the rounding left the domain
// (a positive value become 0, a finite one ∞), f was evaluated at the rounded value and the
// failure blamed f at an input the message printed inside the domain.

struct FloatLog: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0])] }
}

final class FloatInputRoundingTests: XCTestCase {
    var fifty: AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = 50
        return o
    }

    /// Every value of log-uniform 10⁻⁶⁰…10⁻³⁰ is below Float's smallest subnormal (1.4·10⁻⁴⁵),
    /// so rounds to 0 (IEEE round-to-nearest), where log is −∞: the black box was reported as
    /// "non-finite output 0 of the black-box function" at input 3.4e-58.
    func testABlackBoxInputThatRoundsToZeroIsNamedNotBlamedOnF() {
        XCTAssertEqual(Float(3.4e-58), 0)
        let f: @Sendable ([Float]) -> Float = { x in Foundation.log(x[0]) }
        let r = checkProperty(.blackBoxGradient(of: f, claimed: { x in [1 / x[0]] }, inputs: .vector(1, .logUniform(1e-60...1e-30))),
                              options: fifty)
        XCTAssertEqual(r.failure?.verdict, .error, r.message)
        XCTAssertTrue(r.message.contains("is 0.0 in Float, which leaves its domain"), r.message)
        XCTAssertTrue(r.message.contains("log-uniform 1e-60…1e-30"), r.message)
        XCTAssertFalse(r.message.contains("non-finite output"), r.message)
    }

    /// The same through AD: "domain error in log … (inputs: 0.0)" beside "input: [1e-60]".
    func testAGenericFloatPropertyNamesTheRoundedInput() {
        let r = checkProperty(.gradient(of: FloatLog(), claimed: { (x: [Float]) in [1 / x[0]] },
                                        inputs: .vector(1, .logUniform(1e-60...1e-30))), options: fifty)
        XCTAssertEqual(r.failure?.verdict, .error, r.message)
        XCTAssertTrue(r.message.contains("is 0.0 in Float"), r.message)
        XCTAssertFalse(r.message.contains("domain error in log"), r.message)
    }

    /// 10³⁹ is beyond Float's largest finite value 3.4·10³⁸: it rounds to ∞.
    func testAnInputThatOverflowsFloatIsNamed() {
        XCTAssertEqual(Float(-1e39), -.infinity)
        let f: @Sendable ([Float]) -> [Float] = { x in [2 * x[0]] }
        let r = checkProperty(.blackBoxJVP(of: f, claimed: { _, v in [2 * v[0]] }, inputs: .vector(1, .uniform(-1e39...1e39))),
                              options: fifty)
        XCTAssertEqual(r.failure?.verdict, .error, r.message)
        XCTAssertTrue(r.message.contains("inf in Float, which leaves its domain"), r.message)
    }

    /// Rounding onto an excluded point is refused; half an ulp past a closed bound is not.
    func testOnlyRoundingsOntoExcludedValuesAreRefused() throws {
        // 1 − 10⁻¹⁰ is within 2⁻²⁵ of 1, so Float rounds it to 1, which (0, 1) excludes.
        XCTAssertEqual(Float(1 - 1e-10), 1)
        XCTAssertThrowsError(try converted([1 - 1e-10], from: .vector(1, .unitInterval)) as [Float])
        // Beside an avoided kink at 1, the same value becomes the kink.
        let away = InputDomain.uniform(0...2).awayFrom([1], margin: 1e-11)
        XCTAssertThrowsError(try converted([1 - 1e-10], from: .vector(1, away)) as [Float])
        // 0.2 as a Float is 0.20000000298…, past the bound of [0.1, 0.2]: harmless, accepted.
        XCTAssertGreaterThan(Double(Float(0.2)), 0.2)
        let y: [Float] = try converted([0.2], from: .vector(1, .uniform(0.1...0.2)))
        XCTAssertEqual(y, [Float(0.2)])
        // 10⁻⁵⁰ rounds to 0, which uniform −1…1 holds: accepted.
        let z: [Float] = try converted([1e-50], from: .vector(1, .uniform(-1...1)))
        XCTAssertEqual(z, [0])
        // Double properties are never refused.
        let d: [Double] = try converted([1e-300], from: .vector(1, .logUniform(1e-300...1)))
        XCTAssertEqual(d, [1e-300])
    }
}
