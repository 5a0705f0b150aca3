"""``python -m analysis``: the build machinery's command line (``analysis.build.cli``)."""

import sys

from analysis.build.cli import run

if __name__ == "__main__":
    sys.exit(run())
