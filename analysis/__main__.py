"""``python -m analysis``: the build machinery's command line (``analysis.builder.cli``)."""

import sys

from analysis.builder.cli import run

if __name__ == "__main__":
    sys.exit(run())
