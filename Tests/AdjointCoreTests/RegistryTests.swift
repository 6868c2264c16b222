import XCTest
import Foundation
@testable import AdjointCore

/// The registry is complete: every op's declaration has every piece, and the interpreters' fast
/// dispatch (``Rules``) reaches that declaration for every concern. A new op that misses a piece
/// or a switch case fails here, named.
final class RegistryTests: XCTestCase {
    func testEveryDeclarationIsComplete() {
        var names = Set<String>()
        for op in Op.allCases {
            let info = op.declaration.info
            XCTAssertEqual(info.op, op, "\(op): declaration describes another op")
            XCTAssertEqual(OpInfo.table[Int(op.rawValue)].name, info.name, "\(op): table order")
            XCTAssertEqual(info.arity, op.arity, "\(info.name): arity in the declaration vs the fast index")
            XCTAssertFalse(info.name.isEmpty, "\(op): no name")
            XCTAssertTrue(names.insert(info.name).inserted, "\(info.name): name used twice")
            XCTAssertEqual(info.sampleRanges.count, info.arity, "\(info.name): one sample range per input")
            XCTAssertFalse(info.summary.isEmpty, "\(info.name): no summary for help texts")
            if op.info.arity > 0 && op != .custom {
                XCTAssertEqual(Op(name: info.name), op, "\(info.name): not found by name")
            }
        }
    }

    func testKinkedOpsDeclareAKinkDistanceAndConvention() {
        for op in Op.primitives {
            let info = op.info
            let a = info.sampleRanges[0].lowerBound, b = info.sampleRanges.count > 1 ? info.sampleRanges[1].lowerBound : a
            let d: Double? = Rules.kinkDistance(op, a, b)
            switch info.smoothness {
            case .smooth:
                XCTAssertNil(d, "\(info.name) is smooth but declares a kink distance")
            case .kinks, .singular:
                XCTAssertNotNil(d, "\(info.name) has kinks but no kink distance")
                XCTAssertNotNil(info.convention, "\(info.name) has kinks but no convention")
            }
        }
    }

    func testRestrictedDomainsHaveAPredicateThatFires() {
        let probes: [Double] = [-1, 0, -2, -0.5]
        for op in Op.primitives where op.info.domain != "all reals" && !op.info.domain.hasPrefix("all reals (") {
            let found = probes.contains { x in probes.contains { y in Rules.domainViolation(op, x, y, -1) != nil } }
            XCTAssertTrue(found, "\(op.info.name) declares domain \"\(op.info.domain)\" but no predicate fires")
        }
    }

    /// The fast switches in Rules against the declarations opened as existentials: a case that
    /// falls to `default` (a forgotten op) differs here.
    func testRulesDispatchReachesEveryDeclaration() {
        var rng = SeededGenerator(seed: 0xD15C)
        for op in Op.primitives {
            func open<D: OpDeclaration>(_: D.Type) {
                XCTAssertEqual(Rules.needsChecks(op), D.needsChecks, "\(op.info.name): needsChecks")
                XCTAssertEqual(Rules.partialsCanBeInfinite(op), D.partialsCanBeInfinite, "\(op.info.name): partialsCanBeInfinite")
                let smooth = op.info.smoothness == .smooth
                let restricted = op.info.domain != "all reals" && !op.info.domain.hasPrefix("all reals (")
                XCTAssertEqual(D.needsChecks, !smooth || restricted, "\(op.info.name): needsChecks must follow domain and smoothness")
                for _ in 0..<8 {
                    let r = op.info.sampleRanges
                    let a = r[0].lowerBound + (r[0].upperBound - r[0].lowerBound) * rng.nextUnit()
                    let b = r.count > 1 ? r[1].lowerBound + (r[1].upperBound - r[1].lowerBound) * rng.nextUnit() : a
                    let n = op == .powi ? 3 : 0
                    let z = Rules.primal(op, a, b, n)
                    XCTAssertEqual(z, D.primal(a, b, n), "\(op.info.name): primal dispatch")
                    let p = Rules.unmutatedPartials(op, a, b, n, output: z), q = D.partials(a, b, n, output: z)
                    XCTAssertTrue(p == q, "\(op.info.name): partials dispatch")
                    XCTAssertEqual(Rules.domainViolation(op, a, b, n), D.domainViolation(a, b, n), "\(op.info.name): domain dispatch")
                    XCTAssertEqual(Rules.kinkDistance(op, a, b), D.kinkDistance(a, b), "\(op.info.name): kink dispatch")
                }
            }
            open(op.declaration)
        }
    }

    /// The declarations' chain-rule products (vjp, jvp) against their partials times the
    /// (co)tangents, over each op's sample range with random cotangents and tangents: the same
    /// bits for every op that keeps the default products (so its interpreters run as before),
    /// within rounding for division, which orders its own; the fast dispatch in Rules reaches
    /// each declaration's products; a chunk of tangents gets each lane's single-direction bits.
    func testProductsAreThePartialsTimesTheCotangents() {
        /// Ops whose declaration writes its products itself.
        let ownProducts: Set<Op> = [.div]
        var rng = SeededGenerator(seed: 0x7AC7)
        func draw(_ r: ClosedRange<Double>) -> Double { r.lowerBound + (r.upperBound - r.lowerBound) * rng.nextUnit() }
        for op in Op.primitives {
            func open<D: OpDeclaration>(_: D.Type) {
                for _ in 0..<64 {
                    let r = op.info.sampleRanges
                    let a = draw(r[0]), b = r.count > 1 ? draw(r[1]) : a
                    let n = op == .powi ? 3 : 0
                    let g = draw(-4...4), dx = draw(-4...4), dy = op.arity == 2 ? draw(-4...4) : 0
                    let z = D.primal(a, b, n)
                    let (p, q) = D.partials(a, b, n, output: z)
                    let (pg, qg) = D.vjp(a, b, n, output: z, cotangent: g)
                    let t: Double = D.jvp(a, b, n, output: z, tangents: dx, dy)
                    let what = "\(op.info.name) at (\(a), \(b)), g \(g), tangents (\(dx), \(dy))"
                    if ownProducts.contains(op) {
                        // Each product and its reference round a few times from the same exact value.
                        func near(_ u: Double, _ v: Double) -> Bool { abs(u - v) <= 8 * Double.ulpOfOne * abs(v) }
                        XCTAssert(near(pg, p * g) && near(qg, q * g), "\(what): vjp \((pg, qg)) vs \((p * g, q * g))")
                        XCTAssert(abs(t - (p * dx + q * dy)) <= 8 * Double.ulpOfOne * (abs(p * dx) + abs(q * dy)),
                                  "\(what): jvp \(t) vs \(p * dx + q * dy)")
                    } else {
                        XCTAssertEqual([pg, qg].map(\.bitPattern), [p * g, q * g].map(\.bitPattern), "\(what): vjp")
                        XCTAssertEqual(t.bitPattern, (p * dx + q * dy).bitPattern, "\(what): jvp")
                    }
                    let (rpg, rqg) = Rules.unmutatedVJP(op, a, b, n, output: z, cotangent: g)
                    XCTAssertEqual([rpg, rqg].map(\.bitPattern), [pg, qg].map(\.bitPattern), "\(what): vjp dispatch")
                    let rt: Double = Rules.unmutatedJVP(op, a, b, n, output: z, tangents: dx, dy)
                    XCTAssertEqual(rt.bitPattern, t.bitPattern, "\(what): jvp dispatch")
                    let lanes: SIMD2<Double> = D.jvp(a, b, n, output: z, tangents: SIMD2(dx, 1), SIMD2(dy, 1))
                    let unit: Double = D.jvp(a, b, n, output: z, tangents: 1, 1)
                    XCTAssertEqual([lanes[0], lanes[1]].map(\.bitPattern), [t, unit].map(\.bitPattern), "\(what): chunk")
                }
            }
            open(op.declaration)
        }
    }

    /// `partialsCanBeInfinite` is what lets the interpreters skip the zero-tangent mask: at finite
    /// points inside the domain with a finite output (zeros, subnormals, the edges of exp's and
    /// the squares' range), every op without the flag has finite partials, or orders its own
    /// products (division, powi) and keeps a zero (co)tangent's product 0; every op with the flag
    /// has a point where a partial is infinite, and there its zero (co)tangents still add 0.
    func testOnlyFlaggedOpsHaveInfinitePartialsAtFinitePoints() {
        // A subnormal in the middle of the range, written so the literal does not warn.
        let magnitudes: [Double] = [0, .leastNonzeroMagnitude, .leastNormalMagnitude / 1024, .leastNormalMagnitude, 1e-300, 1e-200, 1e-10,
                                    0.25, 0.5, 1, 2, 100, 700, 710, 1e10, 1e154, 1e200, 1e300, .greatestFiniteMagnitude]
        let probes = magnitudes + magnitudes.filter { $0 != 0 }.map { -$0 }
        for op in Op.primitives {
            var infiniteSomewhere = false
            for a in probes {
                for b in (op.arity == 2 ? probes : [a]) {
                    for n in (op == .powi ? [-3, -1, 0, 1, 2, 3] : [0]) {
                        guard Rules.domainViolation(op, a, b, n) == nil else { continue }
                        let z = Rules.primal(op, a, b, n)
                        guard z.isFinite else { continue }
                        let (p, q) = Rules.unmutatedPartials(op, a, b, n, output: z)
                        let at = "\(op.info.name)(\(a), \(b)), n = \(n)"
                        if !p.isFinite || !q.isFinite {
                            infiniteSomewhere = true
                            XCTAssertTrue(Rules.partialsCanBeInfinite(op) || Rules.ordersProducts(op),
                                          "\(at): partials (\(p), \(q)) but partialsCanBeInfinite is false")
                        }
                        // Through the interpreters: a zero tangent, and a zero cotangent, add 0.
                        let dual = Diagnostics.collect {
                            op.arity == 2 ? Dual<Double, Double>.applyBinary(op, Dual(a, tangent: 0), Dual(b, tangent: 0))
                                          : Dual<Double, Double>.applyUnary(op, Dual(a, tangent: 0), n)
                        }.result
                        XCTAssertEqual(dual.tangent, 0, "\(at): tangent")
                        // The reverse sweep masks a zero cotangent only where no seed reaches the
                        // entry, which it alone can tell (ZeroTangentTests); division's and powi's
                        // own ordered products add 0 for a zero cotangent everywhere.
                        if Rules.ordersProducts(op) {
                            let (pg, qg) = Rules.vjp(op, a, b, n, output: z, cotangent: 0)
                            XCTAssertEqual([pg, qg], [0, 0], "\(at): cotangent products")
                        }
                    }
                }
            }
            if Rules.partialsCanBeInfinite(op) {
                XCTAssertTrue(infiniteSomewhere, "\(op.info.name) is flagged but no probe has an infinite partial")
            }
        }
    }

    /// Each scalar type answers "can you run this op" from the declaration's flags, once.
    func testDoubleRunsEveryPrimitive() {
        for op in Op.primitives {
            let r = op.info.sampleRanges
            let (z, d) = Diagnostics.collect { Double.apply(op, r[0].upperBound, r.count > 1 ? r[1].upperBound : 0, 2) }
            XCTAssertTrue(d.errors.isEmpty, "\(op.info.name): \(d.errors)")
            XCTAssertTrue(z.isFinite, "\(op.info.name)")
        }
    }
}

/// Composite primals differentiated as expressions (what the complex step and a Hessian's inner
/// level do) must agree with the rule at the branch points too.
final class CompositePrimalTests: XCTestCase {
    func testCompositePrimalsDifferentiateToTheirRulesAtZero() {
        for op in [Op.softplus, .sigmoid, .swish] {
            for x in [0.0, -0.0, 1e-300, -1e-300] {
                let viaPrimal = Rules.primal(op, Dual<Double, Double>(x, tangent: 1), Dual(x, tangent: 1), 0).tangent
                let z = Rules.primal(op, x, x, 0)
                let rule = Rules.partials(op, x, x, 0, output: z).0
                XCTAssertEqual(viaPrimal, rule, accuracy: 1e-15, "\(op.info.name) at \(x)")
            }
        }
    }
}

/// A planted rule mutation is scoped to the thread that planted it: a gradient computed on another
/// thread at the same time keeps the true rule.
final class MutationScopeTests: XCTestCase {
    func testAMutationDoesNotLeakToOtherThreads() throws {
        final class Box: @unchecked Sendable { var value: [Double] = [] }   // written before `checked` signals
        let planted = DispatchSemaphore(value: 0), checked = DispatchSemaphore(value: 0)
        let other = Box()
        let thread = Thread {
            planted.wait()
            other.value = (try? gradient(of: { x in sin(x[0]) }, at: [0.5])) ?? []
            checked.signal()
        }
        thread.start()
        let here = try RuleMutations.withMutation(RuleMutation(op: .sin, factor: -1)) { () -> [Double] in
            planted.signal()
            checked.wait()
            return try gradient(of: { x in sin(x[0]) }, at: [0.5])
        }
        XCTAssertEqual(here, [-Foundation.cos(0.5)], "the planting thread sees the mutation")
        XCTAssertEqual(other.value, [Foundation.cos(0.5)], "another thread keeps the true rule")
    }

    /// Every wrong variant of division's rule that MutationTesting plants changes both modes'
    /// results as the mutated partials would, although the modes now take division's products
    /// (vjp, jvp) rather than its partials: the mutation is applied to the products in reverse
    /// mode and to the tangents in forward mode. The true products u·∂/∂x = u/y and
    /// u·∂/∂y = −u·x/y², by hand: 0.7/2 = 0.35 and −0.7·3/4 = −0.525 at (3, 2) with u = 0.7;
    /// 1e280/2e87 = 5e192 and −1e280·3e-200/4e174 = −7.5e-95 at (3e-200, 2e87) with u = 1e280,
    /// where the partial alone underflows, so mutations act on the reordered products too.
    func testPlantedDivisionMutationsChangeBothModes() throws {
        let kinds: [RuleMutation.Kind] = [.scale(-1), .scale(2), .scale(0), .scale(1 + 1e-6), .swapped]
        let points: [(x: Double, y: Double, u: Double, products: (Double, Double))] = [
            (3, 2, 0.7, (0.35, -0.525)),
            (3e-200, 2e87, 1e280, (5e192, -7.5e-95)),
        ]
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 8 * Double.ulpOfOne * abs(b) }
        for point in points {
            // A mutation scales or swaps the partials, so it scales or swaps these products.
            let (p, q) = point.products
            for input in 0..<2 {
                for kind in kinds where !(kind == .swapped && input == 1) {
                    let m = RuleMutation(target: "div", input: input, kind: kind)
                    let expected: (Double, Double)
                    switch kind {
                    case .scale(let f): expected = input == 0 ? (p * f, q) : (p, q * f)
                    case .swapped: expected = (q, p)
                    }
                    let (r, fx, fy) = try RuleMutations.withMutation(m) {
                        let f: ([Reverse<Double>]) -> [Reverse<Double>] = { [$0[0] / $0[1]] }
                        let g: ([Dual<Double, Double>]) -> [Dual<Double, Double>] = { [$0[0] / $0[1]] }
                        return (try vjp(of: f, at: [point.x, point.y], cotangent: [point.u]).vjp,
                                try jvp(of: g, at: [point.x, point.y], direction: [point.u, 0]).jvp[0],
                                try jvp(of: g, at: [point.x, point.y], direction: [0, point.u]).jvp[0])
                    }
                    let want = [expected.0, expected.1]
                    for (mode, got) in [("reverse", r), ("forward", [fx, fy])] {
                        XCTAssert(zip(got, want).allSatisfy { near($0, $1) },
                                  "\(m) at (\(point.x), \(point.y)), \(mode): \(got), expected \(want)")
                    }
                }
            }
        }
    }

    /// Value and partials computed together (one sincos for sin and cos) are the bits of the
    /// primal and the partials computed apart, for Double and Float over each op's sample range;
    /// and the tape's "keeps its partial" switch agrees with the declarations.
    func testPrimalAndPartialsTogetherAreTheBitsOfEachApart() {
        for op in Op.primitives {
            XCTAssertEqual(Rules.keepsPartial(op), op.declaration.keepsPartial, "\(op.info.name): keepsPartial")
            XCTAssertEqual(Rules.ordersProducts(op), op.declaration.ordersProducts, "\(op.info.name): ordersProducts")
            let r = op.info.sampleRanges
            let exponent = op == .powi ? 3 : 0
            for k in 0..<257 {
                let t = Double(k) / 256
                let a = r[0].lowerBound + t * (r[0].upperBound - r[0].lowerBound)
                let b = r.count > 1 ? r[1].lowerBound + (1 - t) * (r[1].upperBound - r[1].lowerBound) : a
                func same<T: ADScalar & BinaryFloatingPoint>(_ x: T, _ y: T) {
                    let (z, p, q) = Rules.primalAndPartials(op, x, y, exponent)
                    let z2 = Rules.primal(op, x, y, exponent)
                    let (p2, q2) = Rules.partials(op, x, y, exponent, output: z2)
                    // Compared as bits (NaN partials at kinks compare equal to themselves this way).
                    XCTAssertEqual([z, p, q].map { Double($0).bitPattern }, [z2, p2, q2].map { Double($0).bitPattern },
                                   "\(op.info.name) at \(x), \(y) in \(T.self)")
                }
                same(a, b)
                same(Float(a), Float(b))
            }
        }
    }
}
