"""Analyses: global sensitivity (SALib), cohort summaries and their plots; calibration to data (measurements, fits, profile likelihood)."""
