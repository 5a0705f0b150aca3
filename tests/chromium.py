"""The built pages in a real browser: Debian's headless Chromium, driven over the Chrome
DevTools Protocol on a pipe (``--remote-debugging-pipe``: no port, no driver, no library),
with axe-core (pinned in ``tests/browser/package-lock.json``) run inside each page.

``Browser.visit`` loads a page at a viewport width and returns what a reader would meet:
axe's violations, console errors and uncaught exceptions, elements that cut off their
content, boxes that scroll sideways, how each table is drawn, and the rendered size of
every chart's text (``tests/browser/measure.js``), and the table roles of the page's
accessibility tree. ``make browser`` installs what this needs.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent / "browser"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
MEASURE = HERE / "measure.js"
HEIGHTS = {1280: 900, 390: 844}
# The accessibility tree's roles for a table and its parts.
TABLE_ROLES = ("table", "row", "columnheader", "rowheader", "cell")
# After the load event: web fonts in place and two frames painted (the theme's scripts
# have drawn its icons and moved its sidebars by then).
SETTLED = "document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))"
# Sphinx's search page, once its search has run (searchtools.js writes a summary line when
# it finishes): the summary and every result's link and title.
SEARCHED = """new Promise((resolve, reject) => {
  const started = Date.now();
  const poll = () => {
    const summary = document.querySelector("#search-results .search-summary");
    if (summary && summary.textContent.trim()) {
      const items = [...document.querySelectorAll("#search-results ul.search li")];
      resolve({summary: summary.textContent.trim(), results: items.map((li) => {
        const link = li.querySelector("a");
        return {href: link.getAttribute("href"), title: link.textContent.trim(), text: li.textContent};
      })});
    } else if (Date.now() - started > 20000) reject(new Error("the search did not finish in 20 s"));
    else setTimeout(poll, 50);
  };
  poll();
})"""
# The search box of Sphinx's search page (the theme's, just before the results; another
# one waits in the search dialog).
SEARCH_BOX = "document.getElementById('search-results').previousElementSibling.querySelector('input[name=q]')"
# Flags that keep a headless run quiet and local (no updates, sync or background fetches).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # the measurements read the SVG files the pages show as <img>
    "--allow-file-access-from-files",
]


def executable() -> str | None:
    """Debian's chromium (``make browser`` installs it); CHROMIUM names another build."""
    names = [os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"]
    return next((found for found in map(shutil.which, filter(None, names)) if found), None)


def missing() -> str:
    """What is missing to run the browser checks ('' when nothing is)."""
    gaps = []
    if not executable():
        gaps.append("Debian's chromium (or CHROMIUM=/path/to/chromium)")
    if not AXE.is_file():
        gaps.append(f"axe-core ({AXE.relative_to(HERE.parent.parent)})")
    return " and ".join(gaps)


def _above_four(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class BrowserError(Exception):
    pass


class Browser:
    """One headless Chromium for a whole test session; one tab per visit."""

    def __init__(self, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        commands, ours_to_write = os.pipe()  # Chromium reads commands on its fd 3
        ours_to_read, replies = os.pipe()  # and writes replies and events on its fd 4
        # above 4, so that the shell's redirections cannot overwrite one with the other
        commands, replies = (_above_four(fd) for fd in (commands, replies))
        # bash puts the two pipe ends on the descriptors Chromium's pipe mode expects
        self.proc = subprocess.Popen(
            [
                "bash",  # dash's redirections take single-digit descriptors only
                "-c",
                f'exec "$@" 3<&{commands} 4>&{replies}',
                "bash",
                executable(),
                *FLAGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            pass_fds=(commands, replies),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands)
        os.close(replies)
        self._write, self._read = ours_to_write, ours_to_read
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        self._opening: set[str] = set()  # tabs whose first document is still to be let through
        self.axe = AXE.read_text(encoding="utf-8")
        self.measure = MEASURE.read_text(encoding="utf-8")

    # --- the protocol -------------------------------------------------------------
    def post(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Send a command without waiting for its reply; returns its id."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        return self._next_id

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        sent = self.post(method, params, session)
        while True:
            reply = self._receive()
            if reply.get("id") == sent:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self._event(reply)

    def _receive(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise BrowserError(f"Chromium did not answer within {self.timeout:.0f} s")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe (did it start?)")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _load(self, path: Path, session: str, query: str = "") -> None:
        """Open ``path`` (with ``query``, "q=14%2C000", after its "?") and wait for its load
        event. A page that sends the reader on (a landing page's refresh) is measured itself:
        ``_event`` answers the navigations after the first with "no content", which keeps the
        page where it is."""
        self.send("Fetch.enable", {"patterns": [{"resourceType": "Document"}]}, session)
        self._opening.add(session)
        # not waited for: its reply waits for the document's request, which _event lets through
        url = path.resolve().as_uri() + (f"?{query}" if query else "")
        self.post("Page.navigate", {"url": url}, session)
        self._loaded(session)

    def _loaded(self, session: str) -> None:
        """Wait for the load event of the page ``session`` is loading."""
        while True:
            for event in self._events:
                if event.get("sessionId") == session and event.get("method") == "Page.loadEventFired":
                    self._events.remove(event)
                    return
            self._event(self._receive())

    def _event(self, message: dict) -> None:
        """Keep an event for later, except a paused document request, which is answered."""
        if "id" in message:
            return  # the reply to a command that was posted without waiting
        if message.get("method") != "Fetch.requestPaused":
            self._events.append(message)
            return
        session, request = message["sessionId"], {"requestId": message["params"]["requestId"]}
        if session in self._opening:
            self._opening.discard(session)
            self.post("Fetch.continueRequest", request, session)
        else:  # "204 No Content" to a navigation leaves the page where it is
            self.post("Fetch.fulfillRequest", {**request, "responseCode": 204}, session)

    def _evaluate(self, expression: str, session: str):
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"script failed: {details.get('exception', {}).get('description', details.get('text'))}")
        return result["result"].get("value")

    # --- a visit --------------------------------------------------------------------
    def visit(self, path: Path, width: int, query: str = "") -> dict:
        """Load ``path`` (with ``query`` after its "?") at ``width`` px and measure it, once
        a search page has listed its results; the page's own redirects are not followed."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            for domain in ("Page", "Runtime", "Log"):
                self.send(f"{domain}.enable", session=session)
            self.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": HEIGHTS.get(width, 900), "deviceScaleFactor": 1, "mobile": False},
                session,
            )
            self._load(path, session, query)
            self._evaluate(SEARCHED if query.startswith("q=") else SETTLED, session)
            self._evaluate(self.axe, session)
            axe = self._evaluate(
                "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
                "({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))",
                session,
            )
            layout = self._evaluate(f"({self.measure})()", session)
            return {"axe": axe, **layout, "tableRoles": self._table_roles(session), "console": self._console(session)}
        finally:
            self.send("Target.closeTarget", {"targetId": target})

    def _table_roles(self, session: str) -> dict[str, int]:
        """How many nodes of each table role the accessibility tree, which screen readers
        read, holds: a table drawn as blocks must still be a table there."""
        self.send("Accessibility.enable", session=session)
        tree = self.send("Accessibility.getFullAXTree", session=session)["nodes"]
        roles = Counter(node["role"]["value"] for node in tree if not node.get("ignored") and "role" in node)
        return {role: roles[role] for role in TABLE_ROLES}

    def _console(self, session: str) -> list[str]:
        errors = []
        for event in self._events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                errors.append("uncaught: " + details.get("exception", {}).get("description", details.get("text", "")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                words = (str(a.get("value", a.get("description", ""))) for a in params["args"])
                errors.append("console.error: " + " ".join(words))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                errors.append(f"{entry['source']}: {entry['text']} {entry.get('url', '')}")
        self._events = [e for e in self._events if e.get("sessionId") != session]
        return errors

    def evaluate(self, page: Path, expression: str):
        """The value of the JavaScript ``expression`` once ``page`` has loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self.send("Page.enable", session=session)
            self._load(page, session)
            return self._evaluate(expression, session)
        finally:
            self.send("Target.closeTarget", {"targetId": target})
            self._events = [e for e in self._events if e.get("sessionId") != session]

    def search(self, page: Path, words: str, width: int = 1280) -> dict:
        """What Sphinx's search page ``page`` lists for ``words`` (see ``searches``)."""
        return self.searches(page, [words], width)[0]

    def searches(self, page: Path, queries: list[str], width: int = 1280) -> list[dict]:
        """What Sphinx's search page ``page`` lists for each of ``queries`` in turn, as a
        reader searching again from the results finds it: each typed key by key into the
        page's search box (replacing what it holds) and submitted with Enter (the form loads
        the page again with ``?q=``). For each, the query the page ran, its summary line,
        each result's link and title, and the console's errors."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            for domain in ("Page", "Runtime", "Log"):
                self.send(f"{domain}.enable", session=session)
            metrics = {"width": width, "height": HEIGHTS.get(width, 900), "deviceScaleFactor": 1, "mobile": False}
            self.send("Emulation.setDeviceMetricsOverride", metrics, session)
            self._load(page, session)
            return [self._search(words, session) for words in queries]
        finally:
            self.send("Target.closeTarget", {"targetId": target})

    def _search(self, words: str, session: str) -> dict:
        self._evaluate(f"{SEARCH_BOX}.select()", session)  # focused, its text selected: typing replaces it
        for char in words:
            self.send("Input.dispatchKeyEvent", {"type": "char", "text": char}, session)
        typed = self._evaluate(f"{SEARCH_BOX}.value", session)
        if typed != words:
            raise BrowserError(f"typed {words!r} into the search box, which holds {typed!r}")
        self._opening.add(session)  # the submitted form's page is let through
        enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": "\r", **enter}, session)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **enter}, session)
        self._loaded(session)
        found = self._evaluate(SEARCHED, session)
        query = self._evaluate("new URLSearchParams(location.search).get('q')", session)
        return {**found, "query": query, "console": self._console(session)}

    def screenshot(self, path: Path, width: int, out: Path, query: str = "") -> None:
        """A full-page PNG of ``path`` (with ``query`` after its "?") at ``width`` px."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self.send("Page.enable", session=session)
            height = HEIGHTS.get(width, 900)
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
            self.send("Emulation.setDeviceMetricsOverride", metrics, session)
            self._load(path, session, query)
            self._evaluate(SEARCHED if query.startswith("q=") else SETTLED, session)
            full = self._evaluate("document.documentElement.scrollHeight", session)
            self.send("Emulation.setDeviceMetricsOverride", {**metrics, "height": max(height, full)}, session)
            shot = self.send("Page.captureScreenshot", {"format": "png"}, session)
            out.write_bytes(base64.b64decode(shot["data"]))
        finally:
            self.send("Target.closeTarget", {"targetId": target})
            self._events = [e for e in self._events if e.get("sessionId") != session]

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except BrowserError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._write)
        os.close(self._read)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
