import XCTest
import AdjointCore

/// `Recording.jacobian` seeds each row's output alone instead of m seeds of which m − 1 are 0
/// (m² seed visits: 20,000 outputs of a 15-entry tape took 205 s in a debug jac, now a fraction of a
/// second; time is not asserted). The rows must stay those of `pullback(eᵢ)`, bit for bit, on the
/// cases where an extra zero seed could matter: one node as several outputs, an input or a
/// constant as an output, a kink, and a zero factor after √0.
final class JacobianRowSeedTests: XCTestCase {
    func testRowsAreThePullbacksOfTheUnitCotangentsBitForBit() throws {
        let f: ([Reverse<Double>]) -> [Reverse<Double>] = { x in
            let p = x[0] * x[1]
            return [p, p, x[1], Reverse(constant: 2), Reverse.abs(x[2]) * x[0], Reverse.sqrt(x[2]) * 0 + x[1], Reverse.sqrt(x[2])]
        }
        for point in [[1.5, -2.0, 0.0], [0.3, 0.7, 2.0]] {
            let rec = try record(f, at: point)
            let rows = try rec.jacobian(checked: false)
            let m = rec.outputs.count
            for i in 0..<m {
                let unit = try rec.pullback((0..<m).map { $0 == i ? 1 : 0 }, checked: false)
                XCTAssertEqual(rows[i].map(\.bitPattern), unit.map(\.bitPattern), "row \(i) at \(point)")
            }
        }
        // By hand at (1.5, −2, 2): ∂(x0·x1) = (−2, 1.5, 0); |x2|·x0 → (2, 0, 1.5).
        let rows = try record(f, at: [1.5, -2.0, 2.0]).jacobian()
        XCTAssertEqual(rows[0], [-2, 1.5, 0])
        XCTAssertEqual(rows[1], [-2, 1.5, 0])
        XCTAssertEqual(rows[2], [0, 1, 0])
        XCTAssertEqual(rows[3], [0, 0, 0])
        XCTAssertEqual(rows[4], [2, 0, 1.5])
    }
}
