"""Command line: ``python -m analysis validate`` and ``python -m analysis build``."""

from __future__ import annotations

import argparse
import os
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate the dataset and print a one-line summary")
    v.add_argument("--data-dir", default=None)
    v.add_argument("--archive-dir", default=None)
    b = sub.add_parser("build", help="validate, then run the stale notebook templates with papermill")
    b.add_argument("--data-dir", default=None, help="data folder (default: data/)")
    b.add_argument("--archive-dir", default=None)
    b.add_argument("--as-of", default="", help="ISO date: only claims and events stated by then")
    b.add_argument("--out", default=None, help="book root to write (default: this repository)")
    b.add_argument("--force", action="store_true", help="rerun every notebook, changed or not")
    b.add_argument("--html", action="store_true", help="then build the HTML edition (skipped when up to date)")
    args = parser.parse_args(argv)

    from analysis.dataset import load
    from analysis.pipeline import BuildError, build, summary_line
    from analysis.problems import DataError
    from analysis.site import SiteError

    # SIGTERM (a CI timeout, a kill) unwinds like Ctrl-C, so a build's staging folder is removed
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if args.command == "validate":
            print(summary_line(load(args.data_dir, args.archive_dir)), flush=True)
            return 0
        build(
            out_root=args.out,
            as_of=args.as_of or None,
            data_dir=args.data_dir,
            archive_dir=args.archive_dir,
            force=args.force,
            html=args.html,
        )
    except DataError as err:
        print(f"Data validation failed: {len(err.problems)} problem(s)", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (BuildError, SiteError) as err:
        print(f"Build failed: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Build interrupted: book/ left unchanged", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every file is written and closed by now; tearing down the interpreter (Sphinx,
    # pandas, matplotlib: thousands of modules) would add about 0.6 s to each build.
    os._exit(status)
