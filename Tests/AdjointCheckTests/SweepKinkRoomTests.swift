import XCTest
import AdjointCore
@testable import AdjointCheck

/// A kink near x (not at it): a step whose samples reach past it straddles it, and its error is
/// the jump between one-sided slopes, not truncation. |x − 0.001|·x at 0.0015 was fitted "central
/// order 1.51 over 0.01 … 0.001", every fitted step crossing the kink 5·10⁻⁴ away, where central
/// is exact on the quadratic on either side of it (a review).
final class SweepKinkRoomTests: XCTestCase {
    struct ShiftedAbs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0] - 0.001) * x[0]] }
    }
    struct Relu: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.relu(x[0])] }
    }

    func testNoFitUsesAStepThatCrossesTheKink() throws {
        let s = try stepSweep(of: ShiftedAbs(), at: [0.0015])
        // By hand: abs's argument x − 0.001 is 5·10⁻⁴ at x and moves one for one with x.
        XCTAssertEqual(s.kinkRoom, 0.0005, accuracy: 1e-15)
        XCTAssertTrue(s.kinks.isEmpty, "the kink is not at x")
        let reach: [String: Double] = ["forward": 1, "backward": 1, "central": 1, "central4": 2, "central6": 3, "richardson": 1, "complex-step": 0]
        var fitted = 0
        for series in s.series {
            let r = try XCTUnwrap(reach[series.method], series.method)
            for h in series.fitSteps { XCTAssertLessThan(r * h, s.kinkRoom, "\(series.method) fitted h = \(h)") }
            fitted += series.fitSteps.isEmpty ? 0 : 1
        }
        // Below the kink's room f is x² − 0.001x, whose forward difference has truncation h
        // (order 1, by hand): the forward fit is still made, on the steps that stay on one side.
        let forward = try XCTUnwrap(s.series(named: "forward"))
        XCTAssertEqual(try XCTUnwrap(forward.slope), 1, accuracy: 0.05)
        XCTAssertGreaterThan(fitted, 0)
        XCTAssertTrue(s.toJSON().contains("\"kinkRoom\""))
    }

    /// At the least subnormal the grid cannot go below the kink (its last step, 10⁻³²³, is already
    /// twice the distance), so every step's samples cross it and each series says so.
    func testEveryStepCrossingSaysSo() throws {
        let s = try stepSweep(of: Relu(), at: [5e-324])
        XCTAssertEqual(s.kinkRoom, 5e-324)
        for series in s.series where series.unavailable == nil && series.method != "complex-step" {
            XCTAssertNil(series.slope, series.method)
            XCTAssertTrue(series.noSlopeReason?.contains("reach past a kink") == true, "\(series.method): \(series.noSlopeReason ?? "nil")")
        }
    }

    struct Square: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] }
    }

    /// The plot says what it cannot draw: the kink's distance, and errors below its floor of
    /// 10⁻⁴⁰. x² at 5e-324: by hand f′ = 2x = 1e-323, and every difference of x² there is 0 (the
    /// squares underflow), so central's error is 1e-323 at every step, drawn on the bottom edge
    /// where it looked like the open markers of an error of exactly 0.
    func testThePlotSaysWhatItCannotDraw() throws {
        let tiny = try stepSweep(of: Square(), at: [5e-324])
        let central = try XCTUnwrap(tiny.series(named: "central"))
        XCTAssertTrue(central.points.allSatisfy { $0.error == 1e-323 }, "\(central.points)")
        let svg = tiny.renderSVG()
        XCTAssertTrue(svg.contains("below 1e-40"), svg)
        XCTAssertTrue(svg.contains("central \(central.points.count)"), svg)
        let near = try stepSweep(of: ShiftedAbs(), at: [0.0015]).renderSVG()
        XCTAssertTrue(near.contains("a kink lies 5e-04 from x0"), near)
        XCTAssertFalse(try stepSweep(of: Square(), at: [0.7]).renderSVG().contains("bottom edge"))
    }

    struct Sqrt: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(x[0])] }
    }

    /// sqrt at 10⁻³⁰⁰ (its domain edge 10⁻³⁰⁰ away): the grid 0.1 … 10⁻¹⁶ put every sample of
    /// backward, central and Richardson outside the domain and gave forward "smallest error
    /// 5e+149" at every step. Taken on the edge's decade, the sweep shows the V-curve: central's
    /// truncation is f‴·h²/6 = (h/x)²·f′/16 by hand, order 2.
    func testStepsFollowAKinkCloserThanTheGrid() throws {
        let s = try stepSweep(of: Sqrt(), at: [1e-300])
        XCTAssertTrue(s.stepsFollowKink)
        XCTAssertEqual(s.stepDecade, 1e-300, accuracy: 1e-314)
        let central = try XCTUnwrap(s.series(named: "central"))
        XCTAssertNil(central.unavailable)
        XCTAssertEqual(central.points.first?.h ?? 0, 1e-301, accuracy: 1e-315)
        XCTAssertEqual(try XCTUnwrap(central.slope), 2, accuracy: 0.1)
        let best = try XCTUnwrap(central.points.map(\.error).min())
        XCTAssertLessThan(best, 1e-9 * 5e149)   // f′ = 1/(2√x) = 5·10¹⁴⁹
        XCTAssertEqual(try XCTUnwrap(s.series(named: "forward")?.slope), 1, accuracy: 0.1)
        XCTAssertTrue(s.toJSON().contains("\"stepsFollowKink\": true"), s.toJSON())
        // At 10⁻⁵ the usual grid keeps ten decades beside the edge and is used as it was.
        let near = try stepSweep(of: Sqrt(), at: [1e-5])
        XCTAssertFalse(near.stepsFollowKink)
        XCTAssertEqual(near.series(named: "central")?.points.first?.h ?? 0, 0.1, accuracy: 1e-17)
        // sqrt(x − 10⁸) one ulp (1.49·10⁻⁸) above its edge: steps below that ulp leave x + h = x,
        // so the grid stays on x's decade (from 10⁷), as far down as its ulp goes already.
        struct ShiftedSqrt: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(x[0] - 1e8)] } }
        let large = try stepSweep(of: ShiftedSqrt(), at: [1e8.nextUp])
        XCTAssertLessThan(large.kinkRoom, 1e-7)
        XCTAssertFalse(large.stepsFollowKink)
        XCTAssertEqual(large.series(named: "forward")?.points.first?.h ?? 0, 1e7, accuracy: 1e-8)
    }

    /// The sweep reads each fixed stencil's value only: one application per step, at most its
    /// offsets' samples x + s·h (x itself at most once), not the 2h application and next-order
    /// look an error estimate takes (central spent 4 samples per step, forward 3).
    func testAFixedStencilCostsItsOwnSamplesPerStep() throws {
        let s = try stepSweep(of: Sqrt(), at: [2.0])
        for method in [DifferenceMethod.forward, .backward, .central, .central4, .central6] {
            let series = try XCTUnwrap(s.series(named: method.rawValue))
            let offsets = try XCTUnwrap(method.stencilMethod?.stencil.offsets.filter { $0 != 0 }.count)
            XCTAssertLessThanOrEqual(series.evaluations, offsets * series.points.count + 1, method.rawValue)
            XCTAssertGreaterThan(series.evaluations, (offsets - 1) * series.points.count, method.rawValue)
        }
    }
}
