// `make bench`: every benchmark prints JSON lines {"benchmark", "value", "unit"}. Figures are
// ratios or medians measured in this one process, never compared against fixed times in tests.
// Arguments pick groups (`AdjointBench linalg`); none runs them all; `peers` runs only the
// workloads of `make bench-peers`.
let groups: [(String, () -> Void)] = [
    ("core", runCoreBenchmarks), ("exact", runExactBenchmarks), ("jac", runJacBenchmarks),
    ("linalg", runLinalgBenchmarks), ("complexity", runComplexityBenchmarks),
    ("concurrent", runConcurrentBenchmarks),
]
// Not part of `make bench`: the Adjoint side of `make bench-peers`.
if CommandLine.arguments.dropFirst().first == "peers" { runPeerWorkloads() }
let chosen = Set(CommandLine.arguments.dropFirst())
for (name, run) in groups where chosen.isEmpty || chosen.contains(name) { run() }
