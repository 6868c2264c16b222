import XCTest

/// `jac check` beside a pole of x/(x·x − 4), where fl(x·x) is a sawtooth and every float difference
/// inside a tooth reads its ramp (slope 4, not 2x): at 2.0000001 the adaptive method's
/// −49999997720640 ± 9·10⁵ was 2.5·10⁶ from forward and reverse, the exact rung's default step
/// was too coarse to overrule it, and the check exited 1 (fd-inconclusive, beyond-estimate).
/// f′ = −(x² + 4)/(x² − 4)² at the Double 2.0000001 is −50000000163657.92 (Python's fractions).
final class CheckNearPoleTests: XCTestCase {
    func testRightRulesBesideThePolePass() throws {
        for x in ["2.0000001", "1.999999921524003", "2.0000000784759973"] {
            let r = try JacRunner.run(["check", "x/(x*x-4)", "--at", "x=\(x)"])
            XCTAssertEqual(r.status, 0, "x = \(x): \(r.stdout)\(r.stderr)")
            XCTAssertTrue(r.stdout.contains("verdict: agree"), "x = \(x): \(r.stdout)")
        }
        for x in ["0.999999962073098", "1.0000000379269018"] {
            let r = try JacRunner.run(["check", "1/(x*x-1)", "--at", "x=\(x)"])
            XCTAssertEqual(r.status, 0, "x = \(x): \(r.stdout)\(r.stderr)")
        }
    }

    /// A claim 10⁻⁶ of f′ off (−50000050163658) is convicted there, by the exact rung's f′.
    func testAClaimOffByAMillionthIsConvicted() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jac-check-near-pole-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let claim = dir.appendingPathComponent("claim.json")
        try "[[-50000050163657.92]]".write(to: claim, atomically: true, encoding: .utf8)
        let r = try JacRunner.run(["check", "x/(x*x-4)", "--at", "x=2.0000001", "--claimed", claim.path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("rule-wrong (claimed)"), r.stdout)
        XCTAssertTrue(r.stderr.contains("exact-rationals gives -50000000163657.92"), r.stderr)
    }
}
