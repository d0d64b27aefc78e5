// Keeps ein_testing non-empty before tests/support has sources.
