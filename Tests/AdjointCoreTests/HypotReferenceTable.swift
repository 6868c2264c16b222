import XCTest
import AdjointCore

/// A table of reference values of hypot or its partials at exactly representable Double and Float
/// points (Tests/Data/hypot-*.tsv, written by mpmath at 256 bits; see scripts/hypot_*_reference.py),
/// each value a pair of Doubles hi + lo, and the ulp measure both accuracy tests read it with.
enum HypotReferenceTable {
    struct Row { let precision: String, x: String, y: String, values: [(Double, Double)] }

    /// The rows of `file`, each with `values` hi + lo pairs after precision, x and y.
    static func rows(_ file: String, values: Int) throws -> [Row] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Data/\(file)").standardized.path
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst(2).compactMap { line in
            let c = line.split(separator: "\t").map(String.init)
            let numbers = c.dropFirst(3).compactMap(Double.init)
            guard c.count == 3 + 2 * values, numbers.count == 2 * values else { return nil }
            return Row(precision: c[0], x: c[1], y: c[2], values: (0..<values).map { (numbers[2 * $0], numbers[2 * $0 + 1]) })
        }
    }

    /// |v − (hi + lo)| in ulps of T at the reference: v − hi is exact (they are within a factor
    /// of 2), so the fraction of an ulp is not lost to the subtraction.
    static func ulps<T: BinaryFloatingPoint>(_ v: T, _ reference: (Double, Double)) -> Double {
        Swift.abs((Double(v) - reference.0) - reference.1) / Double(T(reference.0).ulp)
    }

    struct Worst { var ulps = 0.0, at = "" }

    /// The worst `error` over `precision`'s rows, and over the rows whose arguments are zero or
    /// normal with room below them (2^p times the least normal), where nothing underflows.
    /// `error` gives a row's error in ulps and what to print of it, or nil for a row it judged
    /// itself (a reference beyond T's range).
    static func worst<T: ADScalar & BinaryFloatingPoint>(_: T.Type, _ precision: String, _ rows: [Row],
                                                         error: (T, T, Row) -> (ulps: Double, at: String)?)
        -> (all: Worst, normal: Worst, count: Int) where T: LosslessStringConvertible {
        var all = Worst(), normal = Worst(), count = 0
        let roomy = T.leastNormalMagnitude * T(sign: .plus, exponent: T.Exponent(T.significandBitCount + 1), significand: 1)
        for row in rows where row.precision == precision {
            guard let x = T(row.x), let y = T(row.y) else { XCTFail("unreadable \(row.x), \(row.y)"); continue }
            count += 1
            guard let e = error(x, y, row) else { continue }
            if e.ulps > all.ulps { all = Worst(ulps: e.ulps, at: e.at) }
            if [x, y].allSatisfy({ $0 == 0 || Swift.abs($0) >= roomy }), e.ulps > normal.ulps { normal = Worst(ulps: e.ulps, at: e.at) }
        }
        return (all, normal, count)
    }

    /// What both accuracy tests require of each type: more than 300 rows read, at most 0.501 ulp
    /// where nothing underflows (the last rounding, and second-order terms), at most 1 among
    /// subnormal arguments. Prints the worst rows for the README's figures.
    static func assertWithinHalfAnUlp(_ what: String, double: (all: Worst, normal: Worst, count: Int),
                                      float: (all: Worst, normal: Worst, count: Int),
                                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(double.count, 300, file: file, line: line)
        XCTAssertGreaterThan(float.count, 300, file: file, line: line)
        print("hypot \(what), max ulps: Double \(double.all.ulps) at \(double.all.at) (normal \(double.normal.ulps)); "
              + "Float \(float.all.ulps) at \(float.all.at) (normal \(float.normal.ulps))")
        XCTAssertLessThanOrEqual(double.normal.ulps, 0.501, "Double \(double.normal.at)", file: file, line: line)
        XCTAssertLessThanOrEqual(float.normal.ulps, 0.501, "Float \(float.normal.at)", file: file, line: line)
        XCTAssertLessThanOrEqual(double.all.ulps, 1, "Double \(double.all.at)", file: file, line: line)
        XCTAssertLessThanOrEqual(float.all.ulps, 1, "Float \(float.all.at)", file: file, line: line)
    }
}
