"""Numbers only: regions, indicators, targets, coverage, attainment, the what-if model."""
