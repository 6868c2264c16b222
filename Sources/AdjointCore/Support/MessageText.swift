/// Text an error message quotes (a name, a number, a value): whole when short, else its first
/// 20 and last 10 characters and its length, so a generated 1 MB identifier or a 300,000-digit
/// literal does not become a 1 MB message. In the core so that every module that echoes user
/// input bounds it alike: exact mode's parser repeated a 400,000-digit value of a points file whole.
///
/// ```swift
/// quotedForMessage("x1")                                        // "x1"
/// quotedForMessage(String(repeating: "b", count: 1_000_000))   // "bbbbbbbbbbbbbbbbbbbb…bbbbbbbbbb (1000000 characters)"
/// ```
public func quotedForMessage(_ text: String) -> String {
    let count = text.count
    guard count > 40 else { return text }
    return String(text.prefix(20)) + "…" + String(text.suffix(10)) + " (\(count) characters)"
}
