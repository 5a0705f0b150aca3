"""What the fault tests share: a build running in the background, the processes it started,
and the published folders' contents as hashes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from helpers import read_rows, set_cell

from analysis.paths import ROOT

MARK = "BUILD_UNDER_TEST"  # in the environment of every process a build under test starts


class Build:
    """``python -m analysis build --out root --data-dir data *flags``, in the background: its
    output lines as they come, and every process below it seen while it ran (``watch``)."""

    def __init__(self, root: Path, data: Path, *flags: str) -> None:
        self.root, self.mark = root, uuid.uuid4().hex
        command = [sys.executable, "-m", "analysis", "build", "--out", str(root), "--data-dir", str(data), *flags]
        self.started = time.time()
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, MARK: self.mark},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.seen: dict[int, str] = {}  # pid -> command name, of every descendant seen
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def printed(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def watch(self) -> None:
        for pid in descendants(self.proc.pid):
            self.seen.setdefault(pid, command_name(pid))

    def wait_for(self, condition, what: str, timeout: float = 180) -> None:
        """Poll until ``condition()``, noting the build's processes meanwhile."""
        deadline = time.monotonic() + timeout
        while not condition():
            self.watch()
            assert self.proc.poll() is None, f"the build ended before {what}:\n{self.output}"
            assert time.monotonic() < deadline, f"no {what} within {timeout}s:\n{self.output}"
            time.sleep(0.02)
        self.watch()

    def kill(self) -> None:
        assert self.proc.poll() is None, f"the build ended before it could be killed:\n{self.output}"
        self.proc.kill()  # SIGKILL: nothing of the build's own runs after it
        self.proc.wait()
        self._reader.join(10)

    def finish(self, timeout: float = 300) -> int:
        self.proc.wait(timeout)
        self._reader.join(10)
        return self.proc.returncode

    def marked(self) -> dict[int, str]:
        return marked(self.mark)

    def survivors(self, within: float = 5.0) -> dict[int, str]:
        return survivors(self.mark, within)


def marked(mark: str) -> dict[int, str]:
    """The live processes (not zombies) with ``mark`` in their environment: whatever a process
    started with it started, however (forked, spawned, double-forked, in another session)."""
    needle = f"{MARK}={mark}".encode()
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            state = _stat(int(entry))[0]
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if needle in environ.split(b"\0") and state != "Z":
            found[int(entry)] = command_line(int(entry))
    return found


def survivors(mark: str, within: float = 5.0) -> dict[int, str]:
    """The processes marked with ``mark`` still alive ``within`` seconds from now."""
    deadline = time.monotonic() + within
    while (left := marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (which may hold spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(_stat(int(entry))[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:160]
    except OSError:
        return "?"


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file below ``folder`` (but those named in ``skip``) with the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in skip
    }


def edit_claim_notes(data: Path, text: str) -> None:
    """A change a curator makes: it makes every notebook and both editions stale."""
    notes = read_rows(data / "claims.csv")[0]["notes"]
    set_cell(data, "claims.csv", 0, "notes", f"{notes.split(' [edit')[0]} [edit {text}]")
