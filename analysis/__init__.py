"""Analysis package for the report on claims about North Korean troops in Kursk.

The notebooks under ``analysis/templates`` call into these modules; keeping the logic
here lets pytest reach it.
"""

from analysis.dataset import Dataset, load
from analysis.problems import DataError, Problem

__all__ = ["DataError", "Dataset", "Problem", "load"]
