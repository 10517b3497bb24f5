"""Analyses: global sensitivity (SALib), cohort summaries and their plots; calibration to data
(measurements, fits, profile likelihood); clinical outcomes of virtual cohorts and the
calibration of cart_bm_ext to them (ext_calibration)."""
