import Foundation
import XCTest

/// The ```swift examples in the doc comments of the covered files compile and run: each is found,
/// line for line, in DocCommentExamples.swift (compiled with this target), and runs there without
/// throwing. Three black-box examples in BlackBoxCheck.swift did not compile as written ("unable
/// to type-check this expression in reasonable time") before this check existed.
final class DocCommentTests: XCTestCase {
    /// Files whose every doc-comment example must be in DocCommentExamples.swift.
    static let coveredFiles = [
        "Sources/AdjointCore/API/ADFunction.swift",
        "Sources/AdjointCore/API/CompressedJacobian.swift",
        "Sources/AdjointCore/API/Concurrent.swift",
        "Sources/AdjointCore/API/Derivatives.swift",
        "Sources/AdjointCore/API/SpecialisedADFunction.swift",
        "Sources/AdjointCheck/Check/BlackBoxCheck.swift",
        "Sources/AdjointCheck/Check/Check.swift",
        "Sources/AdjointCheck/Check/CheckReport.swift",
        "Sources/AdjointCheck/Check/ConcurrentCheck.swift",
        "Sources/AdjointCheck/Check/CheckTypes.swift",
        "Sources/AdjointCheck/Check/SparsityCheck.swift",
        "Sources/AdjointCheck/Check/FaultLocalization.swift",
        "Sources/AdjointCheck/Check/JSON.swift",
        "Sources/AdjointCheck/Sweep/StepSweep.swift",
        "Sources/AdjointCheck/Sweep/SweepPlot.swift",
        "Sources/AdjointCheck/Primitives/Validate.swift",
        "Sources/AdjointCheck/ComplexStep/Complex+ADScalar.swift",
        "Sources/AdjointCheck/FiniteDifferences/DifferenceEngine.swift",
        "Sources/AdjointCheck/FiniteDifferences/Differences.swift",
        "Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift",
        "Sources/AdjointCheck/FiniteDifferences/Stencil.swift",
        "Sources/AdjointCheck/FiniteDifferences/StepSize.swift",
        "Sources/AdjointTesting/Inputs.swift",
        "Sources/AdjointTesting/MatrixPrograms.swift",
        "Sources/AdjointTesting/Message.swift",
        "Sources/AdjointTesting/Outcome.swift",
        "Sources/AdjointTesting/Property.swift",
        "Sources/AdjointTesting/SecondOrder.swift",
        "Sources/AdjointTesting/Subjects.swift",
        "Sources/AdjointSymbolic/Symbolic.swift",
        "Sources/AdjointSymbolic/SymbolicDifferentiation.swift",
        "Sources/AdjointFormula/FormulaError.swift",
        "Sources/AdjointCore/Support/MessageText.swift",
        "Sources/AdjointSelfTest/MutationTesting.swift",
        "Sources/AdjointSelfTest/RandomGraph.swift",
    ]

    /// The ```swift blocks of `source`'s doc comments (`///` stripped), with their first line.
    static func docExamples(_ source: String) -> [(line: Int, lines: [String])] {
        var out: [(Int, [String])] = []
        var open: Int? = nil
        var body: [String] = []
        for (i, raw) in source.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("///") else { continue }
            let text = line.hasPrefix("/// ") ? String(line.dropFirst(4)) : String(line.dropFirst(3))
            if let start = open {
                if text.hasPrefix("```") { out.append((start, body)); open = nil; body = [] } else { body.append(text) }
            } else if text == "```swift" {
                open = i + 2
            }
        }
        return out
    }

    func testEveryExampleOfTheCoveredFilesIsCompiled() throws {
        let compiled = try ReadmeTests.read("Tests/DocumentationTests/DocCommentExamples.swift").components(separatedBy: "\n")
        var count = 0
        for file in Self.coveredFiles {
            for example in Self.docExamples(try ReadmeTests.read(file)) {
                count += 1
                XCTAssertNotNil(ReadmeTests.location(of: example.lines, in: compiled),
                                "\(file):\(example.line): this doc-comment example is not in Tests/DocumentationTests/DocCommentExamples.swift "
                                + "line for line (so it is not compiled); copy it there, inside a function:\n" + example.lines.joined(separator: "\n"))
            }
        }
        // CheckTypes' five examples on one report share one function.
        XCTAssertEqual(count, DocCommentExamples.all.count + DocCommentExamples.compiledOnly.count + 4,
                       "one function in DocCommentExamples per example of the covered files")
    }

    func testEveryExampleRuns() async {
        for (location, run) in DocCommentExamples.all {
            do { try await run() } catch { XCTFail("\(location): the doc-comment example threw \(error)") }
        }
    }
}
