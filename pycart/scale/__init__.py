"""Many simulations: sweeps, virtual cohorts and the benchmark."""
