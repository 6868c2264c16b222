// Placeholder until its issue lands; keeps the package graph buildable.
