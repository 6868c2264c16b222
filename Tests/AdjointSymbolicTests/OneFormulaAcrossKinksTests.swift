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
            XCTAssertEqual(d.kinkedOps, op.info.ruleIsOneFormulaAcrossKinks ? [] : [op], op.info.name)
        }
    }
}
