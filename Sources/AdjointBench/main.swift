// `make bench`: every benchmark prints JSON lines {"benchmark", "value", "unit"}. Figures are
// ratios or medians measured in this one process, never compared against fixed times in tests.
// Arguments pick groups (`AdjointBench linalg`); none runs them all; `peers` runs only the
// workloads of `make bench-peers`.
let groups: [(String, () -> Void)] = [
    ("core", runCoreBenchmarks), ("exact", runExactBenchmarks), ("jac", runJacBenchmarks),
    ("linalg", runLinalgBenchmarks), ("complexity", runComplexityBenchmarks),
    ("concurrent", runConcurrentBenchmarks), ("sparse", runSparseBenchmarks),
]
// Not part of `make bench`: the Adjoint side of `make bench-peers`.
if CommandLine.arguments.dropFirst().first == "peers" { runPeerWorkloads() }
// Not part of `make bench`: the depth-8 f32 MLP training step in a loop for a profiler
// (`perf record -g AdjointBench mlp-loop [seconds] [activation] [BLAS threads]`, tanh on one
// thread unless named), nothing printed but the steps taken.
if CommandLine.arguments.dropFirst().first == "mlp-loop" {
    runMLPLoop(seconds: CommandLine.arguments.dropFirst(2).first.flatMap(Double.init) ?? 10,
               activation: CommandLine.arguments.dropFirst(3).first ?? "tanh",
               threads: CommandLine.arguments.dropFirst(4).first.flatMap { Int($0) } ?? 1)
}
// Not part of `make bench`: recording `make bench`'s scalar f (n = 10⁵) on the tape in a loop, for a
// profiler (`perf record AdjointBench record-loop [seconds]`): the half of the gradient that sits
// furthest above the C floor (reverse_record_over_plain against floor_c_record_over_plain).
if CommandLine.arguments.dropFirst().first == "record-loop" {
    runRecordLoop(seconds: CommandLine.arguments.dropFirst(2).first.flatMap(Double.init) ?? 10)
}
// Not part of `make bench`: f's plain evaluation or its gradient in a loop, for a profiler.
if let mode = CommandLine.arguments.dropFirst().first, mode == "plain-loop" || mode == "gradient-loop" {
    runCoreLoop(gradient: mode == "gradient-loop", seconds: CommandLine.arguments.dropFirst(2).first.flatMap(Double.init) ?? 10)
}
// Not part of `make bench`: one recording swept in a loop, ours or the C floor's
// (`perf stat AdjointBench sweep-loop|floor-sweep-loop [seconds]`).
if let mode = CommandLine.arguments.dropFirst().first, mode == "sweep-loop" || mode == "floor-sweep-loop" {
    runSweepLoop(floor: mode == "floor-sweep-loop", seconds: CommandLine.arguments.dropFirst(2).first.flatMap(Double.init) ?? 10)
}
// Not part of `make bench`: f with its sin as a user primitive, evaluated plainly, forward or
// reverse in a loop (`perf record -g AdjointBench user-loop plain|forward|gradient [seconds]`).
if CommandLine.arguments.dropFirst().first == "user-loop" {
    runUserPrimitiveLoop(mode: CommandLine.arguments.dropFirst(2).first ?? "gradient",
                         seconds: CommandLine.arguments.dropFirst(3).first.flatMap(Double.init) ?? 10)
}
// Not part of `make bench`: one of `make bench-peers`' Jacobian shapes in a loop, for a profiler
// (`perf record AdjointBench jacobian-loop 100 100 [seconds]`).
if CommandLine.arguments.dropFirst().first == "jacobian-loop" {
    let a = CommandLine.arguments.dropFirst(2).compactMap(Double.init)
    runJacobianLoop(outputs: Int(a.first ?? 100), inputs: Int(a.dropFirst().first ?? 100), seconds: a.dropFirst(2).first ?? 10)
}
// Not part of `make bench`: the 60 × 60 check of `check_60x60_*` in a loop for a profiler
// (`perf record -g AdjointBench check-loop [seconds] [tasks]`).
if CommandLine.arguments.dropFirst().first == "check-loop" {
    runCheckLoop(seconds: CommandLine.arguments.dropFirst(2).first.flatMap(Double.init) ?? 10,
                 tasks: CommandLine.arguments.dropFirst(3).first.flatMap { Int($0) } ?? 1,
                 inputs: CommandLine.arguments.dropFirst(4).first.flatMap { Int($0) } ?? 60)
}
let chosen = Set(CommandLine.arguments.dropFirst())
for (name, run) in groups where chosen.isEmpty || chosen.contains(name) { run() }
