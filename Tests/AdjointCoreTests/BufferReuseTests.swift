import Foundation
import XCTest
@testable import AdjointCore

/// Tape memory and sweep scratch are reused across threads (issue 15, all cores): async code
/// hops threads, and memory that a per-thread slot could not hand on was faulted in afresh on
/// every call (124k page faults for 100 concurrent 200×200 Jacobians, a fifth of their time).
final class BufferReuseTests: XCTestCase {
    struct Sum: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var s: T = 0
            for v in x { s = s + v * v }
            return [s]
        }
    }

    /// Runs `body` on a fresh thread and waits for it.
    func onAnotherThread(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { body(); done.signal() }
        done.wait()
    }

    func testATapeHandedBackOnOneThreadServesARecordingOnAnother() throws {
        let x = [Double](repeating: 0.5, count: 20_000)
        Tape<Double>.releaseCachedMemory()
        // The first recording fills this thread's slot; the second finds the slot taken and
        // goes to the shared shelf.
        _ = try gradient(of: { v in v.reduce(0, +) }, at: x)
        do {
            let first = try record({ v in [v.reduce(0, +)] }, at: x)
            let second = try record({ v in [v.reduce(0, +)] }, at: x)
            XCTAssertEqual(first.value, second.value)
        }
        let before = TapeBufferPool.freshTapeAllocations.load(ordering: .relaxed)
        onAnotherThread {
            // A new thread has an empty slot: without the shelf this recording allocates (and
            // faults in) its own buffers, doubling from the initial capacity.
            let g = try? gradient(of: { v in v.reduce(0, +) }, at: x)
            XCTAssertEqual(g?.count, x.count)
        }
        XCTAssertEqual(TapeBufferPool.freshTapeAllocations.load(ordering: .relaxed), before,
                       "the recording on the other thread should reuse the shelved buffers")
        Tape<Double>.releaseCachedMemory()
    }

    func testConcurrentSweepsReuseTheirScratchAndLeaveItZeroed() async throws {
        let x = (0..<40).map { 0.1 + 0.02 * Double($0) }
        let f = ConcurrentJacobianTests.Mix(m: 30)
        let reference = try jacobian(of: f, at: x, mode: .reverse)
        Tape<Double>.releaseCachedMemory()
        _ = try await jacobian(of: f, at: x, mode: .reverse, tasks: 2)
        let before = TapeBufferPool.freshScratchAllocations.load(ordering: .relaxed)
        for _ in 0..<3 {
            let r = try await jacobian(of: f, at: x, mode: .reverse, tasks: 2)
            XCTAssertEqual(r.jacobian, reference.jacobian)
        }
        // Two tasks never hold more than two scratches; the first call shelved at least one (both,
        // unless its tasks ran one after the other), so three more calls need at most one more.
        // Without the shelf each call allocates two.
        XCTAssertLessThanOrEqual(TapeBufferPool.freshScratchAllocations.load(ordering: .relaxed) - before, 1)
        // Whatever is shelved is all zero bits: a sweep reused without clearing starts from zero.
        assertShelvedScratchIsZero()
    }

    /// Takes every shelved scratch (tasks that ran one after another shared one, so there may be
    /// fewer than tasks), requires at least one (a fresh one would be zero trivially), checks
    /// every byte, and hands them back.
    func assertShelvedScratchIsZero(file: StaticString = #filePath, line: UInt = #line) {
        var held: [TapeBufferPool.ZeroedBuffer] = []
        while true {
            let before = TapeBufferPool.freshScratchAllocations.load(ordering: .relaxed)
            let b = TapeBufferPool.takeZeroed(byteCount: 8)
            held.append(b)
            if TapeBufferPool.freshScratchAllocations.load(ordering: .relaxed) != before { break }
            XCTAssertTrue(UnsafeRawBufferPointer(start: b.pointer, count: b.byteCount).allSatisfy { $0 == 0 },
                          "a shelved scratch of \(b.byteCount) bytes is not zero", file: file, line: line)
        }
        XCTAssertGreaterThan(held.count, 1, "no scratch was shelved", file: file, line: line)
        for b in held { TapeBufferPool.giveZeroed(b) }
    }

    func testScratchSweptThroughNonFiniteAdjointsIsZeroAgain() async throws {
        // √ at 0 makes an infinite partial in row 1 (and ∞ − ∞ = NaN below it): the concurrent
        // path falls back to the serial one to name the op, but its sweeps ran through them first.
        struct Pole: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1], T.sqrt(x[0] - x[0]) + x[1], x[1] * x[1]] }
        }
        Tape<Double>.releaseCachedMemory()
        do {
            _ = try await jacobian(of: Pole(), at: [2.0, 3.0], mode: .reverse, tasks: 2)
            XCTFail("an infinite Jacobian entry must throw")
        } catch {}
        assertShelvedScratchIsZero()
    }

    func testShelvesAreBoundedInCountAndBytes() {
        Tape<Double>.releaseCachedMemory()
        // More buffers than the shelf keeps: the smallest are freed, the largest kept.
        let sizes = (1...(TapeBufferPool.shelfLimit + 3)).map { $0 * 4096 }
        let taken = sizes.map { TapeBufferPool.takeZeroed(byteCount: $0) }
        for b in taken { TapeBufferPool.giveZeroed(b) }
        let before = TapeBufferPool.freshScratchAllocations.load(ordering: .relaxed)
        var kept: [TapeBufferPool.ZeroedBuffer] = []
        while true {
            let b = TapeBufferPool.takeZeroed(byteCount: 1)
            if TapeBufferPool.freshScratchAllocations.load(ordering: .relaxed) != before { b.pointer.deallocate(); break }
            kept.append(b)
        }
        XCTAssertEqual(kept.map(\.byteCount).sorted(), Array(sizes.suffix(TapeBufferPool.shelfLimit)))
        for b in kept { TapeBufferPool.giveZeroed(b) }
        // The byte bound, on small numbers: the smallest go first until the rest fit, and one
        // item larger than the bound is not kept at all.
        var list: [Int] = []
        var freed: [Int] = []
        for size in [50, 10, 30, 20] { freed += TapeBufferPool.shelve(size, on: &list, bytes: { $0 }, limit: 10, byteLimit: 100) }
        XCTAssertEqual(list, [50, 30, 20], "50 + 30 + 20 = 100 fits; adding 10 first and 20 last pushed 10 out")
        XCTAssertEqual(freed, [10])
        XCTAssertEqual(TapeBufferPool.shelve(101, on: &list, bytes: { $0 }, limit: 10, byteLimit: 100).sorted(), [20, 30, 50, 101])
        XCTAssertEqual(list, [])
        Tape<Double>.releaseCachedMemory()
    }

    /// The shelves' lock: read-modify-write from four threads loses no update (a no-op lock loses
    /// some of the 200,000 increments on two cores; under ThreadSanitizer it is also a report).
    func testTheShelvesLockSerialisesUpdates() {
        let counter = PthreadLocked<Int>(0)
        let done = DispatchGroup()
        for _ in 0..<4 {
            done.enter()
            Thread.detachNewThread {
                for _ in 0..<50_000 { counter.withLock { v in let read = v; v = read + 1 } }
                done.leave()
            }
        }
        done.wait()
        XCTAssertEqual(counter.withLock { $0 }, 200_000)
    }
}
