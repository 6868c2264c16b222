// swift-tools-version:6.0
import PackageDescription
import Foundation

// Target layout (see README "Architecture"):
//   AdjointCore        registry, scalar protocol, forward (Dual) and reverse (tape) modes, derivative APIs
//   AdjointCheck       finite differences, complex-step, the gradient-check report (escalates to exact)
//   AdjointExact       GMP rationals: exact forward/reverse and exact checks
//   AdjointLinalg      matrix type and matrix-valued ops on CBLAS/LAPACKE, Jacobian analysis
//   AdjointComplexity  operation counters and the backprop / naive-chain / FD demonstration
//   AdjointFormula     the formula language parsed into a registry graph
//   Adjoint            umbrella: `import Adjoint` re-exports all of the above
let package = Package(
    name: "Adjoint",
    products: [
        .library(name: "Adjoint", targets: ["Adjoint"]),
        .executable(name: "jac", targets: ["jac"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CLapack", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),

        // One C global: the observation switch read on every op (see its header for why C).
        .target(name: "CAdjointSupport"),
        .target(name: "AdjointCore",
                dependencies: ["CAdjointSupport", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "AdjointCheck",
                dependencies: ["AdjointCore", "AdjointExact",
                               .product(name: "ComplexModule", package: "swift-numerics"),
                               .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "AdjointExact", dependencies: ["AdjointCore", "CGMP"]),
        .target(name: "AdjointLinalg", dependencies: ["AdjointCore", "CLapack"]),
        .target(name: "AdjointComplexity", dependencies: ["AdjointCore", "AdjointLinalg"]),
        .target(name: "AdjointFormula", dependencies: ["AdjointCore"]),
        .target(name: "Adjoint",
                dependencies: ["AdjointCore", "AdjointCheck", "AdjointExact", "AdjointLinalg",
                               "AdjointComplexity", "AdjointFormula"]),

        .executableTarget(name: "jac",
                          dependencies: ["Adjoint",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "AdjointBench", dependencies: ["Adjoint"]),
        .executableTarget(name: "AdjointDemo", dependencies: ["Adjoint"]),

        .testTarget(name: "SystemLibraryTests", dependencies: ["CGMP", "CLapack"]),
        .testTarget(name: "AdjointCoreTests", dependencies: ["AdjointCore"]),
        .testTarget(name: "AdjointCheckTests", dependencies: ["AdjointCheck", "AdjointExact", "AdjointCore"]),
        .testTarget(name: "AdjointExactTests", dependencies: ["AdjointExact", "AdjointCore", "CGMP"]),
        .testTarget(name: "AdjointLinalgTests", dependencies: ["AdjointLinalg", "AdjointCore"]),
        .testTarget(name: "AdjointComplexityTests", dependencies: ["AdjointComplexity", "AdjointLinalg", "AdjointCore"]),
        .testTarget(name: "AdjointFormulaTests", dependencies: ["AdjointFormula", "AdjointCore"]),
        .testTarget(name: "JacTests", dependencies: ["Adjoint"]),
        // The fuzz harness (shared with the libFuzzer targets in Fuzz/), the corpus replay and the
        // seeded differential fuzzer.
        .testTarget(name: "FuzzTests", dependencies: ["Adjoint"]),
    ]
)

// libFuzzer targets (`make fuzz`), present only when ADJOINT_FUZZ is set: they need
// -parse-as-library (an unsafe flag, which must not reach packages depending on Adjoint) and link
// only under --sanitize=fuzzer. Each target's FuzzHarness.swift links to
// Tests/FuzzTests/FuzzHarness.swift, the code the test suite's corpus replay runs.
if ProcessInfo.processInfo.environment["ADJOINT_FUZZ"] != nil {
    for name in ["FuzzFormulaParser", "FuzzEvaluate"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["Adjoint"], path: "Fuzz/\(name)",
                                                 swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}

