import Adjoint
import Foundation

/// `jac complexity --swell 2,4,8,16`: sizes of symbolic gradients (expanded tree, shared DAG)
/// against the reverse-mode tape, for the families of ``SwellFamily``, with fitted exponents.
func runSwell(_ spec: String, format: String, plot: String?) throws {
    let sizes = try spec.split(separator: ",", omittingEmptySubsequences: false).map { part -> Int in
        guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v >= 1, v <= SwellMeasurement.maxSize else {
            throw JacFailure.invalid("--swell: '\(part)' is not an integer between 1 and \(SwellMeasurement.maxSize)")
        }
        return v
    }
    guard ["table", "json", "svg"].contains(format) else {
        throw JacFailure.invalid("--swell prints table, json or svg (got '\(format)')")
    }
    let r = try SwellMeasurement.run(sizes: sizes)
    if let plot {
        try writeText(r.svg, path: plot, what: "--plot file")
    }
    switch format {
    case "json": print(r.json)
    case "svg": print(r.svg, terminator: "")
    default: print(r.table, terminator: "")
    }
}
