import XCTest
import AdjointCore
@testable import AdjointLinalg

/// The vectorised activations at the inputs where kernels go wrong: every special class of value
/// (±0, subnormals, the largest finite values, ±∞, NaN of both signs) and both sides of each
/// kernel's cut-offs, with ELU's α and leaky ReLU's slope at 0, −0, negative, huge, infinite, NaN
/// and subnormal values; every length across the C kernels' 64-element chunks and the Swift
/// loops' 256-element chunks, unaligned starts inside a larger buffer, and in-place calls.
///
/// Two kinds of check. Against the registry's scalar rule element by element (`Rules.primal`,
/// `Rules.partials`, libm inside): the same NaN-ness, infinities and sign of zero, finite values
/// within the documented ULPs, and the same first non-finite output reported. Against the kernel
/// itself, bit for bit: an element's value depends on its input alone, never on its position,
/// the call's length, the buffer's alignment or whether the output overwrites the input.
final class VectorKernelEdgeTests: XCTestCase {
    static let ops: [Op] = [.tanh, .sigmoid, .relu, .leakyRelu, .swish, .elu, .softplus, .gelu]

    /// ±0 and the cut-offs read from vector_math.c and VectorKernels.swift, each with both
    /// neighbours: 2⁻⁵⁴ (eˣ − 1 returns x below it), ½ ln 2 (the reduction's |r| bound), 0.625 and
    /// 10 (Float tanh's seams), 1 (tanh′ switches to sech²), 1.28 (swish′'s root), √2 (softplus's
    /// log splits), 9.01 and 19.06 (tanh rounds to 1 in Float and Double), 20, 350, 700 (the Double
    /// kernels' caps and the scalar rule beyond), 88.72 and 103.97 (Float's eˣ overflows and
    /// underflows), 709.78 and 745.13 (Double's), and magnitudes up to the largest finite; for GELU
    /// √½ (its erfc's pieces meet at a = ½), 14.85 and 37.48 (its Float and Double caps on a) and
    /// 37 (the scalar rule below −37).
    static func specials<T: LinalgScalar & BinaryFloatingPoint>(_: T.Type) -> [T] {
        let cutoffs: [Double] = [0, 0x1p-54, 0x1p-53, 0x1p-55, 1e-300, 0.1, 0.5, 0x1.62e42fefa39efp-2, 0.625, 0.9, 1,
                                 1.2784645427610738, 1.4142135623730951, 2, 3, 8, 9.01, 10, 16.6355, 19.06, 20, 30, 36.7368,
                                 0.7071067811865476, 14.849242404917499, 37, 37.47665940288702, 40, 88.72283, 100, 103.972, 350, 700, 701, 709.78, 745, 745.13, 1e5, 1e30, 1e300]
        var xs: [T] = []
        for c in cutoffs {
            let t = T(c)
            for v in [t, t.nextUp, t.nextDown] { xs += [v, -v] }
        }
        xs += [T.leastNonzeroMagnitude, T.leastNormalMagnitude, T.leastNormalMagnitude.nextDown, T.greatestFiniteMagnitude,
               .infinity, .nan, -T.nan].flatMap { [$0, -$0] }
        return xs
    }

    static func parameters<T: LinalgScalar & BinaryFloatingPoint>(_ op: Op, _: T.Type) -> [T] {
        guard op == .elu || op == .leakyRelu else { return [0] }
        return [0.01, 1, 1.5, 0, -0.0, -1, 1e30, .greatestFiniteMagnitude, .infinity, -.infinity, .nan, .leastNonzeroMagnitude]
    }

    /// Distance in units in the last place of `reference`; 0 when both are the same value (NaN
    /// with NaN, zeros of the same sign), ∞ for a different class (NaN, infinity, sign of zero).
    static func ulps<T: LinalgScalar & BinaryFloatingPoint>(_ got: T, _ reference: T) -> Double {
        if got.isNaN || reference.isNaN { return got.isNaN && reference.isNaN ? 0 : .infinity }
        if got == reference { return got.sign == reference.sign ? 0 : .infinity }
        if !got.isFinite || !reference.isFinite { return .infinity }
        let unit = reference == 0 || !reference.isNormal ? T.leastNonzeroMagnitude
            : Swift.min(reference.magnitude.ulp, reference.magnitude.nextDown.ulp)
        return Double(Swift.abs(got - reference) / unit)
    }

    static func map<T: LinalgScalar>(_ op: Op, _ p: T, _ xs: [T]) -> (z: [T], firstBad: Int) {
        var z = [T](repeating: 7, count: xs.count)
        let bad = xs.withUnsafeBufferPointer { x in
            z.withUnsafeMutableBufferPointer { T.kernelMap(.inPackage, op, exponent: 0, parameter: p, node: nil, x, into: $0) }
        }
        return (z, bad)
    }

    static func chain<T: LinalgScalar>(_ op: Op, _ p: T, _ xs: [T], _ zs: [T], _ s: [T]) -> [T] {
        var d = [T](repeating: 7, count: xs.count)
        xs.withUnsafeBufferPointer { x in zs.withUnsafeBufferPointer { z in s.withUnsafeBufferPointer { sp in d.withUnsafeMutableBufferPointer {
            T.kernelChain(.inPackage, op, .cotangent, exponent: 0, parameter: p, x: x, z: z, sp, into: $0)
        } } } }
        return d
    }

    /// Cotangents of both signs and several sizes, never only 1, chosen per position.
    static func cotangents<T: LinalgScalar>(_ n: Int) -> [T] { (0..<n).map { T(Double(($0 * 7919) % 13) / 4 - 1.6) } }

    /// Each element against the registry's scalar rule. Primals within 4 ULP, derivatives within 8
    /// (the documented bounds); swish′ near its root, where σ and z·σ(−x) cancel, on the size of
    /// its terms, as `VectorKernelTests.testDerivativesAreTheRegistryRules` judges it; Float's swish
    /// against the rule in Double rounded to Float, since the Float rule itself rounds σ(x) to a
    /// subnormal Float first and is the one 45 ULP off at x = −100 (README).
    func testSpecialValuesAndParametersAgreeWithTheScalarRules() {
        func check<T: LinalgScalar & BinaryFloatingPoint>(_: T.Type) {
            let xs = Self.specials(T.self)
            let s: [T] = Self.cotangents(xs.count)
            for op in Self.ops {
                XCTAssertTrue(VectorKernels.enabled(op))
                for p in Self.parameters(op, T.self) {
                    let label = "\(op.info.name) as \(T.self), parameter \(p)"
                    let (z, bad) = Self.map(op, p, xs)
                    for (i, x) in xs.enumerated() {
                        let reference = op == .swish && T.self == Float.self
                            ? T(Rules.primal(op, Double(x), Double(p), 0)) : Rules.primal(op, x, p, 0)
                        // GELU: the kernel's and glibc's erfc each up to 3.5 ULPs from the exact value.
                        XCTAssertLessThanOrEqual(Self.ulps(z[i], reference), op == .gelu ? 6 : 4,
                                                 "\(label) at \(x): \(z[i]), scalar rule \(reference)")
                    }
                    // The first finite input mapped to NaN/∞ is the one reported (−1: none).
                    let expected = xs.indices.first { xs[$0].isFinite && !Rules.primal(op, xs[$0], p, 0).isFinite } ?? -1
                    XCTAssertEqual(bad, expected, "first non-finite output of \(label)")
                    let d = Self.chain(op, p, xs, z, s)
                    for (i, x) in xs.enumerated() {
                        let reference = Rules.partials(op, x, p, 0, output: z[i]).0 * s[i]
                        var e = Self.ulps(d[i], reference)
                        if op == .swish && e.isFinite && e > 0 {
                            let sigma = Rules.primal(.sigmoid, x, 0, 0)
                            let terms = (Swift.abs(sigma) + Swift.abs(z[i])) * Swift.abs(s[i])
                            e = Double(Swift.abs(d[i] - reference) / Swift.max(terms, T.leastNormalMagnitude).ulp)
                        }
                        if op == .gelu && e.isFinite && e > 0 {
                            e = VectorKernelTests.geluChainULPs(x, z: z[i], s: s[i], got: d[i], expected: reference)
                        }
                        XCTAssertLessThanOrEqual(e, 8, "\(label)′ at \(x), cotangent \(s[i]): \(d[i]), scalar rule \(reference)")
                    }
                }
            }
        }
        check(Double.self)
        check(Float.self)
    }

    /// Every length from 0 to 3 × 64 + 1 and across the 256-element chunk, at several starting
    /// offsets of a larger buffer (so the first element is not vector-aligned), with guard
    /// elements either side that must stay untouched, and in place (output = input for the
    /// primal, output = cotangent for the derivative): each element the same bits as the kernel
    /// gives it alone.
    func testEveryLengthOffsetAndInPlaceCallGivesTheSameBits() {
        func check<T: LinalgScalar & BinaryFloatingPoint>(_: T.Type) {
            let xs = Self.specials(T.self)
            let sAll: [T] = Self.cotangents(xs.count)
            let guardValue = T(3.25)
            let lengths = Array(0...193) + [255, 256, 257, 300, 511, 512, 513]
            for op in Self.ops {
                let p: T = op == .elu ? 1.5 : 0.25
                let alone = xs.map { Self.map(op, p, [$0]).z[0] }
                let aloneD = xs.indices.map { Self.chain(op, p, [xs[$0]], [alone[$0]], [sAll[$0]])[0] }
                var mismatches = 0
                for n in lengths {
                    for offset in [0, 1, 3] {
                        let pick = (0..<n).map { ($0 * 31 + offset * 17 + n) % xs.count }
                        let pad = [T](repeating: guardValue, count: offset), tail = [T](repeating: guardValue, count: 5)
                        let x = pad + pick.map { xs[$0] } + tail
                        let zIn = pad + pick.map { alone[$0] } + tail
                        let s = pad + pick.map { sAll[$0] } + tail
                        let range = offset..<(offset + n)
                        var z = [T](repeating: guardValue, count: x.count), d = z
                        var inPlace = x, inPlaceD = s
                        x.withUnsafeBufferPointer { px in
                            z.withUnsafeMutableBufferPointer { pz in
                                _ = T.kernelMap(.inPackage, op, exponent: 0, parameter: p, node: nil,
                                                UnsafeBufferPointer(rebasing: px[range]), into: UnsafeMutableBufferPointer(rebasing: pz[range]))
                            }
                            zIn.withUnsafeBufferPointer { pzi in
                                s.withUnsafeBufferPointer { ps in
                                    d.withUnsafeMutableBufferPointer { pd in
                                        T.kernelChain(.inPackage, op, .cotangent, exponent: 0, parameter: p, x: UnsafeBufferPointer(rebasing: px[range]),
                                                      z: UnsafeBufferPointer(rebasing: pzi[range]), UnsafeBufferPointer(rebasing: ps[range]),
                                                      into: UnsafeMutableBufferPointer(rebasing: pd[range]))
                                    }
                                }
                                inPlaceD.withUnsafeMutableBufferPointer { pd in
                                    let cotangent = UnsafeMutableBufferPointer(rebasing: pd[range])
                                    T.kernelChain(.inPackage, op, .cotangent, exponent: 0, parameter: p, x: UnsafeBufferPointer(rebasing: px[range]),
                                                  z: UnsafeBufferPointer(rebasing: pzi[range]), UnsafeBufferPointer(cotangent), into: cotangent)
                                }
                            }
                        }
                        inPlace.withUnsafeMutableBufferPointer { b in
                            let part = UnsafeMutableBufferPointer(rebasing: b[range])
                            _ = T.kernelMap(.inPackage, op, exponent: 0, parameter: p, node: nil, UnsafeBufferPointer(part), into: part)
                        }
                        for k in 0..<x.count where !range.contains(k) {
                            if z[k] != guardValue || d[k] != guardValue { mismatches += 1 }
                        }
                        for (j, k) in range.enumerated() {
                            let (a, ad) = (alone[pick[j]], aloneD[pick[j]])
                            for (got, want) in [(z[k], a), (inPlace[k], a), (d[k], ad), (inPlaceD[k], ad)] where Self.ulps(got, want) != 0 {
                                mismatches += 1
                                if mismatches <= 3 {
                                    XCTFail("\(op.info.name) as \(T.self), length \(n), offset \(offset), x = \(x[k]): \(got) vs \(want) alone")
                                }
                            }
                        }
                    }
                }
                XCTAssertEqual(mismatches, 0, "\(op.info.name) as \(T.self): elements that depended on their position or neighbours")
            }
        }
        check(Double.self)
        check(Float.self)
    }
}
