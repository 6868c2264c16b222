// `make bench`: every benchmark prints JSON lines {"benchmark", "value", "unit"}. Figures are
// ratios or medians measured in this one process, never compared against fixed times in tests.
runCoreBenchmarks()
runExactBenchmarks()
runJacBenchmarks()
runLinalgBenchmarks()
runComplexityBenchmarks()
runSparseBenchmarks()
