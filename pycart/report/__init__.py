"""The reproduction report: every claim of the paper beside what the model gives."""
