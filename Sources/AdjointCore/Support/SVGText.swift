/// Text for the SVG plots of every module (the sweep's V-curve, the complexity plots), escaped
/// one way everywhere.
package enum SVGText {
    /// `s` with the characters XML gives meaning to (& < > ") replaced by their entities.
    package static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
