"""Race-day programs: pace car and laser, pacing lights, split tables, drinks plan."""

from paceline.program.drinks import DrinksPlan, Handoff, plan_drinks
from paceline.program.laser import LaserLayout, laser_layout
from paceline.program.lights import LightsProgram, lights_program
from paceline.program.pace import CarProgram, Correction, PaceSchedule, car_program, correct
from paceline.program.splits import SplitRow, split_table

__all__ = [
    "PaceSchedule", "CarProgram", "Correction", "car_program", "correct",
    "LaserLayout", "laser_layout",
    "LightsProgram", "lights_program",
    "SplitRow", "split_table",
    "DrinksPlan", "Handoff", "plan_drinks",
]
