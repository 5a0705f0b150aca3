"""What each build step last ran from, kept in ``_build/stamps.json``.

A step is current when the hash of its inputs (``analysis.fingerprint.digest``) is the
one recorded when it last succeeded and its outputs are still the files it wrote. This
is the build's one notion of staleness: notebooks, the Sphinx configuration and both
editions are skipped by it alike.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


class Stamps:
    def __init__(self, root: Path) -> None:
        self.path = root / "_build" / "stamps.json"
        try:
            self._steps: dict[str, dict] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self._steps = {}

    def is_current(self, step: str, key: str, outputs: list[Path]) -> bool:
        entry = self._steps.get(step, {})
        return entry.get("inputs") == key and entry.get("outputs") == _hashes(outputs)

    def record(self, step: str, key: str, outputs: list[Path], **facts) -> None:
        """Note that ``step`` succeeded from inputs ``key``; ``facts`` (e.g. seconds) are kept."""
        self._steps[step] = {"inputs": key, "outputs": _hashes(outputs), **facts}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(self._steps, indent=1, sort_keys=True) + "\n")
            os.replace(tmp, self.path)  # whole or not at all, even on a full disk
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def fact(self, step: str, name: str, default=None):
        return self._steps.get(step, {}).get(name, default)


def _hashes(outputs: list[Path]) -> dict[str, str | None]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None for path in outputs}
