import AdjointCore
import Foundation
import RealModule
import XCTest
@testable import AdjointCheck

/// The allowance for a claim's own rounding below the normal range (64 least subnormals, as 64
/// ulps above it) against what subnormal samples resolve.
///
/// f(x) = s·x with s = 2000 subnormal spacings, at x = 1000: every sample s·(x ± h) is an exact
/// multiple of the spacing (h = 125 and its halvings keep x ± h on integers times 2⁻ᵏ, and s·t is
/// exact while below the normal range), so central differences read f′ = s exactly, by hand,
/// with a rounding of a few spacings over h. A claim 30 spacings off (1.5%) is resolved; it
/// passed inside the 64. It is undecided now (underflow): within the 64 a right rule rounded in
/// subnormal arithmetic can be that far off, so it is not convicted either. 100 spacings off is
/// beyond the allowance and convicted, before and after.
final class BlackBoxSubnormalClaimAllowanceTests: XCTestCase {
    func assertAllowance<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(_: V.Type, file: StaticString = #filePath, line: UInt = #line) throws {
        let q = V.leastNonzeroMagnitude
        let s = 2000 * q
        let f: ([V]) -> V = { x in s * x[0] }
        let right = try checkBlackBoxGradient(of: f, at: [V(1000)], claimedGradient: { _ in [s] })
        XCTAssertEqual(right.entries[0][0].verdict, .agree, "\(V.self)\n" + right.renderTable(), file: file, line: line)
        for off in [V(30), -30] {
            let r = try checkBlackBoxGradient(of: f, at: [V(1000)], claimedGradient: { _ in [s + off * q] })
            guard case .fdInconclusive(let why) = r.entries[0][0].verdict, why.contains(.underflow) else {
                XCTFail("\(V.self), \(off) spacings off: not undecided for the underflow\n" + r.renderTable(), file: file, line: line)
                continue
            }
        }
        let far = try checkBlackBoxGradient(of: f, at: [V(1000)], claimedGradient: { _ in [s + 100 * q] })
        XCTAssertEqual(far.entries[0][0].verdict.name, "rule-wrong", "\(V.self)\n" + far.renderTable(), file: file, line: line)
    }

    func testAResolvedGapInsideTheSubnormalAllowanceIsUndecidedInDouble() throws { try assertAllowance(Double.self) }
    func testAResolvedGapInsideTheSubnormalAllowanceIsUndecidedInFloat() throws { try assertAllowance(Float.self) }
}
