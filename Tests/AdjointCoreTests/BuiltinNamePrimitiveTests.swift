import XCTest
@testable import AdjointCore

/// 2·sin x under the built-in's name "sin" (a review's reproduction).
private enum FakeSin: UnaryPrimitive {
    static let name = "sin"
    static func primal<T: ADScalar>(_ x: T) -> T { 2 * T.sin(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * T.cos(x) }
}

/// The same rule under a name of its own: the control.
private enum TwiceSin: UnaryPrimitive {
    static let name = "twice_sin"
    static func primal<T: ADScalar>(_ x: T) -> T { 2 * T.sin(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * T.cos(x) }
}

/// A user primitive may not take a built-in op's name: counts and planted rule mutations know a
/// primitive by its name, so `RuleMutation(op: .sin, factor: -1)` flipped FakeSin's derivative
/// too and `measureOperations` counted it as "sin", with no error.
final class BuiltinNamePrimitiveTests: XCTestCase {
    func assertRefusesBuiltinName(_ body: () throws -> Any, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), what, file: file, line: line) { error in
            guard case ADError.invalidArgument(let m) = error else { return XCTFail("\(what): \(error)", file: file, line: line) }
            XCTAssertTrue(m.contains("\"sin\"") && m.contains("built-in"), m, file: file, line: line)
        }
    }

    func testRegistrationRefusesABuiltinName() throws {
        assertRefusesBuiltinName({ try UserPrimitives.register(FakeSin.self) }, "register")
        XCTAssertFalse(UserPrimitives.scalar.contains { $0.name == "sin" })
        for name in ["sin", "leaky_relu", "hypot", "add", "input", "custom"] {
            XCTAssertTrue(UserPrimitives.builtinNames.contains(name), name)
        }
        XCTAssertFalse(UserPrimitives.builtinNames.contains("twice_sin"))
        try UserPrimitives.register(TwiceSin.self)
        UserPrimitives.unregister(TwiceSin.self)
    }

    /// By hand, ∇(2 sin x₀ · x₁) at (0.5, 3) = (6 cos 0.5, 2 sin 0.5). Unobserved, the name is
    /// never read and the gradient is right; a planted mutation of the built-in sin must not
    /// reach it (it gave −6 cos 0.5), and a count must not file it under "sin".
    func testMutationsAndCountsRefuseAPrimitiveUnderABuiltinName() throws {
        let f = { (x: [Reverse<Double>]) in FakeSin.apply(x[0]) * x[1] }
        let byHand = [6 * Foundation.cos(0.5), 2 * Foundation.sin(0.5)]
        let g = try gradient(of: f, at: [0.5, 3.0])
        XCTAssertEqual(g[0], byHand[0], accuracy: 1e-15)
        XCTAssertEqual(g[1], byHand[1], accuracy: 1e-15)
        let flip = RuleMutation(op: .sin, factor: -1)
        assertRefusesBuiltinName({ try RuleMutations.withMutation(flip) { try gradient(of: f, at: [0.5, 3.0]) } }, "mutation, reverse")
        assertRefusesBuiltinName({
            try RuleMutations.withMutation(flip) {
                try jvp(of: { (x: [Dual<Double, Double>]) in [FakeSin.apply(x[0]) * x[1]] }, at: [0.5, 3.0], direction: [1, 0])
            }
        }, "mutation, forward")
        assertRefusesBuiltinName({ try measureOperations { try gradient(of: f, at: [0.5, 3.0]) } }, "measureOperations")
        // The built-in sin is still mutated (d/dx sin x = −cos x), and the control is counted.
        let mutated = try RuleMutations.withMutation(flip) { try gradient(of: { (x: [Reverse<Double>]) in sin(x[0]) }, at: [0.5]) }
        XCTAssertEqual(mutated[0], -Foundation.cos(0.5), accuracy: 1e-15)
        let (_, counts) = try measureOperations { try gradient(of: { (x: [Reverse<Double>]) in TwiceSin.apply(x[0]) * x[1] }, at: [0.5, 3.0]) }
        XCTAssertGreaterThan(counts.byName["twice_sin"] ?? 0, 0)
    }
}
