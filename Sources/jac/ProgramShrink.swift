import Adjoint

extension ProgramCheckCommand {
    /// Shrinking checks the point again once per candidate value, so it is limited to small n.
    static let maxShrinkInputs = 12

    /// Greedy, one pass: each coordinate in turn becomes the first of 0, 1, −1, one decimal, two
    /// decimals that lies in its domain and keeps some entry wrong. Nil when the program fails
    /// (it is not asked again) or nothing simpler fails.
    func shrink(_ x: [Double], domains: [InputDomain], session: ProgramSession) -> ([Double], [EntryCheck])? {
        func failing(_ p: [Double]) -> [EntryCheck]? {
            guard session.failure == nil,
                  let j = try? session.request(p, wantJacobian: true).jacobian,
                  let r = try? blackBoxJacobian(of: { session.evaluate($0) }, at: p, claimed: j),
                  session.failure == nil else { return nil }
            let bad = claimedFailures(r, subject: "program")
            return bad.isEmpty ? nil : bad
        }
        var current = x
        var entries: [EntryCheck]?
        for i in x.indices {
            let candidates = [0, 1, -1, (x[i] * 10).rounded() / 10, (x[i] * 100).rounded() / 100]
            for c in candidates where c != current[i] && domains[i].contains(c) {
                var trial = current
                trial[i] = c
                if let bad = failing(trial) { current = trial; entries = bad; break }
                if session.failure != nil { return nil }
            }
        }
        return entries.map { (current, $0) }
    }
}
