import AdjointCheck
import AdjointCore
import Foundation
import Testing
import XCTest

// The assertions: build a property, run it over its trials, and record a test failure (never a
// thrown error) with the property's message in whichever framework is running the test: Swift
// Testing when a test of it is current, XCTest otherwise. This file is the only one that knows
// either framework; everything else returns a `PropertyResult` a caller can inspect.


/// Where an assertion was written, for either framework's failure report.
struct AssertionLocation: Sendable {
    let fileID: String
    let filePath: StaticString
    let line: UInt
    let column: Int
}

/// Records a failed property in the running framework (and writes the JSON report when asked);
/// does nothing else when it passed.
///
/// Inside a Swift Testing test the message becomes an `Issue`; otherwise it goes to `XCTFail`.
func recordFailure(_ r: PropertyResult, options: AdjointTestOptions, at loc: AssertionLocation) {
    if let path = options.jsonReportPath {
        do { try r.jsonValue.rendered(indent: 2).write(toFile: path, atomically: true, encoding: .utf8) }
        catch { record("\(r.assertion): could not write the JSON report to \(path): \(error)", at: loc) }
    }
    if !r.passed { record(r.message, at: loc) }
}

func record(_ message: String, at loc: AssertionLocation) {
    if Test.current != nil {
        Issue.record(Comment(rawValue: message),
                     sourceLocation: SourceLocation(fileID: loc.fileID, filePath: "\(loc.filePath)", line: Int(loc.line), column: loc.column))
    } else {
        XCTFail(message, file: loc.filePath, line: loc.line)
    }
}

/// Runs any property and records its failure: the general form of every assertion below.
///
/// ```swift
/// assertProperty(.blackBoxGradient(of: f, claimed: g, inputs: .vector(2, .uniform(-3...3))))
/// ```
@discardableResult
public func assertProperty(_ p: DerivativeProperty, options: AdjointTestOptions = AdjointTestOptions(),
                           fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column)
-> PropertyResult {
    let r = checkProperty(p, options: options)
    recordFailure(r, options: options, at: AssertionLocation(fileID: fileID, filePath: filePath, line: line, column: column))
    return r
}

/// Runs every trial of a property over the cores (``checkPropertyConcurrently(_:options:)``) and
/// records a failure: for many points at once, with the verdict counts of all of them.
///
/// ```swift
/// @Test func gradientOverManyPoints() async {
///     var o = AdjointTestOptions()
///     o.trials = 10_000
///     o.jsonReportPath = "derivatives.json"
///     await assertPropertyConcurrently(.blackBoxGradient(of: f, claimed: g, inputs: space), options: o)
/// }
/// ```
@discardableResult
public func assertPropertyConcurrently(_ p: DerivativeProperty, options: AdjointTestOptions = AdjointTestOptions(),
                                       fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
                                       column: Int = #column) async -> PropertyResult {
    let r = await checkPropertyConcurrently(p, options: options)
    recordFailure(r, options: options, at: AssertionLocation(fileID: fileID, filePath: filePath, line: line, column: column))
    return r
}

/// Asserts that a hand-written gradient of a generic function is right at `options.trials`
/// random inputs. Forward and reverse mode run beside it; a failure names the entry, the
/// claimed and reference values, the verdict, the seed, the shrunk input and a replay line.
///
/// ```swift
/// func testLogisticGradient() {
///     assertGradient(of: LogisticLoss(), claimed: logisticGradient, inputs: .vector(5, .uniform(-2...2)))
/// }
/// ```
///
/// Inlinable, like the property it builds, so each trial's check runs `f` specialised.
@discardableResult
@inlinable public func assertGradient<F: ADFunction & Sendable, V: PropertyScalar>(
    of f: F, claimed: @escaping @Sendable ([V]) -> [V], inputs: InputSpace, options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.gradient(of: f, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written gradient of a black-box scalar function (`([Double]) -> Double` or the
/// Float equivalent), by differences only. Pass named functions, or annotate a closure literal's
/// parameter (`{ (x: [Double]) in … }`): the element type cannot be inferred from the body.
///
/// ```swift
/// assertGradient(of: simulate, claimed: adjointOfSimulate, inputs: .arguments([.positive, .uniform(-1...1)]))
/// ```
@discardableResult
public func assertGradient<V: PropertyScalar>(
    of f: @escaping @Sendable ([V]) -> V, claimed: @escaping @Sendable ([V]) -> [V], inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.blackBoxGradient(of: f, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts the matrix tape's gradient of a matrix program (an MLP and its loss, say) against
/// differences of its plain evaluation over the flattened parameters.
///
/// ```swift
/// let program = MLPProgram(net, input: x, loss: .softmaxCrossEntropy(labels: labels))
/// assertGradient(of: program, inputs: program.around(spread: 0.5))
/// ```
@discardableResult
public func assertGradient<P: MatrixProgram>(
    of program: P, inputs: InputSpace, options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.matrixGradient(of: program, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written Jacobian (rows are outputs) of a generic function.
@discardableResult
@inlinable public func assertJacobian<F: ADFunction & Sendable, V: PropertyScalar>(
    of f: F, claimed: @escaping @Sendable ([V]) -> [[V]], inputs: InputSpace, options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.jacobian(of: f, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written Jacobian of a black-box function, by differences only.
///
/// ```swift
/// assertJacobian(of: { (x: [Double]) in [x[0] * x[1], sin(x[0])] }, claimed: { x in [[x[1], x[0]], [cos(x[0]), 0]] },
///                inputs: .vector(2, .uniform(-2...2)))
/// ```
@discardableResult
public func assertJacobian<V: PropertyScalar>(
    of f: @escaping @Sendable ([V]) -> [V], claimed: @escaping @Sendable ([V]) -> [[V]], inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.blackBoxJacobian(of: f, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written JVP (x, v) ↦ J·v of a generic function; v is drawn per trial.
@discardableResult
@inlinable public func assertJVP<F: ADFunction & Sendable>(
    of f: F, claimed: @escaping @Sendable ([Double], [Double]) -> [Double], inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.jvp(of: f, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written JVP of a black-box function, by a difference along v.
///
/// ```swift
/// assertJVP(of: { (x: [Double]) in [x[0] * x[1]] }, claimed: { x, v in [x[1] * v[0] + x[0] * v[1]] },
///           inputs: .vector(2, .uniform(-2...2)))
/// ```
@discardableResult
public func assertJVP<V: PropertyScalar>(
    of f: @escaping @Sendable ([V]) -> [V], claimed: @escaping @Sendable ([V], [V]) -> [V], inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.blackBoxJVP(of: f, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written VJP (x, u) ↦ uᵀJ of a generic function with `outputs` outputs.
@discardableResult
@inlinable public func assertVJP<F: ADFunction & Sendable>(
    of f: F, outputs: Int, claimed: @escaping @Sendable ([Double], [Double]) -> [Double], inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.vjp(of: f, outputs: outputs, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written VJP of a black-box function with `outputs` outputs.
///
/// ```swift
/// assertVJP(of: { (x: [Double]) in [x[0] * x[1], x[0]] }, outputs: 2, claimed: { x, u in [u[0] * x[1] + u[1], u[0] * x[0]] },
///           inputs: .vector(2, .uniform(-2...2)))
/// ```
@discardableResult
public func assertVJP<V: PropertyScalar>(
    of f: @escaping @Sendable ([V]) -> [V], outputs: Int, claimed: @escaping @Sendable ([V], [V]) -> [V], inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.blackBoxVJP(of: f, outputs: outputs, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts second derivatives of a generic scalar function: the AD Hessian against differences of
/// the gradient, its symmetry, forward-over-reverse against reverse-over-forward, and a claimed
/// Hessian when given. Catches rules that are right once and wrong when differentiated again.
/// A user rule wrong at first order, or a gradient differences of f refute, fails the point by
/// name; the comparisons against that gradient are then not run, so a right claim is never
/// convicted by a wrong gradient.
///
/// ```swift
/// assertHessian(of: Energy(), inputs: .vector(3, .uniform(-1...1)))
/// ```
@discardableResult
@inlinable public func assertHessian<F: ADFunction & Sendable>(
    of f: F, claimed: (@Sendable ([Double]) -> [[Double]])? = nil, inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.hessian(of: f, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written gradient and Hessian of a black-box scalar function.
@discardableResult
public func assertHessian(
    of f: @escaping @Sendable ([Double]) -> Double, gradient: @escaping @Sendable ([Double]) -> [Double],
    claimed: @escaping @Sendable ([Double]) -> [[Double]], inputs: InputSpace, options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.blackBoxHessian(of: f, gradient: gradient, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written Hessian–vector product of a generic scalar function, against
/// directional differences of the reverse-mode gradient once that gradient is checked (as in
/// ``assertHessian(of:claimed:inputs:options:fileID:filePath:line:column:)``).
///
/// ```swift
/// // Energy: x₀²x₁ + x₁ sin x₂, whose H·v is written out by hand
/// assertHVP(of: Energy(), claimed: { x, v in
///     [2 * x[1] * v[0] + 2 * x[0] * v[1], 2 * x[0] * v[0] + cos(x[2]) * v[2], cos(x[2]) * v[1] - sin(x[2]) * x[1] * v[2]]
/// }, inputs: .vector(3, .uniform(-1...1)))
/// ```
@discardableResult
@inlinable public func assertHVP<F: ADFunction & Sendable>(
    of f: F, claimed: @escaping @Sendable ([Double], [Double]) -> [Double], inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.hvp(of: f, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts a hand-written gradient and Hessian–vector product of a black-box scalar function.
@discardableResult
public func assertHVP(
    of f: @escaping @Sendable ([Double]) -> Double, gradient: @escaping @Sendable ([Double]) -> [Double],
    claimed: @escaping @Sendable ([Double], [Double]) -> [Double], inputs: InputSpace,
    options: AdjointTestOptions = AdjointTestOptions(),
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PropertyResult {
    assertProperty(.blackBoxHVP(of: f, gradient: gradient, claimed: claimed, inputs: inputs), options: options,
                   fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Asserts that a user scalar primitive's rule can be trusted: runs `validate` (primal finite on
/// samples from its declared ranges, partials against differences of the primal, second
/// derivatives against differences of the partials) and records a failure naming each failed
/// check, the seed and the call that replays it.
///
/// ```swift
/// enum Cube: UnaryPrimitive {
///     static let name = "cube"
///     static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
///     static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
/// }
/// func testCubeRule() { assertPrimitive(Cube.self) }
/// ```
@discardableResult
public func assertPrimitive<P: ScalarPrimitive>(
    _ primitive: P.Type, samples: Int = 16, seed: UInt64 = AdjointTestOptions().seed,
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PrimitiveValidation {
    let v = validate(primitive, samples: samples, seed: seed)
    recordValidation(v, replay: "validate(\(P.self).self, samples: \(samples), seed: \(hex(seed)))",
                     at: AssertionLocation(fileID: fileID, filePath: filePath, line: line, column: column))
    return v
}

/// Asserts that a user vector primitive's JVP and VJP can be trusted: `validate` with `inputs`
/// inputs (JVP against differences, VJP against the JVP by ⟨u, J·v⟩ = ⟨Jᵀu, v⟩ with random u, v).
///
/// ```swift
/// func testSolveRules() { assertPrimitive(LinearSolve.self, inputs: 6) }
/// ```
@discardableResult
public func assertPrimitive<P: VectorPrimitive>(
    _ primitive: P.Type, inputs: Int, samples: Int = 8, seed: UInt64 = AdjointTestOptions().seed,
    fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: Int = #column
) -> PrimitiveValidation {
    let v = validate(primitive, inputs: inputs, samples: samples, seed: seed)
    recordValidation(v, replay: "validate(\(P.self).self, inputs: \(inputs), samples: \(samples), seed: \(hex(seed)))",
                     at: AssertionLocation(fileID: fileID, filePath: filePath, line: line, column: column))
    return v
}

/// The failure message of a validation: its own description (one line per check) and the replay.
func validationMessage(_ v: PrimitiveValidation, replay: String) -> String {
    "assertPrimitive failed: \(v.failedChecks.isEmpty ? "not confirmed, " + v.undecidedSummary : "failed " + v.failedChecks.joined(separator: ", "))\n"
        + v.description + "\nreplay: " + replay
}

func recordValidation(_ v: PrimitiveValidation, replay: String, at loc: AssertionLocation) {
    if !v.passed { record(validationMessage(v, replay: replay), at: loc) }
}
