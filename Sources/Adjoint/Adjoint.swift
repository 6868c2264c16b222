// The umbrella module: `import Adjoint` gives the whole public API. Re-exporting needs
// `@_exported`, the one underscored attribute we accept, because SwiftPM has no other umbrella form.
@_exported import AdjointCore
@_exported import AdjointCheck
@_exported import AdjointExact
@_exported import AdjointLinalg
@_exported import AdjointComplexity
@_exported import AdjointFormula
@_exported import AdjointSymbolic
@_exported import AdjointSparse
@_exported import AdjointOptim
