"""A full disk, reported as one.

A build that runs out of space fails in many guises: an ``OSError`` from the build's own
code, a ``shutil.Error`` listing several, a notebook's exception as papermill passes it on
(as text), Sphinx's or LaTeX's log. Each step of the build runs inside ``step``, which
turns any of them into ``DiskFull``: the message says the disk is full, where, during
which step, and that the published folder was left as it was (nothing is published or
stamped current before it is complete, see ``publish`` and ``stamps``).
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

CODES = (errno.ENOSPC, errno.EDQUOT)  # no space left, or the user's quota used up
MESSAGES = tuple(os.strerror(code) for code in CODES)


class DiskFull(Exception):
    def __init__(self, folder: Path, doing: str, kept: Path) -> None:
        super().__init__(
            f"the disk is full: no space left on the device holding {folder} while {doing} "
            f"({kept} left as it was); free some space there and build again"
        )


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from, says the disk is full."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in CODES:
            return True
        if any(message in str(exc) for message in MESSAGES):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@contextlib.contextmanager
def step(folder: Path, doing: str, kept: Path):
    """Run a step that writes below ``folder``; a full disk becomes ``DiskFull``."""
    try:
        yield
    except DiskFull:
        raise
    except Exception as exc:
        if is_disk_full(exc):
            raise DiskFull(folder, doing, kept) from exc
        raise
