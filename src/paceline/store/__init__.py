"""paceline.store (in progress)."""
