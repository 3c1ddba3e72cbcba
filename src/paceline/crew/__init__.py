"""paceline.crew (in progress)."""
