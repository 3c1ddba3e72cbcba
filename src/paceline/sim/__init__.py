"""Orchestrators of the race model: RaceModel, MonteCarlo, what-if sensitivity."""

from paceline.sim.montecarlo import MonteCarlo, MonteCarloResult
from paceline.sim.race import RaceModel, RaceResult
from paceline.sim.whatif import Factor, whatif

__all__ = ["RaceModel", "RaceResult", "MonteCarlo", "MonteCarloResult", "whatif", "Factor"]
