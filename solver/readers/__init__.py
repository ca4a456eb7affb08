"""Readers of standard benchmark formats into :class:`solver.problem.Problem`.

Standard library only. Each reader raises :class:`ReaderError` (a ValueError) with one line
naming the file and line of the first malformed thing.
"""

from ._lines import ReaderError
from .best_known import BestKnown, load_best_known
from .imopse import read_imopse_def
from .psplib import read_mm, read_psplib_sm

__all__ = [
    "BestKnown",
    "ReaderError",
    "load_best_known",
    "read_imopse_def",
    "read_mm",
    "read_psplib_sm",
]
