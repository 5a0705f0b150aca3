"""The build's helpers die with it, however it ends.

A build killed outright (``kill -9``, a CI timeout, the OOM killer) runs no cleanup of its
own, so every process it started must notice by itself that the build is gone. Linux
offers two documented means, and each helper uses the one that fits how it was started:

* **The parent-death signal.** A process the build forks (the kernels' zygote), and a
  process such a fork forks (a forked kernel), asks the kernel to send it SIGKILL when its
  parent exits (``prctl(PR_SET_PDEATHSIG)``, ``die_with_parent``), then checks that its
  parent is still the one that forked it, since the parent may have exited first.
* **A pipe from the build.** Only the build holds the write end of one pipe
  (``lifeline``); its read end reaches end-of-file when the build exits. The notebook
  workers, which multiprocessing's forkserver forks (their parent is the forkserver, not
  the build), exit on it (``exit_with_build``). A command the build runs (``run``: make,
  latexmk and XeLaTeX; Jupyter Book in the plain mode) runs under a guard, this file run
  as a script: a subreaper that kills the command's whole tree when the pipe ends or when
  the build asks it to stop.

What follows by itself: multiprocessing's forkserver exits when its last client (the
build, the workers) has gone, and its resource tracker when the last holder of its pipe
has; a kernel started by jupyter_client's own provisioner (the plain mode) polls its
parent, the worker, and exits within a second of it (ipykernel's ``ParentPollerUnix``).
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import subprocess
import sys
import threading

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

_pipe: tuple | None = None  # (read end, write end) as multiprocessing Connections


def supported() -> bool:
    return sys.platform.startswith("linux")


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


def die_with_parent(parent: int) -> None:
    """In a process just forked by ``parent``: be killed when ``parent`` exits.

    The signal is tied to the thread that forked this process: fork only from a thread that
    lives as long as its process (the main thread)."""
    if not supported():
        return
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it exited before the request: nothing would signal us
        os._exit(1)


def lifeline():
    """The read end of the pipe whose write end this process alone holds, as a connection a
    multiprocessing child can be given (in its ``initargs``, for ``exit_with_build``)."""
    global _pipe
    if _pipe is None:
        import multiprocessing

        _pipe = multiprocessing.Pipe(duplex=False)  # non-inheritable descriptors
    return _pipe[0]


def exit_with_build(connection) -> None:
    """In a multiprocessing child: exit at once when the build that gave it ``connection`` exits."""

    def watch() -> None:
        connection.poll(None)  # nothing is ever sent: it returns at end-of-file
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-build", daemon=True).start()


def run(command: list[str], **popen_args) -> int:
    """Run ``command`` (``subprocess.Popen``'s arguments) and return its exit status; the
    command and everything it starts are killed if this process exits or is interrupted first."""
    if not supported():
        return subprocess.run(command, **popen_args).returncode
    end = lifeline().fileno()
    # isolated (-I): the guard's folder, which holds modules named like the standard
    # library's (site.py), must not come first on its sys.path
    guard = subprocess.Popen([sys.executable, "-I", __file__, str(end), *command], pass_fds=(end,), **popen_args)
    try:
        return guard.wait()
    except BaseException:
        guard.terminate()  # the guard kills the command's tree, then exits
        guard.wait()
        raise


def _guard(end: int, command: list[str]) -> int:
    """Run ``command``; kill its whole tree when the build's pipe ``end`` ends or on SIGTERM.

    As a subreaper, this process inherits every orphan of the tree, so a tree is killed
    by killing this process's children until it has none (``_kill_children``)."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    stop_r, stop_w = os.pipe()
    os.set_blocking(stop_w, False)
    signal.set_wakeup_fd(stop_w)
    signal.signal(signal.SIGTERM, lambda *_: None)  # noted on stop_w
    leader = subprocess.Popen(command)  # with this process's SIGINT disposition, as a shell's
    # a Ctrl-C reaches the command through the terminal, as it did before this guard
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exited = os.pidfd_open(leader.pid)
    ready, _, _ = select.select([end, stop_r, exited], [], [])
    if exited in ready:
        code = leader.wait()
        _kill_children()  # whatever it left behind
        return code if code >= 0 else 128 - code  # killed by a signal: as a shell reports it
    _kill_children()
    return 128 + signal.SIGKILL


def _kill_children() -> None:
    while children := _children(os.getpid()):
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)  # their own children are then this subreaper's
            except ChildProcessError:
                pass


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            # the command name (in parentheses) may hold spaces: the fields follow the last ')'
            if int(stat.rsplit(b")", 1)[1].split()[1]) == parent:
                found.append(int(entry))
    return found


if __name__ == "__main__":
    sys.exit(_guard(int(sys.argv[1]), sys.argv[2:]))
