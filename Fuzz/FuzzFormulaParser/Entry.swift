// libFuzzer entry: arbitrary bytes as formula text (FuzzHarness.parse). A broken invariant stops
// the run with its description, which libFuzzer reports with the input that caused it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormulaParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let problem = FuzzHarness.parse(bytes) { fatalError(problem) }
    return 0
}
