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
    /// Bisection over the points reached finds a step from a point the whole check convicts to
    /// one it does not; that step and those after it are undone and the pass resumes at that
    /// input's next candidate (x₀ = 1 above, as the pass over every column took). After ``maxShrinkReliefs`` such passes the
    /// newest point the whole check convicted is returned. Nil when the program fails (it is not
    /// asked again) or nothing simpler than x fails.
    ///
    /// `whole` is the whole check at a point (the Jacobian's, every column, by default). A J·v or
    /// uᵀJ check passes its own, along a fixed vector, and sets `restrictable` false: its entries
    /// are components of one product, not columns a restricted check could judge apart, and one
    /// product check costs about what a restricted one would.
    func shrink(_ x: [Double], wrong: [EntryCheck], domains: [InputDomain], session: ProgramSession,
                restrictable: Bool = true, whole: (([Double]) -> [EntryCheck]?)? = nil) -> ([Double], [EntryCheck])? {
        let wholeCheckFailures: ([Double]) -> [EntryCheck]? = whole ?? { self.wholeCheckFailures(at: $0, session: session) }
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
                    let still: [Int]?
                    if !restrictable || x.count <= Self.shrinkWholeCheckInputs {
                        guard let bad = wholeCheckFailures(trial) else { return nil }
                        if !bad.isEmpty { confirmed = (trial, bad) }
                        still = bad.isEmpty ? nil : columnsOf(bad)
                    } else {
                        still = wrongColumns(at: trial, among: columns, session: session)
                    }
                    if let still {
                        steps.append((current, columns, i, k))
                        current = trial
                        columns = still
                        break
                    }
                    if session.failure != nil { return nil }
                }
                (i, k) = (i + 1, 0)
            }
            // The points reached are x, the points the steps started from, and `current`. Each
            // step moves an input no later step of the pass touches, so once a step has put the
            // point where the judged columns are wrong only with the other inputs held (on a kink
            // along one of those), the points after it stay unconfirmed: the first such step is
            // found by bisection, a whole check per probe, instead of checking the points newest
            // first, a whole check per step (cross_term.py --kink: 12 steps, the culprit first).
            func failures(at j: Int) -> [EntryCheck]? {
                let p = j < steps.count ? steps[j].before : current
                if p == x { return wrong }
                if let (q, known) = confirmed, q == p { return known }
                return wholeCheckFailures(p)
            }
            let reached = steps.count
            guard reached > 0 else { return confirmed }
            guard let last = failures(at: reached) else { return nil }
            if !last.isEmpty { return (current, last) }
            // Point lo is convicted (x is), point hi is not.
            var (lo, hi, loBad) = (0, reached, wrong)
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                guard let bad = failures(at: mid) else { return nil }
                if bad.isEmpty { hi = mid } else { (lo, loBad) = (mid, bad) }
            }
            // Step lo took point lo to one that is not convicted: undone, with every step after it.
            let step = steps[lo]
            steps.removeLast(reached - lo)
            current = step.before
            if current != x { confirmed = (current, loBad) }
            columns = columnsOf(loBad)
            (i, k) = (step.input, step.nextCandidate)
        }
        return confirmed
    }

    /// Up to this many inputs every candidate is checked whole, as before the restriction: a
    /// restricted check then saves little (two or three columns, most of them wrong), and the
    /// shrunk point's closing whole check cost more than it saved (misbehave.py wrongjac, 2
    /// inputs: 502 requests whole, 718 restricted; a kink case 697 against 1,512). A whole check
    /// of the accepted candidate is also its confirmation, so none is run at the end.
    static let shrinkWholeCheckInputs = 3

    /// Passes that may end on a point the whole check does not confirm before shrinking settles
    /// for the newest one it did: each such pass costs whole checks, log₂ of its steps.
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
