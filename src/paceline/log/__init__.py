"""paceline.log (in progress)."""
