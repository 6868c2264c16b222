#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint
import ArgumentParser
import Foundation

// The line protocol `jac check --program` speaks with a program in any language (README
// "Checking a program's derivatives"):
//
//   jac → program   {"x": [1.5, -2]}                      a value request
//                   {"x": [1.5, -2], "want": "jacobian"}  the program's own Jacobian is wanted
//   program → jac   {"y": [0.25]}                         or {"y": [...], "jacobian": [[...], ...]}
//
// One request and one reply per line, in order; the program is started once and reads requests
// until its standard input closes. A reply may always carry "jacobian" (jac ignores it on value
// requests). NaN and Infinity (as Python's json writes them) are accepted as numbers.
//
// Everything the program can do wrong ends in a JacFailure with the text it printed: no reply
// within the timeout (killed), exit or crash (status and captured stderr), a line that is not the
// protocol (status 2), the wrong number of values (status 2), NaN at the checked point (status 3).

/// Where the program's standard error goes.
enum ProgramStderr: String, ExpressibleByArgument, CaseIterable {
    /// Inherited: the program's messages appear on jac's standard error as it runs.
    case pass
    /// Kept in a temporary file; the last lines are quoted when the program fails.
    case capture
    /// Discarded.
    case discard
}

/// Limits on how long and how much the program may be asked.
struct ProgramLimits {
    /// Seconds to wait for one reply.
    var timeout = 10.0
    /// Seconds for the whole check, start-up included.
    var budget = 300.0
    /// Requests allowed in total.
    var maxRequests = 100_000
}

/// What a request asks for besides y.
enum ProgramWant {
    case value
    case jacobian
    /// J·v for this tangent v (length n).
    case jvp([Double])
    /// uᵀJ for this cotangent u (length m).
    case vjp([Double])
}

/// One reply of the program.
struct ProgramReply {
    let y: [Double]
    let jacobian: [[Double]]?
    /// The "jvp" or "vjp" vector when one was asked for.
    var product: [Double]? = nil
}

/// A running program and its request counter.
final class ProgramSession {
    let command: String
    let limits: ProgramLimits
    let stderrMode: ProgramStderr
    private let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private var stderrPath: String?
    private var relay: StderrRelay?
    private var buffer: [UInt8] = []
    private let started = Date()
    /// Requests sent so far.
    private(set) var requests = 0
    /// Reply lines received so far.
    private var replies = 0
    /// The x of the latest request, for a message about the program's exit.
    private var lastX: [Double] = []
    /// Length of y, learnt from --outputs or the first reply.
    var outputs: Int?
    /// The first failure; once set every further evaluation returns NaN without asking the program.
    private(set) var failure: JacFailure?

    /// The longest reply line accepted (a Jacobian of a million entries fits).
    static let maxLineBytes = 64 << 20

    init(command: String, inputs: Int, outputs: Int?, limits: ProgramLimits, stderr: ProgramStderr) throws {
        self.command = command
        self.limits = limits
        self.outputs = outputs
        self.stderrMode = stderr
        self.inputs = inputs
        // A write to a program that has exited must be an error return (EPIPE), not a signal
        // that kills jac.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // exec: the program itself gets the pid, so a timeout's kill reaches it and not only a shell.
        process.arguments = ["-c", "exec " + command]
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        switch stderr {
        case .pass:
            // Relayed rather than inherited, so a failure can say whether the program printed
            // anything (an inherited descriptor cannot tell).
            let r = StderrRelay()
            relay = r
            process.standardError = r.pipe
        case .discard: process.standardError = FileHandle.nullDevice
        case .capture:
            let path = NSTemporaryDirectory() + "jac-program-stderr-\(getpid())-\(UUID().uuidString)"
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path) else {
                throw JacFailure.invalid("cannot create a temporary file for the program's standard error")
            }
            stderrPath = path
            process.standardError = handle
        }
        do { try process.run() } catch {
            throw JacFailure.invalid("cannot start --program '\(command)': \(error)")
        }
        relay?.start()
    }

    let inputs: Int

    /// Asks for y (and the program's Jacobian when `wantJacobian`). Throws the failure.
    func request(_ x: [Double], wantJacobian: Bool) throws -> ProgramReply {
        try request(x, want: wantJacobian ? .jacobian : .value)
    }

    /// Asks for y and what `want` names. Throws the failure.
    func request(_ x: [Double], want: ProgramWant) throws -> ProgramReply {
        if let failure { throw failure }
        // The protocol's requests hold numbers only (see `evaluate`, which answers such a probe
        // itself); a sample or a direction is finite by construction, so this names a defect of
        // jac's, not of the program.
        guard x.allSatisfy(\.isFinite) else {
            throw JacFailure.invalid("jac would have asked --program for f at a non-finite x = \(x.map { format($0) }): not sent")
        }
        do {
            return try exchange(x, want: want)
        } catch let f as JacFailure {
            failure = f
            stop()
            throw f
        }
    }

    /// y for the checker's closure, which cannot throw: a failure is remembered and NaNs returned,
    /// so the check finishes quickly and the caller throws `failure` afterwards.
    ///
    /// A probe with a coordinate past Double's range (a difference step from a sample near
    /// 1.7·10³⁰⁸) is not sent: JSON has no number for ∞, and the program was sent `null`, failed
    /// on it and was blamed. f is answered NaN there, as a formula at an infinite input is: an
    /// evaluation the check cannot use, which it already handles.
    func evaluate(_ x: [Double]) -> [Double] {
        if x.allSatisfy(\.isFinite), let y = try? request(x, wantJacobian: false).y { return y }
        return [Double](repeating: .nan, count: outputs ?? 1)
    }

    private func exchange(_ x: [Double], want: ProgramWant) throws -> ProgramReply {
        guard requests < limits.maxRequests else {
            throw JacFailure(.evaluationFailure, "--max-requests \(limits.maxRequests) reached: the check needs more requests than allowed (raise --max-requests)")
        }
        guard Date().timeIntervalSince(started) < limits.budget else {
            throw JacFailure(.evaluationFailure, "--budget of \(format(limits.budget)) s spent after \(requests) requests (raise --budget)")
        }
        requests += 1
        func array(_ v: [Double]) -> String { "[" + v.map { JSONText.number($0) }.joined(separator: ", ") + "]" }
        var line = "{\"x\": " + array(x)
        switch want {
        case .value: break
        case .jacobian: line += ", \"want\": \"jacobian\""
        case .jvp(let v): line += ", \"jvp\": " + array(v)
        case .vjp(let u): line += ", \"vjp\": " + array(u)
        }
        lastX = x
        try send(line + "}\n")
        let reply = try receiveLine()
        replies += 1
        return try decode(reply, x: x, want: want)
    }

    private func send(_ line: String) throws {
        let bytes = Array(line.utf8)
        let fd = stdinPipe.fileHandleForWriting.fileDescriptor
        // Non-blocking with poll: a program that stops reading while a long request fills the
        // pipe (about 64 KiB) must meet the timeout, not block jac forever in write().
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let deadline = Date().addingTimeInterval(min(limits.timeout, max(0, limits.budget - Date().timeIntervalSince(started))))
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                let remaining = deadline.timeIntervalSinceNow
                guard remaining > 0 else { throw timedOut() }
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, Int32(min(remaining * 1000, 1_000_000)) + 1)
                continue
            }
            if n <= 0 { throw exited(during: "sending request \(requests)") }
            offset += n
        }
    }

    private func receiveLine() throws -> String {
        let fd = stdoutPipe.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(min(limits.timeout, max(0, limits.budget - Date().timeIntervalSince(started))))
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            if buffer.count > Self.maxLineBytes {
                throw JacFailure(.invalidInput, "--program printed a line longer than \(Self.maxLineBytes) bytes without a newline: \(quote(String(decoding: buffer.prefix(200), as: UTF8.self)))")
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw timedOut() }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining * 1000, 1_000_000)) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }   // the deadline check above decides
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                throw exited(during: "waiting for the reply to request \(requests)",
                             partial: String(decoding: buffer, as: UTF8.self))
            }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    private func decode(_ line: String, x: [Double], want: ProgramWant) throws -> ProgramReply {
        var wantJacobian = false
        var productKey: String?
        switch want {
        case .value: break
        case .jacobian: wantJacobian = true
        case .jvp: productKey = "jvp"
        case .vjp: productKey = "vjp"
        }
        let protocolHint = "expected one JSON line {\"y\": [...]} (see `jac check --help`)"
        let value: MiniJSON
        do { value = try MiniJSON.parse(line) } catch let e as MiniJSON.ParseError where e.outOfRange {
            throw JacFailure(.invalidInput, "--program reply to request \(requests): \(e): \(quote(line))")
        } catch {
            throw JacFailure(.invalidInput, "--program replied to request \(requests) with a line that is not the protocol (\(error)): \(quote(line)); \(protocolHint)")
        }
        guard case .array(let ys)? = value["y"] else {
            throw JacFailure(.invalidInput, "--program reply to request \(requests) has no \"y\" array: \(quote(line)); \(protocolHint)")
        }
        let y = try ys.map { v -> Double in
            guard let d = v.numberValue else {
                throw JacFailure(.invalidInput, "--program reply to request \(requests): \"y\" holds a non-number: \(quote(line))")
            }
            return d
        }
        if let m = outputs, y.count != m {
            throw JacFailure(.invalidInput, "--program returned \(y.count) value\(y.count == 1 ? "" : "s") in \"y\" but \(m) \(m == 1 ? "is" : "are") expected (--outputs, or the first reply): \(quote(line))")
        }
        if y.isEmpty { throw JacFailure(.invalidInput, "--program returned an empty \"y\": \(quote(line))") }
        outputs = y.count
        var jacobian: [[Double]]?
        if let j = value["jacobian"] {
            guard case .array(let rows) = j else {
                throw JacFailure(.invalidInput, "--program reply: \"jacobian\" is not an array of rows: \(quote(line))")
            }
            jacobian = try rows.map { row -> [Double] in
                guard case .array(let cells) = row, cells.count == inputs else {
                    throw JacFailure(.invalidInput, "--program reply: each \"jacobian\" row must hold \(inputs) numbers (one per input): \(quote(line))")
                }
                return try cells.map { c in
                    guard let d = c.numberValue else {
                        throw JacFailure(.invalidInput, "--program reply: \"jacobian\" holds a non-number: \(quote(line))")
                    }
                    return d
                }
            }
            if rows.count != y.count {
                throw JacFailure(.invalidInput, "--program reply: \"jacobian\" has \(rows.count) rows for \(y.count) outputs: \(quote(line))")
            }
        }
        var product: [Double]?
        if let key = productKey {
            let expected = key == "jvp" ? y.count : inputs
            guard case .array(let cells)? = value[key], cells.count == expected else {
                throw JacFailure(.invalidInput, "--program reply: \"\(key)\" must be an array of \(expected) numbers (one per \(key == "jvp" ? "output" : "input")) when asked ({\"x\": ..., \"\(key)\": [...]}): \(quote(line))")
            }
            product = try cells.map { c in
                guard let d = c.numberValue else {
                    throw JacFailure(.invalidInput, "--program reply: \"\(key)\" holds a non-number: \(quote(line))")
                }
                return d
            }
        }
        if wantJacobian || productKey != nil {
            guard !wantJacobian || jacobian != nil else {
                throw JacFailure(.invalidInput, "--program did not return \"jacobian\" when asked ({\"x\": ..., \"want\": \"jacobian\"}): \(quote(line))")
            }
            // At the point itself NaN is an evaluation failure; at difference probes it is left to
            // the checker, which reports the rung as unusable.
            if let bad = y.firstIndex(where: { !$0.isFinite }) {
                throw JacFailure(.evaluationFailure, "--program returned a non-finite y[\(bad)] = \(format(y[bad])) at x = [\(x.map(format).joined(separator: ", "))]: \(quote(line))")
            }
        }
        return ProgramReply(y: y, jacobian: jacobian, product: product)
    }

    private func timedOut() -> JacFailure {
        let limit = min(limits.timeout, limits.budget)
        stop()
        var text = "--program gave no reply to request \(requests) within \(format(limit)) s (--timeout \(format(limits.timeout)), --budget \(format(limits.budget))); it was killed"
        if !buffer.isEmpty { text += "; it had printed: \(quote(String(decoding: buffer, as: UTF8.self)))" }
        // Nothing at all on its standard output: a program writing to a pipe through a block
        // buffer (C's stdio; Python without flush) holds its first reply until it exits, and jac
        // waits for that reply before sending more, so the commonest cause is this one.
        if replies == 0 && buffer.isEmpty {
            text += "; nothing reached jac on its standard output: if it answers faster than that, it may be holding its replies in an output buffer, so flush after each line (Python: print(..., flush=True) or python3 -u; C: fflush(stdout))"
        }
        return JacFailure(.evaluationFailure, text + capturedStderr())
    }

    private func exited(during what: String, partial: String = "") -> JacFailure {
        stop()
        var text = "--program exited \(describeTermination()) while \(what)"
        if !partial.isEmpty { text += "; it had printed: \(quote(partial))" }
        // After a first reply, the request that ended it is most often a difference's sample
        // near the point, and a program that raises outside its domain (Python's math.log at a
        // sample across 0) stopped the whole check with status 3; a NaN reply lets the check
        // step around such samples instead.
        if replies > 0 && !lastX.isEmpty {
            text += "; that request asked for f at x = [" + lastX.map(format).joined(separator: ", ") + "]"
                + " (if f is undefined there, reply {\"y\": [NaN, …]} instead of exiting: the check keeps its samples inside f's domain)"
        }
        return JacFailure(.evaluationFailure, text + capturedStderr())
    }

    private func describeTermination() -> String {
        guard !process.isRunning else { return "(still running)" }
        switch process.terminationReason {
        case .uncaughtSignal: return "on signal \(process.terminationStatus)"
        default: return "with status \(process.terminationStatus)"
        }
    }

    private func capturedStderr() -> String {
        if let relay { return relay.finish() ? " (its standard error is above)" : "" }
        // Only the end is quoted, so only the end is read: a chatty program's log can be large.
        guard let path = stderrPath, let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 65_536 ? size - 65_536 : 0)
        guard let data = try? handle.readToEnd(), !data.isEmpty else { return "" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(5)
        return "; its standard error ends:\n    " + lines.joined(separator: "\n    ")
    }

    /// Closes the program's input, waits briefly for it to exit, then kills it.
    func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        let grace = Date().addingTimeInterval(0.5)
        while process.isRunning && Date() < grace { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        // Everything the program wrote to its standard error reaches jac's before jac exits.
        _ = relay?.finish()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        if let stderrPath { try? FileManager.default.removeItem(atPath: stderrPath) }
    }
}

/// Copies the program's standard error to jac's as it arrives and remembers whether any came.
final class StderrRelay: @unchecked Sendable {
    let pipe = Pipe()
    private let lock = NSLock()
    private var printed = false
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)
    /// How often the relay looks for a stop request while the pipe is quiet. End of file alone
    /// cannot end it: on this platform a read of the pipe was seen to stay blocked after the
    /// program had exited.
    static let pollMilliseconds: Int32 = 20

    /// Starts relaying; call after the program has started.
    func start() {
        let fd = pipe.fileHandleForReading.fileDescriptor
        DispatchQueue.global().async { [self] in
            var bytes = [UInt8](repeating: 0, count: 1 << 14)
            while true {
                var watch = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&watch, 1, Self.pollMilliseconds)
                if ready < 0 && errno == EINTR { continue }
                if ready == 0 {
                    lock.lock(); let stop = stopping; lock.unlock()
                    if stop { break } else { continue }
                }
                let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                writeError(String(decoding: bytes[0..<n], as: UTF8.self), newline: false)
                lock.lock(); printed = true; lock.unlock()
            }
            done.signal()
        }
    }

    /// Whether the program printed anything. Call once it has exited: what it wrote is relayed
    /// first (the relay stops at the first quiet poll after the request), so it comes before
    /// jac's own message.
    func finish() -> Bool {
        lock.lock(); let first = !stopping; stopping = true; lock.unlock()
        if first { done.wait() }
        lock.lock(); defer { lock.unlock() }
        return printed
    }
}

/// The first 300 characters of what a program printed, quoted.
func quote(_ s: String) -> String {
    let shown = s.count > 300 ? String(s.prefix(300)) + "…" : s
    return json(shown)
}
