"""Analyses on many runs: global sensitivity (SALib), cohort summaries and their plots."""
