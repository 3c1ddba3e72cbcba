"""paceline.formation (in progress)."""
