"""What readers see (``book/``, ``_build/html``) changes in one step, or not at all.

A new version is written in a staging folder beside the published one (``staging``) and
then swapped in (``publish``): on Linux by one ``renameat2(RENAME_EXCHANGE)``, which swaps
the two folders atomically, so no crash, kill or full disk can leave a mix of old and
new files or no folder at all; elsewhere by two renames with Ctrl-C and SIGTERM held back
in between. The staging folder is locked (``flock``) while its build lives: a build that
was killed leaves one unlocked, which the next build removes.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _prefix(target: Path) -> str:
    return f".{target.name}-next-"


@contextlib.contextmanager
def staging(target: Path):
    """A new, empty folder beside ``target``, removed on leaving unless ``publish`` took it;
    first, the staging folders of builds that were killed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target)
    folder = Path(tempfile.mkdtemp(prefix=_prefix(target), dir=target.parent))
    lock = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)


def remove_abandoned(target: Path) -> None:
    """Remove the staging folders of ``target`` that no live build holds."""
    for folder in target.parent.glob(_prefix(target) + "*"):
        try:
            handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue  # removed meanwhile
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # its build is running
        else:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(handle)


def publish(stage: Path, target: Path) -> None:
    """Put ``stage`` in place of ``target`` in one step; the old version is deleted."""
    if not target.exists():
        os.rename(stage, target)
        return
    if _exchange(stage, target):
        shutil.rmtree(stage, ignore_errors=True)  # now the old version
        return
    old = target.with_name(f"{_prefix(target)}old-{os.getpid()}")
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        os.replace(target, old)
        os.replace(stage, target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False where the system cannot (not Linux, an old kernel
    or C library, a file system without it)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    if libc.renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # not supported here
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))
