import Foundation
import XCTest

/// A package depending on Adjoint can import only its products: a library target whose public API
/// is documented must be a product or re-exported by the umbrella `Adjoint`. `AdjointSelfTest`
/// (SelfTest, Fuzzer, GraphGenerator, MutationTesting, with doc examples, and the only way to run
/// the self-test over primitives a user registers with `UserPrimitives.register`) was neither:
/// `import AdjointSelfTest` failed with "no such module" in a package depending on Adjoint.
final class ProductReachabilityTests: XCTestCase {
    func testEveryDocumentedLibraryTargetIsReachableFromAnotherPackage() throws {
        let manifest = try ReadmeTests.read("Package.swift")
        func names(_ pattern: String, in text: String) throws -> [String] {
            let re = try NSRegularExpression(pattern: pattern)
            return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).map { String(text[$0]) }
            }
        }
        let libraryTargets = try names(#"\.target\(name: "([A-Za-z]+)""#, in: manifest).filter { !$0.hasPrefix("C") }
        let products = Set(try names(#"\.library\(name: "[A-Za-z]+", targets: \["([A-Za-z]+)"\]"#, in: manifest))
        let reexported = Set(try names(#"@_exported import ([A-Za-z]+)"#, in: try ReadmeTests.read("Sources/Adjoint/Adjoint.swift")))
        XCTAssert(libraryTargets.contains("AdjointCore") && products.contains("Adjoint"), "the manifest patterns still match")
        for target in libraryTargets where !products.contains(target) && !reexported.contains(target) {
            let dir = ReadmeTests.root.appendingPathComponent("Sources/\(target)")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".swift") }
            let documented = try files.contains { f in
                let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
                return text.contains("/// ```swift") && text.contains("public ")
            }
            XCTAssertFalse(documented, "\(target) has documented public API but is neither a library product nor re-exported by Adjoint: "
                           + "another package cannot import it; add .library(name: \"\(target)\", targets: [\"\(target)\"])")
        }
    }
}
