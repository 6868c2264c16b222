import XCTest
@testable import AdjointCheck
import AdjointCore

/// f(x) = (x₀x₁, x₁ + 2x₂): J = [[x₁, x₀, 0], [0, 1, 2]], so Jᵀu = (u₀x₁, u₀x₀ + u₁, 2u₁) by hand.
/// The JVP is right; the VJP has entries 0 and 2 swapped, the slip of a transposition by hand.
private enum SwappedVJP: VectorPrimitive {
    static let name = "nu52_swapped_vjp"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] + 2 * x[2]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], v[1] + 2 * v[2]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [2 * u[1], u[0] * x[0] + u[1], u[0] * x[1]] }
}

/// The same rules with the VJP right.
private enum RightVJP: VectorPrimitive {
    static let name = "nu52_right_vjp"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] + 2 * x[2]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], v[1] + 2 * v[2]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] * x[1], u[0] * x[0] + u[1], 2 * u[1]] }
}

final class ValidateVJPEntryTests: XCTestCase {
    /// Found by a new user (newuser52): a quaternion rotation's VJP with two entries swapped failed
    /// as "at [...]: ⟨u, J·v⟩ = 3.877810223488198 but ⟨Jᵀu, v⟩ = 3.884197619148601", with no u or v
    /// to replay it and no entry to look at. The JVP was confirmed by differences at that point,
    /// so it names the entries of Jᵀu it contradicts, and the failure gives u and v.
    func testAFailingIdentityNamesTheWrongEntriesAndItsCotangent() throws {
        let v = validate(SwappedVJP.self, inputs: 3)
        let vjp = try XCTUnwrap(v.checks.first { $0.name == "vjp" }, v.description)
        XCTAssertEqual(vjp.outcome, .failed, v.description)
        XCTAssertTrue(vjp.detail.contains("u = ["), vjp.detail)
        XCTAssertTrue(vjp.detail.contains("v = ["), vjp.detail)
        XCTAssertTrue(vjp.detail.contains("(Jᵀu)[0]: VJP "), vjp.detail)
        XCTAssertTrue(vjp.detail.contains("(Jᵀu)[2]: VJP "), vjp.detail)
        XCTAssertFalse(vjp.detail.contains("(Jᵀu)[1]"), vjp.detail)   // u₀x₀ + u₁ is right
    }

    func testTheNumbersNamedAreTheHandTranspose() throws {
        let v = validate(SwappedVJP.self, inputs: 3)
        let detail = try XCTUnwrap(v.checks.first { $0.name == "vjp" }?.detail)
        // Read x and u back from the message, and recompute Jᵀu by hand from them.
        func numbers(after key: String) throws -> [Double] {
            let start = try XCTUnwrap(detail.range(of: key)).upperBound
            let end = try XCTUnwrap(detail[start...].firstIndex(of: "]"))
            return detail[start..<end].split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        let x = try numbers(after: "at ["), u = try numbers(after: "u = [")
        XCTAssertEqual(x.count, 3); XCTAssertEqual(u.count, 2)
        XCTAssertTrue(detail.contains("(Jᵀu)[0]: VJP \(2 * u[1]), ⟨u, J·e0⟩ from the JVP \(u[0] * x[1])"), detail)
    }

    func testARightVJPStillPasses() {
        let v = validate(RightVJP.self, inputs: 3)
        XCTAssertEqual(v.checks.first { $0.name == "vjp" }?.outcome, .passed, v.description)
    }
}
