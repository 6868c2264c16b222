import XCTest

/// `jac diff` prints an exact constant of more than 40 digits with its power of ten split off, as
/// it prints a power of ten it did not fold (`2*10^-600*x^2` gives `4*(x*10^(-600))`) and as jac's
/// tables show exact values (`2·10^-600`). Expected values by hand: d/dx (10⁻³⁰⁰·10⁻³⁰⁰·x) = 10⁻⁶⁰⁰.
final class DiffLongConstantTests: XCTestCase {
    func diff(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try JacRunner.run(["diff"] + args, file: file, line: line)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return r.stdout
    }

    /// Found by a new user's pass: the derivative printed as "0.", 599 zeros and a 1.
    func testATinyExactConstantIsAPowerOfTen() throws {
        XCTAssertEqual(try diff(["1e-300*1e-300*x"]), "df/dx = 10^(-600)\n")
        XCTAssertEqual(try diff(["3e-300*1e-300*x"]), "df/dx = 3*10^(-600)\n")
        XCTAssertEqual(try diff(["1e-300*1e-300*x", "--format", "latex"]).contains("&= 10^{-600}"), true)
        XCTAssertEqual(try diff(["1e-300*1e-300*x", "--format", "swift"]), "let dfdx = pow(10.0, -600)\n")
    }

    /// The same for a long integer and for a fraction's long part: d/dx (10³⁰⁰x²) = 2·10³⁰⁰x printed
    /// 301 digits, d/dx (x/(3·10⁴⁰)) a 41-digit denominator.
    func testALongIntegerAndALongDenominatorArePowersOfTen() throws {
        XCTAssertEqual(try diff(["1e300*x^2"]), "df/dx = 2*10^300*x\n")
        XCTAssertTrue(try diff(["x/3e40"]).hasPrefix("df/dx = 1/(3*10^40)\n"))
        XCTAssertEqual(try diff(["-1e-300*1e-300*x"]), "df/dx = -(10^(-600))\n")
    }

    /// What is printed is a formula jac reads back to the same value: its derivative times x,
    /// differentiated again, prints the same.
    func testThePrintedConstantReadsBack() throws {
        for entry in ["10^(-600)", "3*10^(-600)", "1/(3*10^40)"] {
            XCTAssertTrue(try diff(["(\(entry))*x"]).hasPrefix("df/dx = \(entry)\n"), entry)
        }
    }

    /// Constants up to 40 digits print as before.
    func testShortConstantsAreUnchanged() throws {
        XCTAssertEqual(try diff(["1e-30*x^2"]), "df/dx = 2e-30*x\n")
        XCTAssertEqual(try diff(["1e30*x^2"]), "df/dx = 2000000000000000000000000000000*x\n")
    }
}
