import Adjoint

// Shrinking used to check every column of every candidate: softmax cross-entropy without its
// one-hot (12 weights, all wrong) took 1,719 requests to check and then 20,882 to shrink, each
// request a process round-trip to the user's program. A candidate only has to show some entry
// still wrong, and the entries wrong at the current point say where: each candidate is judged on
// those columns alone, the program as a function of them with the other inputs held, as
// `checkJacobian(of:at:inputs:)` restricts a white-box check (its restriction takes an
// ADFunction, which a program is not, so the few lines are restated here). One conviction is
// enough to accept, so the first of those columns is judged alone before the rest.
//
// A restricted check sees only its own columns: the row's largest entry that scales each
// entry's rounding allowance, the probes moving several inputs that relieve a conviction at a
// kink. So the point finally reported is checked whole, once, which also lists every entry
// wrong there, not only those of the columns judged.

extension ProgramCheckCommand {
    /// Shrinking checks the point again once per candidate value, so it is limited to small n.
    static let maxShrinkInputs = 12

    /// Greedy, in one pass over the inputs: each coordinate in turn becomes the first of 0, 1, −1,
    /// one decimal, two decimals that lies in its domain and keeps some entry wrong in the columns
    /// known wrong (at first those of `wrong`, the entries the whole check convicted at x). The
    /// point reached is then checked whole and returned with every entry wrong there.
    ///
    /// Where that check convicts nothing, a step moved the point where a judged column's entry is
    /// wrong only as seen with the other inputs held: typically onto a kink along one of them
    /// (|x₀| + exp(x₁) with ∂/∂x₁ doubled, at x₀ = 0), which the pass over every column refused.
    /// The points reached before are checked whole, newest first, down to one that fails; the
    /// step after it is undone and the pass resumes there at that input's next candidate (x₀ = 1
    /// above, as the pass over every column took). After ``maxShrinkReliefs`` such passes the
    /// newest point the whole check convicted is returned. Nil when the program fails (it is not
    /// asked again) or nothing simpler than x fails.
    func shrink(_ x: [Double], wrong: [EntryCheck], domains: [InputDomain],
                session: ProgramSession) -> ([Double], [EntryCheck])? {
        func columnsOf(_ entries: [EntryCheck]) -> [Int] {
            var columns: [Int] = []
            for e in entries where !columns.contains(e.input) { columns.append(e.input) }
            return columns
        }
        var columns = columnsOf(wrong)
        guard !columns.isEmpty else { return nil }
        var current = x
        // A step taken, with what it replaced and where the pass stood, so that it can be undone.
        typealias Step = (before: [Double], columns: [Int], input: Int, nextCandidate: Int)
        var steps: [Step] = []
        var (i, k) = (0, 0)
        // The newest point simpler than x that the whole check convicted.
        var confirmed: ([Double], [EntryCheck])?
        for _ in 0...Self.maxShrinkReliefs {
            while i < x.count {
                let candidates = [0, 1, -1, (x[i] * 10).rounded() / 10, (x[i] * 100).rounded() / 100]
                while k < candidates.count {
                    let c = candidates[k]
                    k += 1
                    guard c != current[i] && domains[i].contains(c) else { continue }
                    var trial = current
                    trial[i] = c
                    if let still = wrongColumns(at: trial, among: columns, session: session) {
                        steps.append((current, columns, i, k))
                        current = trial
                        columns = still
                        break
                    }
                    if session.failure != nil { return nil }
                }
                (i, k) = (i + 1, 0)
            }
            // Newest first, the points reached are checked whole down to one that fails there
            // (x at the bottom, whose check convicted `wrong`, needs none).
            var undone: Step?
            while let last = steps.last {
                let bad: [EntryCheck]
                if let (p, known) = confirmed, p == current {
                    bad = known
                } else {
                    guard let checked = wholeCheckFailures(at: current, session: session) else { return nil }
                    bad = checked
                }
                if !bad.isEmpty {
                    guard undone != nil else { return (current, bad) }
                    confirmed = (current, bad)
                    columns = columnsOf(bad)
                    break
                }
                undone = steps.removeLast()
                current = last.before
                columns = last.columns
            }
            // Nothing undone: the pass took no step from x.
            guard let step = undone else { return confirmed }
            (i, k) = (step.input, step.nextCandidate)
        }
        return confirmed
    }

    /// Passes that may end on a point the whole check does not confirm before shrinking settles
    /// for the newest one it did: each such point costs whole checks on the way back.
    static let maxShrinkReliefs = 3

    /// The columns among `columns` that hold an entry wrong at p, each judged as an input of the
    /// program with the others held at p; nil when none does or the program fails. The first
    /// column is judged alone, and where it is wrong the rest are not looked at and stay in the
    /// list: they were wrong at an earlier point, and dropping them unseen would refuse later
    /// candidates that fail there only. Where it is right it leaves the list, and the rest are
    /// judged together: a candidate every column agrees at costs one check more, a few requests
    /// when they agree on the first rung.
    func wrongColumns(at p: [Double], among columns: [Int], session: ProgramSession) -> [Int]? {
        guard session.failure == nil, let lead = columns.first,
              let claimed = try? session.request(p, wantJacobian: true).jacobian else { return nil }
        if let wrong = restrictedFailures(at: p, claimed: claimed, columns: [lead], session: session), !wrong.isEmpty {
            return columns
        }
        let rest = Array(columns.dropFirst())
        guard !rest.isEmpty, let wrong = restrictedFailures(at: p, claimed: claimed, columns: rest, session: session),
              !wrong.isEmpty else { return nil }
        return wrong
    }

    /// The columns among `columns` whose entries the black-box check convicts when the program is a
    /// function of those inputs alone, the others held at p, and the claimed Jacobian is cut to
    /// them; nil when the check cannot run (a claimed row of the wrong length, the program failed).
    func restrictedFailures(at p: [Double], claimed: [[Double]], columns: [Int], session: ProgramSession) -> [Int]? {
        guard session.failure == nil, claimed.allSatisfy({ $0.count == p.count }) else { return nil }
        // The point the whole check would send: a float32 program sees every input as a Float.
        let base = p.map(inPrecision)
        let restricted: ([Double]) -> [Double] = { z in
            var q = base
            for (k, j) in columns.enumerated() where k < z.count { q[j] = z[k] }
            return session.evaluate(q)
        }
        guard let report = try? blackBoxJacobian(of: restricted, at: columns.map { base[$0] },
                                                 claimed: claimed.map { row in columns.map { row[$0] } }),
              session.failure == nil else { return nil }
        // The restricted check numbers its inputs 0..<columns.count: back to the program's.
        let wrong = Set(claimedFailures(report, subject: "program").compactMap { $0.input < columns.count ? columns[$0.input] : nil })
        return columns.filter(wrong.contains)
    }

    /// The entries the whole check (every column) convicts at p, empty when it convicts none or
    /// cannot run there; nil once the program has failed.
    func wholeCheckFailures(at p: [Double], session: ProgramSession) -> [EntryCheck]? {
        guard session.failure == nil else { return nil }
        var bad: [EntryCheck] = []
        if let claimed = try? session.request(p, wantJacobian: true).jacobian,
           let report = try? blackBoxJacobian(of: { session.evaluate($0) }, at: p, claimed: claimed) {
            bad = claimedFailures(report, subject: "program")
        }
        return session.failure == nil ? bad : nil
    }
}
