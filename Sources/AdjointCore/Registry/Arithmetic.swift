// Arithmetic primitives: the field operations, powers and the graph leaves.

/// The built-in primitives' declarations, one enum each (see ``OpDeclaration``).
public enum Builtin {}

extension Builtin {
    /// A function input: a leaf of a recorded graph, no rule.
    public enum Input: OpDeclaration {
        public static let info = OpInfo(.input, "input", arity: 0, rational: true, analytic: true,
                                        summary: "an independent variable")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (0, 0) }
    }

    /// A literal: a leaf of a recorded graph, no rule.
    public enum Constant: OpDeclaration {
        public static let info = OpInfo(.constant, "constant", arity: 0, rational: true, analytic: true,
                                         summary: "a literal")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (0, 0) }
    }

    /// A user primitive (``ScalarPrimitive``) on a tape: its declaration is the user's type, found
    /// through the tape's side table, so this entry only marks the node.
    public enum Custom: OpDeclaration {
        public static let info = OpInfo(.custom, "custom", arity: 2, summary: "a user-defined primitive")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (0, 0) }
    }

    public enum Add: OpDeclaration {
        public static let info = OpInfo(.add, "add", arity: 2, rational: true, analytic: true, summary: "x + y")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x + y }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (1, 1) }
    }

    public enum Sub: OpDeclaration {
        public static let info = OpInfo(.sub, "sub", arity: 2, rational: true, analytic: true, summary: "x − y")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x - y }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (1, -1) }
    }

    public enum Mul: OpDeclaration {
        public static let info = OpInfo(.mul, "mul", arity: 2, rational: true, analytic: true, summary: "x · y")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x * y }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (y, x) }
    }

    public enum Div: OpDeclaration {
        public static let info = OpInfo(.div, "div", arity: 2, domain: "y ≠ 0", rational: true, analytic: true,
                                        sample: [-3...3, 0.5...3], summary: "x / y")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x / y }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            let r = 1 / y
            return (r, -z * r)
        }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            y == 0 ? "division by zero" : nil
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Neg: OpDeclaration {
        public static let info = OpInfo(.neg, "neg", rational: true, analytic: true, summary: "−x")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { -x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (-1, 0) }
    }

    /// x^n for an integer n stored with the node (not an input).
    public enum Powi: OpDeclaration {
        public static let info = OpInfo(.powi, "powi", domain: "x ≠ 0 when n < 0", rational: true, analytic: true,
                                         sample: [0.25...3], attribute: "n", summary: "x^n, n an integer constant")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { T.native(.powi, x, x, n) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            if n == 0 { return (0, 0) }
            return (T(n) * T.powi(x, n - 1), 0)
        }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            (n < 0 && x == 0) ? "zero raised to a negative power" : nil
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    /// x^y with both inputs real.
    public enum Pow: OpDeclaration {
        public static let info = OpInfo(.pow, "pow", arity: 2, domain: "x > 0, or x = 0 with y > 0", analytic: true,
                                        sample: [0.2...3, -2...2], summary: "x^y for real y (x > 0)")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { T.native(.pow, x, y, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            // ∂y = z·log x; at x = 0 (allowed for y > 0) z = 0 and the limit is 0, not 0·(−∞).
            let dy = x == 0 ? 0 : z * T.log(x)
            return (y * T.pow(x, y - 1), dy)
        }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            if x > 0 || (x == 0 && y > 0) { return nil }
            return x == 0 ? "zero raised to a non-positive real power"
                          : "negative base with a real exponent (use an integer power)"
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Square: OpDeclaration {
        public static let info = OpInfo(.square, "square", rational: true, analytic: true, summary: "x²")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x * x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (2 * x, 0) }
    }
}
