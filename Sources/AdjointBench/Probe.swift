import Adjoint
func probeRepeat() {
    let x = (0..<100_000).map { 0.5 + 0.001 * Double($0 % 1000) }
    for k in 0..<4 {
        let g = try? gradient(of: benchF, at: x)
        print(k, g?[0] ?? -1)
    }
}
