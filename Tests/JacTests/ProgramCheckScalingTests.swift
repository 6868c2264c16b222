import Foundation
import XCTest

/// `jac check --program` on a right gradient at badly scaled points: x0·x1² + sin(x2)·x0 + x1·x2
/// with x2 up to 10⁷, where every rung's step spans many periods of the sine. The hand gradient
/// (in Tests/Data/programs/oscillating.py) was convicted at 33 of 40 such points before the
/// black-box check confirmed convictions at smaller steps; the flipped one must still be.
final class ProgramCheckScalingTests: XCTestCase {
    static let program = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/programs/oscillating.py").path
    let domain = "x0=[-1000,1000],x1=[-1e6,1e6],x2=[-1e7,1e7]"

    func run(_ flags: String) throws -> JacRunner.Output {
        try JacRunner.requirePython()
        return try JacRunner.run(["check", "--program", "python3 \(Self.program)\(flags)", "--inputs", "3",
                                  "--samples", "8", "--seed", "7", "--domain", domain])
    }

    func testARightGradientAtBadlyScaledPointsIsNotConvicted() throws {
        let r = try run("")
        XCTAssertFalse(r.stderr.contains("rule-wrong"), r.stderr)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testAFlippedEntryIsConvictedAtEveryPoint() throws {
        let r = try run(" --sign-error")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrong at 8 entries"), r.stderr)
        // Once under each of the 8 points, then once more under the shrunk point, where by hand
        // ∂f/∂x2 = x0·cos(x2) + x1 is 1 at (0, 1, 0) and the flipped program says -1.
        let parts = r.stderr.components(separatedBy: "shrunk (")
        XCTAssertEqual(parts.count, 2, r.stderr)
        XCTAssertEqual(parts[0].components(separatedBy: "∂f0/∂x2:").count - 1, 8, r.stderr)
        let shrunk = parts.last ?? ""
        XCTAssertTrue(shrunk.contains("x0 = 0.0, x1 = 1.0, x2 = 0.0"), shrunk)
        XCTAssertTrue(shrunk.contains("∂f0/∂x2: rule-wrong, program -1.0,"), shrunk)
        XCTAssertTrue(shrunk.contains(" gives 1.0 "), shrunk)
        // The rerun it offers checks that point alone and finds the same entry wrong there.
        XCTAssertTrue(shrunk.contains("(to rerun it: --at=0.0,1.0,0.0)"), shrunk)
        try JacRunner.requirePython()
        let again = try JacRunner.run(["check", "--program", "python3 \(Self.program) --sign-error", "--inputs", "3", "--at=0.0,1.0,0.0"])
        XCTAssertEqual(again.status, 1, again.stderr)
        XCTAssertTrue(again.stderr.contains("wrong at 1 entry"), again.stderr)
        XCTAssertTrue(again.stderr.contains("∂f0/∂x2:"), again.stderr)
    }
}
