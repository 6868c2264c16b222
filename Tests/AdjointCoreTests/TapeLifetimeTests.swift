import Foundation
import Synchronization
import XCTest
@testable import AdjointCore

/// Issue 14 items 3 and 9: what happens to variables after their tape is gone, and the tape's limit.
final class TapeLifetimeTests: XCTestCase {
    /// A variable that escaped a gradient call reads its tape's header in the next call. The header
    /// used to be freed memory (AddressSanitizer: heap-use-after-free under `make sanitize`); it
    /// is now a recycled block whose generation is dead or another tape's, so every use is the
    /// typed error, with the header dead, reused by a live tape, or reused by a tape of another type.
    func testEscapedVariablesAreTypedErrorsWhateverBecameOfTheirTape() {
        var escaped: [Reverse<Double>] = []
        for k in 0..<16 {
            _ = try? gradient(of: { v in escaped.append(v[0] * v[0]); return v[0] }, at: [Double(k)])
        }
        // Other tapes, of another scalar type too, take the recycled headers meanwhile.
        _ = try? gradient(of: { v in v[0] * v[0] }, at: [Float(2)])
        for stale in escaped {
            XCTAssertThrowsError(try record({ v in [v[0] + stale] }, at: [1.0])) { e in
                guard case ADError.foreignVariable = e else { return XCTFail("expected foreignVariable, got \(e)") }
            }
            XCTAssertThrowsError(try record({ _ in [Reverse.sin(stale)] }, at: [1.0])) { e in
                guard case ADError.foreignVariable = e else { return XCTFail("expected foreignVariable, got \(e)") }
            }
        }
    }

    /// A dead header and a reused one both differ from the generation a stale variable carries.
    func testRecycledHeaderCarriesANewGeneration() {
        var first: Reverse<Double>?
        do {
            let tape = Tape<Double>()
            first = tape.variable(1)
        }
        let tape = Tape<Double>()
        let live = tape.variable(2)
        XCTAssertFalse(tape.owns(first ?? 0), "a stale variable is never owned by the tape that took its header")
        XCTAssertTrue(tape.owns(live))
    }

    /// The default limit leaves room for the tape, its adjoints and the copy made while doubling
    /// within physical memory (read here from /proc/meminfo, not from the code under test). The
    /// old fixed 2³⁰ entries needed ~26 GB while growing on a 24 GB machine, so the typed error
    /// could never be reached.
    func testDefaultLimitFitsInPhysicalMemory() throws {
        let text = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
        let kib = Double(line?.split(separator: " ").dropFirst().first ?? "") ?? 0
        try XCTSkipIf(kib == 0, "no /proc/meminfo")
        let memory = kib * 1024
        let perEntry = Double(Tape<Double>.bytesPerEntry + MemoryLayout<Double>.stride)
        let peak = Double(Tape<Double>.defaultLimit) * perEntry * 2   // growing: old and new buffers
        XCTAssertLessThanOrEqual(peak, 0.6 * memory)
        XCTAssertGreaterThan(Double(Tape<Double>.defaultLimit), 1e6, "large graphs still fit")
    }

    /// The typed error at a small explicit limit, through a tape made by hand and through `record`.
    func testLimitExceededIsTypedAtASmallExplicitLimit() {
        let (_, d) = Diagnostics.collect { () -> Reverse<Double> in
            let tape = Tape<Double>(capacity: 4, limit: 20)
            var s = tape.variable(1)
            for _ in 0..<40 { s = s * s + 1 }
            return s
        }
        XCTAssertEqual(d.errors.first, .limitExceeded(what: "tape length", limit: 20))
        XCTAssertThrowsError(try record({ v in [(0..<1000).reduce(v[0]) { s, _ in s * v[0] }] }, at: [1.0], tapeLimit: 64)) { e in
            XCTAssertEqual(e as? ADError, .limitExceeded(what: "tape length", limit: 64))
        }
    }
}

/// Run under ThreadSanitizer by `make sanitize`: tapes made and freed on several threads at once
/// share the header pool, and stale variables are still typed errors on every thread.
final class TapeConcurrencyTests: XCTestCase {
    func testConcurrentTapesRecycleHeadersSafely() {
        let failures = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            var stale: Reverse<Double>?
            for k in 0..<200 {
                let x = Double(t * 1000 + k)
                guard let g = try? gradient(of: { v in stale = v[0]; return v[0] * v[0] }, at: [x]), g == [2 * x] else {
                    failures.add(1, ordering: .relaxed); continue
                }
                if let s = stale, (try? record({ v in [v[0] + s] }, at: [1.0])) != nil {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
    }
}
