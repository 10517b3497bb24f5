"""Scenarios: the paper's experiments, users' TOML files, and their figures."""
