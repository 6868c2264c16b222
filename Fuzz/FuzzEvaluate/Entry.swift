// libFuzzer entry: "formula\npoint" through every mode (FuzzHarness.evaluate). A broken
// invariant (modes disagree, an untyped error) stops the run with its description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvaluate(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let problem = FuzzHarness.evaluate(bytes) { fatalError(problem) }
    return 0
}
