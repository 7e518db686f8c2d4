"""Synthetic reports: random consistent records and their rendering in every text layout.

A library module (not test code): property and mutation tests use it to check that parsing gives
back what was printed, benchmarks use it for realistic inputs of any size.
"""

from xxgk.generate.base import CELLS, DIGITS, PLACED, PrintedRow, Rendering
from xxgk.generate.record import blank_zeros, cells, random_record
from xxgk.generate.render import DISTORTIONS, LAYOUTS, render, render_text

__all__ = [
    "CELLS",
    "DIGITS",
    "DISTORTIONS",
    "LAYOUTS",
    "PLACED",
    "PrintedRow",
    "Rendering",
    "blank_zeros",
    "cells",
    "random_record",
    "render",
    "render_text",
]
