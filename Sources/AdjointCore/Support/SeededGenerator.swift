/// A small seeded random generator (SeededGenerator): the same sequence for the same seed on every
/// platform, so every random test, random direction and seeded network can print its seed and
/// be replayed exactly. Not for cryptography.
///
/// ```swift
/// var g = SeededGenerator(seed: 42)
/// let x = Double.random(in: -1...1, using: &g)   // the same x on every run
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
