"""Command line: ``python -m analysis validate``, ``build``, ``serve``, ``add-source`` and ``release``."""

from __future__ import annotations

import argparse
import os
import signal
import sys


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m analysis")
    sub = top.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate the dataset and print a one-line summary")
    v.add_argument("--data-dir", default=None, help="data folder (default: data/)")
    v.add_argument("--archive-dir", default=None, help="archived articles (default: $ARCHIVE_DIR or ../shared/sources)")
    b = sub.add_parser("build", help="validate, run the stale notebooks with papermill, build the editions")
    b.add_argument("--data-dir", default=None, help="data folder (default: data/)")
    b.add_argument("--archive-dir", default=None, help="archived articles (default: $ARCHIVE_DIR or ../shared/sources)")
    b.add_argument("--as-of", default="", help="ISO date: only claims and events stated by then")
    b.add_argument("--claimants", default="", help="comma-separated claimant ids to keep (troop and casualty chapters)")
    b.add_argument("--out", default=None, help="book root to write (default: this repository)")
    b.add_argument(
        "--variant",
        action="store_true",
        help="write a separate book under _build/variants/, named after --as-of and --claimants",
    )
    b.add_argument("--force", action="store_true", help="rerun every notebook, changed or not")
    b.add_argument("--html", action="store_true", help="then build the HTML edition (skipped when up to date)")
    b.add_argument("--pdf", action="store_true", help="then build the PDF edition (skipped when up to date)")
    b.add_argument(
        "--plain",
        action="store_true",
        help="no speed-ups: kernels start the ordinary way and the editions are built by the "
        "jupyter-book command (to bisect after an upgrade)",
    )
    s = sub.add_parser(
        "serve",
        help="serve the HTML edition on localhost, rebuilding it and reloading the page as its inputs change",
    )
    s.add_argument("--data-dir", default=None, help="data folder (default: data/)")
    s.add_argument("--archive-dir", default=None, help="archived articles (default: $ARCHIVE_DIR or ../shared/sources)")
    s.add_argument("--out", default=None, help="book root to build and serve (default: this repository)")
    s.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: 8000)")
    s.add_argument("--plain", action="store_true", help="build without the speed-ups, as `build --plain`")
    a = sub.add_parser(
        "add-source",
        help="archive a new article (named by its SHA-256) and scaffold its sources.csv row and BibTeX entry",
    )
    a.add_argument("file", help="the captured article: a UTF-8 text file")
    a.add_argument("--id", default=None, help="its source_id and BibTeX key, e.g. kim2025 (default: sourceNNN)")
    a.add_argument("--data-dir", default=None, help="data folder (default: data/)")
    a.add_argument("--archive-dir", default=None, help="archived articles (default: $ARCHIVE_DIR or ../shared/sources)")
    r = sub.add_parser(
        "release",
        help="cut a release: the changelog entry and a snapshot of the tables; refused when a change is not described",
    )
    r.add_argument("--version", required=True, help="the release's semantic version, e.g. 1.0.1")
    r.add_argument("--date", required=True, help="the release's day, YYYY-MM-DD")
    r.add_argument("--description", required=True, help="what the release is, in a sentence or two")
    r.add_argument(
        "--note",
        action="append",
        default=[],
        metavar="ID=TEXT",
        help="what changed in a corrected or removed row other than a claim, and why (repeatable)",
    )
    r.add_argument("--data-dir", default=None, help="data folder (default: data/)")
    r.add_argument("--archive-dir", default=None, help="archived articles (default: $ARCHIVE_DIR or ../shared/sources)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "add-source":
        return _add_source(args)
    if args.command == "release":
        return _release(args)

    from analysis import paths
    from analysis.builder.diskfull import DiskFull
    from analysis.builder.environment import apply
    from analysis.builder.pipeline import BuildError, build, summary_line
    from analysis.builder.site import SiteError
    from analysis.data import parameters
    from analysis.data.problems import DataError

    apply()
    # Before anything is installed, imported or run: the archive, then the parameters.
    missing = paths.missing_archive(args.archive_dir)
    if missing:
        print(missing, file=sys.stderr)
        return 2
    # SIGTERM (a CI timeout, a kill) unwinds like Ctrl-C, so a build's staging folder is removed
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if args.command == "serve":
        return _serve(args)
    try:
        if args.command == "validate":
            from analysis.data.dataset import load

            print(summary_line(load(args.data_dir, args.archive_dir)), flush=True)
            return 0
        as_of = parameters.as_of(args.as_of)
        keep = parameters.claimants(args.claimants, args.data_dir or paths.DATA_DIR)
        out = args.out
        if args.variant:
            out = paths.BUILD_DIR / "variants" / parameters.variant_name(as_of, keep)
        editions = tuple(name for name in ("html", "pdf") if getattr(args, name))
        build(
            out,
            as_of=as_of,
            claimants=keep,
            data_dir=args.data_dir,
            archive_dir=args.archive_dir,
            force=args.force,
            editions=editions,
            plain=args.plain,
        )
    except parameters.ParameterError as err:
        print(f"Parameter error: {err}", file=sys.stderr)
        return 2
    except DataError as err:
        print(f"Data validation failed: {len(err.problems)} problem(s)", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (BuildError, SiteError, DiskFull) as err:
        print(f"Build failed: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Build interrupted: book/ left unchanged", file=sys.stderr)
        return 130
    return 0


def _serve(args) -> int:
    from analysis.builder.serve import DEFAULT_PORT, PortInUse, serve

    try:
        serve(args.data_dir, args.out, args.archive_dir, args.port or DEFAULT_PORT, args.plain)
    except KeyboardInterrupt:
        pass  # Ctrl-C during the first build: the build says what it left as it was
    except PortInUse as err:
        print(f"make serve: {err}", file=sys.stderr)
        return 2
    print("make serve: stopped", file=sys.stderr)
    return 0


def _add_source(args) -> int:
    from pathlib import Path

    from analysis import paths
    from analysis.builder.curate import CurationError, add_source

    try:
        added = add_source(args.file, args.id, args.data_dir, args.archive_dir)
    except CurationError as err:
        print(f"add-source: {err}; nothing was changed", file=sys.stderr)
        return 1
    print(added.report(Path(args.data_dir) if args.data_dir else paths.DATA_DIR))
    return 0


def _release(args) -> int:
    from analysis.builder.release import ReleaseError, cut, parse_notes
    from analysis.data.problems import DataError

    try:
        made = cut(args.version, args.date, args.description, parse_notes(args.note), args.data_dir, args.archive_dir)
    except ReleaseError as err:
        print(f"{err}\nnothing was changed", file=sys.stderr)
        return 1
    except DataError as err:
        print(f"release refused: the data does not validate\n{err}", file=sys.stderr)
        return 1
    print(made.report())
    return 0


def run() -> int:
    """``python -m analysis``: in the deterministic environment, and quick to exit."""
    from analysis.builder.environment import ensure

    ensure("analysis")
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every file is written and closed by now; tearing down the interpreter (Sphinx,
    # pandas, matplotlib: thousands of modules) would add about 0.6 s to each build.
    os._exit(status)
