"""paceline.report (in progress)."""
