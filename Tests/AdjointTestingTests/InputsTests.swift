import PropertyBased
import XCTest
@testable import AdjointTesting

/// Input spaces: draws stay in their domains and are reproducible from (seed, trial).
final class InputsTests: XCTestCase {
    func testDrawsStayInTheirDomains() throws {
        let domains: [InputDomain] = [.uniform(-3...3), .logUniform(1e-4...1e2), .positive, .unitInterval, .integers(-2...5),
                                      .fixed(0.25), InputDomain.uniform(-1...1).awayFrom([0], margin: 0.1)]
        let space = InputSpace.arguments(domains)
        var decadesBelowOne = 0
        for t in 0..<300 {
            let x = try draw(space, seed: 9, trial: t)
            for (d, v) in zip(domains, x) { XCTAssertTrue(d.contains(v), "\(d) does not contain \(v)") }
            XCTAssertEqual(x[4], x[4].rounded())
            XCTAssertEqual(x[5], 0.25)
            XCTAssertGreaterThanOrEqual(abs(x[6]), 0.1)
            if x[1] < 1e-2 { decadesBelowOne += 1 }
        }
        // log-uniform over 6 decades puts a third of the draws below 1e-2; uniform would put 0.01%.
        XCTAssertGreaterThan(decadesBelowOne, 60)
        XCTAssertLessThan(decadesBelowOne, 140)
    }

    func testSymmetricPositiveDefiniteMatrices() throws {
        let space = InputSpace.symmetricPositiveDefinite(4, minimumEigenvalue: 0.05)
        for t in 0..<50 {
            let a = try draw(space, seed: 3, trial: t)
            XCTAssertEqual(a.count, 16)
            XCTAssertTrue(isSymmetricPositiveDefinite(a, n: 4))
            XCTAssertTrue(space.contains(a))
        }
        // Not positive definite: eigenvalues 3 and −1.
        XCTAssertFalse(isSymmetricPositiveDefinite([1, 2, 2, 1], n: 2))
        XCTAssertFalse(isSymmetricPositiveDefinite([2, 1, 0, 2], n: 2))   // not symmetric
    }

    func testSeedsAreReproducibleAndTrialsIndependent() throws {
        let space = InputSpace.vector(4, .uniform(-1...1))
        XCTAssertEqual(try draw(space, seed: 42, trial: 7), try draw(space, seed: 42, trial: 7))
        XCTAssertNotEqual(try draw(space, seed: 42, trial: 7), try draw(space, seed: 42, trial: 8))
        XCTAssertNotEqual(try draw(space, seed: 42, trial: 7), try draw(space, seed: 43, trial: 7))
    }

    func testUserGeneratorsAndConcatenation() throws {
        // Points on the probability simplex from a PropertyBased generator.
        let g = Gen.double(in: 0.01...1).array(of: 3).map { p in p.map { $0 / p.reduce(0, +) } }
        let space = InputSpace.concatenated([.generator(g, count: 3, accepts: { p in abs(p.reduce(0, +) - 1) < 1e-12 }),
                                             .matrix(rows: 2, cols: 2, .integers(0...3))])
        XCTAssertEqual(space.count, 7)
        for t in 0..<20 {
            let x = try draw(space, seed: 1, trial: t)
            XCTAssertEqual(x.prefix(3).reduce(0, +), 1, accuracy: 1e-12)
            XCTAssertTrue(x.suffix(4).allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 <= 3 })
            XCTAssertTrue(space.contains(x))
        }
    }

    /// A log-uniform range through or below 0 is the user's mistake: the property fails naming the
    /// range (it used to trap while the space was built, taking the whole test process down).
    func testANonPositiveLogUniformRangeFailsThePropertyInsteadOfTrapping() {
        for range in [-1.0...1.0, -3.0...(-1.0), 0.0...1.0] {
            let space = InputSpace.vector(2, .logUniform(range))
            XCTAssertEqual(space.problem, "log-uniform range \(range) needs 0 < lower bound and a finite upper bound")
            let r = checkProperty(.blackBoxGradient(of: { (x: [Double]) in x[0] * x[1] }, claimed: { x in [x[1], x[0]] },
                                                    inputs: space))
            XCTAssertFalse(r.passed)
            XCTAssertEqual(r.trialsRun, 0)
            XCTAssertTrue(r.message.contains("invalid input domain: log-uniform range"), r.message)
        }
    }

    func testAnImpossibleDomainIsAnErrorNotAHang() {
        let space = InputSpace.arguments([InputDomain.uniform(-1...1).awayFrom([0], margin: 5)])
        XCTAssertThrowsError(try draw(space, seed: 1, trial: 0))
    }
}

extension InputsTests {
    func testSeedParsing() {
        XCTAssertEqual(AdjointTestOptions.parseSeed("0xAD701A7E"), 0xAD70_1A7E)
        XCTAssertEqual(AdjointTestOptions.parseSeed("0Xff"), 255)
        XCTAssertEqual(AdjointTestOptions.parseSeed("12345"), 12345)
        XCTAssertNil(AdjointTestOptions.parseSeed("seed"))
        XCTAssertNil(AdjointTestOptions.parseSeed("-1"))
    }
}

extension InputsTests {
    /// trialJ: δ = NaN drew matrices with NaN diagonals (checked, then reported as NaN input
    /// without naming δ); δ = −5 drew matrices that are not positive definite.
    func testTheMinimumEigenvalueMustBePositiveAndFinite() {
        let f: @Sendable ([Double]) -> Double = { a in a.reduce(0) { $0 + $1 * $1 } }
        for delta in [Double.nan, -5, 0, .infinity] {
            let r = checkProperty(.blackBoxGradient(of: f, claimed: { a in a.map { 2 * $0 } },
                                                    inputs: .symmetricPositiveDefinite(2, minimumEigenvalue: delta)))
            XCTAssertFalse(r.passed, r.message)
            XCTAssertEqual(r.trialsRun, 0)
            XCTAssertTrue(r.message.contains("minimumEigenvalue: \(delta)): the minimum eigenvalue must be finite and > 0"), r.message)
        }
        var o = AdjointTestOptions()
        o.trials = 5
        XCTAssertTrue(checkProperty(.blackBoxGradient(of: f, claimed: { a in a.map { 2 * $0 } },
                                                      inputs: .symmetricPositiveDefinite(2, minimumEigenvalue: 1e-3)), options: o).passed)
    }
}

extension InputsTests {
    /// trialJ: `.uniform(-1e308...1e308)` trapped in the draw ("There is no uniform distribution on
    /// an infinite range": the width 2·10³⁰⁸ overflows), killing the test process.
    func testAUniformRangeWiderThanTheLargestDoubleIsDrawnFrom() throws {
        let widest = Double.greatestFiniteMagnitude
        for d in [InputDomain.uniform(-1e308...1e308), .uniform(-widest...widest)] {
            var beyond = 0
            for t in 0..<200 {
                let x = try draw(.vector(1, d), seed: 1, trial: t)
                XCTAssertTrue(x[0].isFinite && d.contains(x[0]), "\(x)")
                if abs(x[0]) > 1e307 { beyond += 1 }
            }
            // Uniform: |x| > 10³⁰⁷ for about 90% (from 1e308) or 94% (from 1.8e308) of the draws.
            XCTAssertGreaterThan(beyond, 150, "\(d)")
        }
        // And a property over it runs: d(x)/dx = 1 everywhere.
        var o = AdjointTestOptions()
        o.trials = 20
        let r = checkProperty(.blackBoxGradient(of: { (x: [Double]) in x[0] }, claimed: { _ in [1] }, inputs: .vector(1, .uniform(-1e308...1e308))), options: o)
        XCTAssertEqual(r.trialsRun, 20, r.message)
    }
}
