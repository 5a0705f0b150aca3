"""Notebook kernels forked from a warm process instead of started from scratch.

A Jupyter kernel normally starts a new Python that imports IPython, ipykernel, pandas
and matplotlib before the first cell runs: about a second of CPU per notebook, most of a
short notebook's run. Here the build forks, before its workers start, a *zygote*: a
process that imports those modules once (while the build validates the data) and then
forks once per kernel that a worker asks for. The fork runs ipykernel exactly as
``python -m ipykernel_launcher`` would, in its own session, with the connection file,
working folder, environment and standard streams that jupyter_client and the worker
prepared, so papermill and nbclient drive it as any other kernel. Only the imports are
shared; each notebook still gets a fresh process and namespace.

Linux only (process file descriptors); elsewhere kernels start the usual way.
"""

from __future__ import annotations

import importlib
import os
import pickle
import select
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

LAUNCHER = ["-m", "ipykernel_launcher"]
# one request: pickled (argv, cwd, env), with the worker's stdout and stderr attached
MAX_REQUEST = 1 << 20

# this worker's connection to the zygote, and the zygote's process id
_connection: tuple[socket.socket, int] | None = None


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


class Zygote:
    """The forked process; ``address`` is where workers connect (see ``connect``)."""

    def __init__(self, preload: list[str]) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="kernels-"))
        self.address = str(self._folder / "zygote")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(self.address)
        listener.listen()
        alive_r, alive_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(alive_w)
            code = 0
            try:
                _serve(listener, alive_r, preload)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        listener.close()
        os.close(alive_r)
        self.pid, self._alive = pid, alive_w

    def close(self) -> None:
        """The zygote exits when this end of its pipe closes (or this process ends)."""
        if self._alive is not None:
            os.close(self._alive)
            self._alive = None
            shutil.rmtree(self._folder, ignore_errors=True)


def connect(address: str, zygote_pid: int) -> None:
    """In a worker: send this process's kernels to the zygote at ``address``."""
    global _connection
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.connect(address)
    _connection = (sock, zygote_pid)


def _spawn(argv: list[str], cwd: str, env: dict[str, str]) -> int:
    sock, _ = _connection
    socket.send_fds(sock, [pickle.dumps((argv, cwd, env))], [sys.stdout.fileno(), sys.stderr.fileno()])
    reply = sock.recv(64)
    if not reply:
        raise RuntimeError("the kernel zygote has exited")
    return int(reply)


def _serve(listener: socket.socket, alive: int, preload: list[str]) -> None:
    """The zygote: one forked kernel per request, until the build closes ``alive``."""
    os.setsid()  # a Ctrl-C in the terminal is for the build, which stops the zygote
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
    for module in preload:
        importlib.import_module(module)
    events = selectors.DefaultSelector()
    events.register(listener, selectors.EVENT_READ)
    events.register(alive, selectors.EVENT_READ)
    while True:
        for key, _ in events.select():
            if key.fileobj is alive:
                return
            if key.fileobj is listener:
                events.register(listener.accept()[0], selectors.EVENT_READ)
                continue
            worker = key.fileobj
            message, fds, _, _ = socket.recv_fds(worker, MAX_REQUEST, 2)
            if not message:
                events.unregister(worker)
                worker.close()
                continue
            argv, cwd, env = pickle.loads(message)
            pid = os.fork()
            if pid == 0:
                _run_kernel(argv, cwd, env, fds)
            for fd in fds:
                os.close(fd)
            worker.send(str(pid).encode())


def _run_kernel(argv: list[str], cwd: str, env: dict[str, str], fds: list[int]) -> None:
    """In the forked child: become what ``python -m ipykernel_launcher -f …`` would be."""
    code = 0
    try:
        os.setsid()
        for fd, target in zip(fds, (1, 2), strict=True):
            os.dup2(fd, target)
            os.close(fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        from ipykernel import kernelapp

        # ipykernel read JPY_PARENT_PID when the zygote imported it: name the parent here
        parent = f"--IPKernelApp.parent_handle={os.getppid()}"
        sys.argv = [kernelapp.__file__, *argv[len(LAUNCHER) + 1 :], parent]
        kernelapp.launch_new_instance(argv=sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class ForkedKernel:
    """What jupyter_client's local provisioner needs of a ``Popen``, for a forked kernel.

    The kernel is the zygote's child, not ours, so its exit is watched through a process
    file descriptor; its exit status is not known here (reported as 0)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        return self.wait(0)

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], timeout)[0]:
            self.returncode = 0
            os.close(self._pidfd)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkingKernelManager(AsyncKernelManager):
    """Starts ipykernel kernels from this process's zygote; anything else as usual."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        # jupyter_client's documented override point for launching kernels differently
        if _connection is None or kernel_cmd[1:3] != LAUNCHER:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        env = dict(kw.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(_connection[1])  # as jupyter_client sets it: the kernel's parent
        pid = _spawn(kernel_cmd, str(kw.get("cwd") or os.getcwd()), env)
        provisioner = self.provisioner
        provisioner.process = ForkedKernel(pid)
        provisioner.pid = provisioner.pgid = pid  # the kernel leads its own session
        provisioner.cwd = kw.get("cwd")
        self._reconcile_connection_info(provisioner.connection_info)
