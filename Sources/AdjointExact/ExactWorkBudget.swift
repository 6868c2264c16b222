#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AdjointCore
import Synchronization

/// A bound on the total work of one exact computation, counted in machine words (limbs) of
/// the rational results it creates.
///
/// The bit-size limit (``Rational/bitSizeLimit``) bounds each number but not how many there are:
/// a chain of 30,000 rational factors stays under it yet costs time quadratic in the chain
/// (195 s measured, issue 14). Every result's numerator and denominator limbs are added to the
/// budget of the enclosing ``Rational/withWorkLimit(_:_:)`` scope on the same thread; past it the
/// result becomes NaN and ``ADError/limitExceeded(what:limit:)`` is reported, which the exact
/// Jacobian APIs throw. Counting limbs rather than seconds keeps the limit reproducible across
/// machines; the cost of an operation grows at least linearly with the limbs it writes.
///
/// ```swift
/// Rational.workLimit = 1 << 24     // process-wide default for exact Jacobians
/// let r = try exactJacobian(of: F(), at: ["1/3"])   // throws limitExceeded past 2²⁴ limbs
/// ```
extension Rational {
    /// Default of ``workLimit``: 2²⁵ limbs (256 MiB of results written): a few seconds of GMP
    /// work on this project's 2-core machine (`jac` on a 30,000-factor chain stops after ~4 s in
    /// a debug build), far beyond the derivatives of any graph of ordinary size.
    public static let defaultWorkLimit = 1 << 25

    private static let workLimitStorage = Atomic<Int>(defaultWorkLimit)

    /// The budget of each exact Jacobian, in limbs written. Process-wide, like ``bitSizeLimit``.
    public static var workLimit: Int {
        get { workLimitStorage.load(ordering: .relaxed) }
        set { workLimitStorage.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    /// Runs `body` with a work budget of `limit` limbs on this thread. Scopes nest: an inner
    /// scope never has more left than its enclosing one, and its work counts for both. Outside
    /// any scope exact arithmetic is not budgeted.
    public static func withWorkLimit<R>(_ limit: Int = workLimit, _ body: () throws -> R) rethrows -> R {
        let parentRaw = pthread_getspecific(WorkBudget.key)
        let parent = parentRaw.map { Unmanaged<WorkBudget>.fromOpaque($0).takeUnretainedValue() }
        let budget = WorkBudget(limit: parent.map { Swift.min(limit, Swift.max(0, $0.limit - $0.used)) } ?? limit)
        if let parent, budget.limit < limit { budget.reportedLimit = parent.reportedLimit }
        let raw = Unmanaged.passRetained(budget).toOpaque()
        pthread_setspecific(WorkBudget.key, raw)
        defer {
            pthread_setspecific(WorkBudget.key, parentRaw)
            parent?.used += budget.used
            Unmanaged<WorkBudget>.fromOpaque(raw).release()
        }
        return try body()
    }

    /// Charges `limbs` to the current scope; true (after reporting once) when it is exhausted.
    static func chargeWork(_ limbs: Int, _ op: String) -> Bool {
        guard let raw = pthread_getspecific(WorkBudget.key) else { return false }
        let budget = Unmanaged<WorkBudget>.fromOpaque(raw).takeUnretainedValue()
        budget.used += Swift.max(1, limbs)
        guard budget.used > budget.limit else { return false }
        if !budget.reported {
            budget.reported = true
            Diagnostics.report(.limitExceeded(what: "exact work in limbs written (at \(op); Rational.workLimit)",
                                              limit: budget.reportedLimit))
        }
        return true
    }
}

/// One thread's budget scope; reached through a pthread key so concurrent computations on other
/// threads keep their own.
final class WorkBudget {
    let limit: Int
    /// The limit named in the error: an enclosing scope's when that one is the binding limit.
    var reportedLimit: Int
    var used = 0
    var reported = false
    init(limit: Int) { self.limit = limit; reportedLimit = limit }

    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
