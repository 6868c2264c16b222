// `make bench`: every benchmark prints JSON lines {"benchmark", "value", "unit"}. Figures are
// ratios or medians measured in this one process, never compared against fixed times in tests.
// Arguments pick groups (`AdjointBench linalg`); none runs them all.
let groups: [(String, () -> Void)] = [
    ("core", runCoreBenchmarks), ("exact", runExactBenchmarks), ("jac", runJacBenchmarks),
    ("linalg", runLinalgBenchmarks), ("complexity", runComplexityBenchmarks),
]
let chosen = Set(CommandLine.arguments.dropFirst())
for (name, run) in groups where chosen.isEmpty || chosen.contains(name) { run() }
