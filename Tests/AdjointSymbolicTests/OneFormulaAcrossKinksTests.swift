import XCTest
import AdjointCore
import AdjointSymbolic

/// ``OpInfo/ruleIsOneFormulaAcrossKinks`` is the registry's word on which kinked ops need no side
/// chosen for a symbolic derivative. hypot was that exception written twice, in `kinkedOps`
/// (`if op == .hypot`) and in `jac diff`'s list of ops that ask for --at (`$0 != .hypot`); a
/// second such op would have needed both edits, and a wrong flag nothing would have caught.
final class OneFormulaAcrossKinksTests: XCTestCase {
    /// Points on every side of each kinked op's kinks: both signs of x₀ (abs, relu, leaky ReLU,
    /// ELU), x₀ < x₁ and x₀ > x₁ (max, min), and every quadrant with |x₀| < |x₁| and |x₀| > |x₁|
    /// (the regions hypot's Double rule tells apart).
    static let sides: [[Double]] = [[1.5, 2.5], [-2.5, 1.5], [2.5, -1.5], [-1.5, -2.5], [0.75, 0.5], [-0.5, -0.75]]

    static var kinked: [Op] {
        Op.primitives.filter { if case .kinks = $0.info.smoothness { return true } else { return false } }
    }

    /// The flag's claim, op by op: a symbolic derivative bound at a point on each side is one
    /// formula exactly where the registry says so. Without the flag's truth behind it, an op
    /// flagged wrongly would print one side's derivative for every point, with no --at asked.
    func testTheFlagIsSetExactlyWhereTheSymbolicDerivativeIsOneFormulaOnEverySide() throws {
        XCTAssertFalse(Self.kinked.isEmpty)
        for op in Self.kinked {
            let n = op.info.arity
            let names = ["x0", "x1"].prefix(n).map { $0 }
            let formulas = try Set(Self.sides.map { p in
                let d = try SymbolicDifferentiation.jacobian(of: OneOp(op: op, n: 0), inputs: n, at: Array(p.prefix(n)))
                return try d.jacobian[0].map { try $0.formula(variables: names) }
            })
            XCTAssertEqual(formulas.count == 1, op.info.ruleIsOneFormulaAcrossKinks, "\(op.info.name): \(formulas)")
        }
        XCTAssertTrue(Op.hypot.info.ruleIsOneFormulaAcrossKinks)
    }

    /// Without a point, `kinkedOps` lists a kinked op exactly when its registry entry does not
    /// declare the flag: the flag decides, not a name.
    func testKinkedOpsListsEveryKinkedOpTheFlagDoesNotExcuse() throws {
        for op in Self.kinked {
            let d = try SymbolicDifferentiation.jacobian(of: OneOp(op: op, n: 0), inputs: op.info.arity)
            XCTAssertEqual(d.kinkedOps, op.info.ruleIsOneFormulaAcrossKinks ? [] : [.builtin(op)], op.info.name)
        }
    }

    /// The user primitives of these tests, with whether each declares the flag: abs and max
    /// (one side's rule on each side, unflagged), and a distance √(x² + y²) flagged as hypot is.
    static let userKinked: [(primitive: any ScalarPrimitive.Type, flagged: Bool)] = [
        (KinkedUserAbs.self, false), (KinkedUserMax.self, false), (FlaggedUserDistance.self, true),
    ]

    /// A user primitive's flag (``ScalarPrimitive/ruleIsOneFormulaAcrossKinks``) holds as the
    /// registry's does: bound at a point on each side, the symbolic derivative is one formula
    /// exactly where the flag is declared (the distance's x0/user_distance(x0, x1), …).
    func testAUserFlagIsDeclaredExactlyWhereTheSymbolicDerivativeIsOneFormulaOnEverySide() throws {
        for (p, flagged) in Self.userKinked {
            XCTAssertEqual(p.ruleIsOneFormulaAcrossKinks, flagged, p.name)
            let n = p.arity
            let names = ["x0", "x1"].prefix(n).map { $0 }
            let formulas = try Set(Self.sides.map { point in
                let d = try SymbolicDifferentiation.jacobian(of: UserOp(p), inputs: n, at: Array(point.prefix(n)))
                return try d.jacobian[0].map { try $0.formula(variables: names) }
            })
            XCTAssertEqual(formulas.count == 1, flagged, "\(p.name): \(formulas)")
        }
    }

    /// Without a point, `kinkedOps` lists a user primitive with a declared kink exactly when it
    /// does not declare the flag, by its name, as for a registry op: the flagged distance is
    /// treated as hypot, and the same distance unflagged is listed (the default asks for a point).
    func testKinkedOpsListsAUserPrimitiveUnlessItDeclaresTheFlag() throws {
        for (p, flagged) in Self.userKinked + [(UnflaggedUserDistance.self, false)] {
            let d = try SymbolicDifferentiation.jacobian(of: UserOp(p), inputs: p.arity)
            XCTAssertEqual(d.kinkedOps, flagged ? [] : [.user(p.name)], p.name)
            XCTAssertEqual(d.kinkedOps.map(\.name), flagged ? [] : [p.name], p.name)
        }
        // Beside hypot, in one function: neither is listed; beside relu, relu alone.
        let both = try SymbolicDifferentiation.jacobian(of: DistancePlus(op: .hypot), inputs: 2)
        XCTAssertEqual(both.kinkedOps, [])
        let withRelu = try SymbolicDifferentiation.jacobian(of: DistancePlus(op: .relu), inputs: 2)
        XCTAssertEqual(withRelu.kinkedOps, [.builtin(.relu)])
    }

    /// A user primitive applied to x0 (and x1 when it takes two).
    struct UserOp: ADFunction {
        let primitive: any ScalarPrimitive.Type
        init(_ primitive: any ScalarPrimitive.Type) { self.primitive = primitive }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            func apply<P: ScalarPrimitive>(_: P.Type) -> T { P.arity == 2 ? P.apply(x[0], x[1]) : P.apply(x[0]) }
            return [apply(primitive)]
        }
    }

    /// The flagged user distance plus a registry op of x0 and x1.
    struct DistancePlus: ADFunction {
        let op: Op
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [FlaggedUserDistance.apply(x[0], x[1]) + T.apply(op, x[0], op.info.arity == 2 ? x[1] : x[0], 0)]
        }
    }
}

/// √(x² + y²) as a user primitive: a kink at the origin only (distance √(x² + y²), as hypot's),
/// and a rule that is one formula around it, declared so.
enum FlaggedUserDistance: ScalarPrimitive {
    static let name = "user_distance"
    static let arity = 2
    static let ruleIsOneFormulaAcrossKinks = true
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { sqrt(x * x + y * y) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (x / z, y / z) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { (x * x + y * y).squareRoot() }
}

/// The same distance without the flag.
enum UnflaggedUserDistance: ScalarPrimitive {
    static let name = "user_distance_unflagged"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { sqrt(x * x + y * y) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (x / z, y / z) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { (x * x + y * y).squareRoot() }
}
