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
//   AdjointSymbolic    symbolic scalar: derivative expressions, simplification, printing, swell
//   AdjointSparse      sparsity detection, colouring, sparse Jacobians/Hessians, checkpointed gradients
//   AdjointOptim       optimizers: gradient descent, SGD, momentum, Nesterov, Adagrad, RMSProp, Adam
//   Adjoint            umbrella: `import Adjoint` re-exports all of the above
//   AdjointSelfTest    random-graph fuzzing and mutation testing of the registry (`jac selftest`)
//   AdjointTesting     property-based derivative assertions for XCTest and Swift Testing (a user's test suite)
// `make test` builds optimised (-c release) and runs every test against optimised library code
// (TEST_FLAGS in the Makefile). The test targets themselves stay unoptimised there: what must be
// optimised is the library under test, and optimising the large test modules took most of that
// build's 12 minutes on a 2-core machine.
let testSettings: [SwiftSetting] = [.unsafeFlags(["-Onone"], .when(configuration: .release))]

let package = Package(
    name: "Adjoint",
    products: [
        .library(name: "Adjoint", targets: ["Adjoint"]),
        .executable(name: "jac", targets: ["jac"]),
        .library(name: "AdjointTesting", targets: ["AdjointTesting"]),
        // The self-test as a library: the only way to run it over primitives a user registers.
        .library(name: "AdjointSelfTest", targets: ["AdjointSelfTest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(name: "CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CLapack", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),

        // One C global: the observation switch read on every op (see its header for why C).
        .target(name: "CAdjointSupport"),
        // OpenBLAS core selection from CPUID (README "BLAS kernels"): the decision and the switch,
        // and a constructor that only the toolkit's own executables link (the library never switches).
        .target(name: "CAdjointBLAS"),
        .target(name: "CAdjointBLASEntry", dependencies: ["CAdjointBLAS"]),
        // tanh and sigmoid loops compiled per ISA (AVX-512, AVX2, baseline), chosen at load time.
        .target(name: "CAdjointVectorMath"),
        .target(name: "AdjointCore",
                dependencies: ["CAdjointSupport", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "AdjointCheck",
                dependencies: ["AdjointCore", "AdjointExact", "AdjointSparse",
                               .product(name: "ComplexModule", package: "swift-numerics"),
                               .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "AdjointExact", dependencies: ["AdjointCore", "CGMP"]),
        .target(name: "AdjointLinalg", dependencies: ["AdjointCore", "CAdjointSupport", "CLapack", "CAdjointBLAS", "CAdjointVectorMath"]),
        .target(name: "AdjointComplexity", dependencies: ["AdjointCore", "AdjointLinalg"]),
        .target(name: "AdjointFormula", dependencies: ["AdjointCore"]),
        .target(name: "AdjointSymbolic", dependencies: ["AdjointCore", "AdjointExact"]),
        .target(name: "AdjointSparse", dependencies: ["AdjointCore"]),
        // Optimizers: update rules over parameter arrays and matrices (gradient descent … Adam).
        .target(name: "AdjointOptim", dependencies: ["AdjointCore", "AdjointLinalg"]),
        .target(name: "Adjoint",
                dependencies: ["AdjointCore", "AdjointCheck", "AdjointExact", "AdjointLinalg",
                               "AdjointComplexity", "AdjointFormula", "AdjointSymbolic", "AdjointSparse",
                               "AdjointOptim"]),
        // Random-graph fuzzing and mutation testing of the registry's own rules (`jac selftest`).
        .target(name: "AdjointSelfTest",
                dependencies: ["AdjointCore", "AdjointCheck", "AdjointExact", "AdjointFormula"]),

        // The only target that imports XCTest and Swift Testing: it records failures in whichever runs it.
        .target(name: "AdjointTesting",
                dependencies: ["AdjointCore", "AdjointCheck", "AdjointLinalg",
                               .product(name: "RealModule", package: "swift-numerics"),
                               .product(name: "PropertyBased", package: "swift-property-based")]),

        // Standard output's error state for jac (Swift 6 will not touch the C global `stdout`).
        .target(name: "CJacIO"),
        .executableTarget(name: "jac",
                          dependencies: ["Adjoint", "AdjointSelfTest", "CAdjointBLASEntry", "CJacIO",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // `make bench`'s floor: the same tape design in plain C, without the library's checks.
        .target(name: "CTapeFloor", path: "Sources/CTapeFloor"),
        .executableTarget(name: "AdjointBench", dependencies: ["Adjoint", "CAdjointBLAS", "CAdjointBLASEntry", "CTapeFloor"],
                          exclude: ["peers", "README.md"]),   // the Python side of `make bench-peers`; the measurements page
        .executableTarget(name: "AdjointDemo", dependencies: ["Adjoint", "CAdjointBLASEntry"]),
        // `make bench`'s harness figures: apart from AdjointBench, since AdjointTesting links the test libraries.
        .executableTarget(name: "AdjointHarnessBench", dependencies: ["Adjoint", "AdjointTesting", "CAdjointBLASEntry"]),
        // `make notebooks`: runs notebooks-md/ (notebooks-md/README.md). The runner uses Foundation
        // only; NotebookCells is generated from the notebooks' Swift cells and committed.
        .executableTarget(name: "NotebookRunner"),
        .executableTarget(name: "NotebookCells",
                          dependencies: ["Adjoint", "AdjointOptim", "AdjointTesting", "CAdjointBLASEntry"]),

        .testTarget(name: "SystemLibraryTests", dependencies: ["CGMP", "CLapack"],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointCoreTests", dependencies: ["AdjointCore"], swiftSettings: testSettings),
        .testTarget(name: "AdjointCheckTests", dependencies: ["AdjointCheck", "AdjointExact", "AdjointCore", "AdjointLinalg", "AdjointFormula"],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointExactTests", dependencies: ["AdjointExact", "AdjointCore", "CGMP"],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointLinalgTests", dependencies: ["AdjointLinalg", "AdjointCore", "CAdjointBLAS"],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointComplexityTests", dependencies: ["AdjointComplexity", "AdjointLinalg", "AdjointCore"],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointFormulaTests", dependencies: ["AdjointFormula", "AdjointCore"],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointSymbolicTests", dependencies: ["AdjointSymbolic", "AdjointFormula", "AdjointExact", "AdjointCore"],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointSparseTests", dependencies: ["AdjointSparse", "AdjointCheck", "AdjointCore"],
                    swiftSettings: testSettings),
        .testTarget(name: "JacTests", dependencies: ["Adjoint"], swiftSettings: testSettings),
        .testTarget(name: "AdjointSelfTestTests",
                    dependencies: ["AdjointSelfTest", "AdjointCheck", "AdjointExact", "AdjointFormula", "AdjointCore"],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointOptimTests", dependencies: ["AdjointOptim", "AdjointLinalg", "AdjointCore"],
                    swiftSettings: testSettings),
        // Notebooks, plots, proof links; README and doc-comment examples, compiled as a user's code is.
        .testTarget(name: "DocumentationTests",
                    dependencies: ["Adjoint", "AdjointTesting", "AdjointSelfTest",
                                   .product(name: "ComplexModule", package: "swift-numerics"),
                                   .product(name: "PropertyBased", package: "swift-property-based")],
                    swiftSettings: testSettings),
        .testTarget(name: "AdjointTestingTests",
                    dependencies: ["AdjointTesting", "AdjointCheck", "AdjointLinalg", "AdjointCore",
                                   .product(name: "PropertyBased", package: "swift-property-based")],
                    swiftSettings: testSettings),
        // The fuzz harness (shared with the libFuzzer targets in Fuzz/), the corpus replay and the
        // seeded differential fuzzer.
        .testTarget(name: "FuzzTests", dependencies: ["Adjoint"], swiftSettings: testSettings),
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


// `make test` compiles the benchmarks and the demo only to learn that they still compile: it runs
// none of them. Optimised, they were about 105 s of that build's 1325 s on one core (Zen 1,
// 2026-12-06: AdjointBench 45, AdjointHarnessBench 39, AdjointDemo 31, nearly all of it
// specialising the library's generic code into each), so the Makefile's test target sets
// ADJOINT_TEST_BUILD and they compile unoptimised there. `make bench` and `make demo` do not set it.
if ProcessInfo.processInfo.environment["ADJOINT_TEST_BUILD"] != nil {
    for target in package.targets where ["AdjointBench", "AdjointHarnessBench", "AdjointDemo"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-Onone"])]
    }
}
