"""paceline — race engineering for paced record attempts in distance running."""

__version__ = "0.1.0"
__all__ = ["__version__"]
