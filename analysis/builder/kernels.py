"""Notebook kernels forked from a warm process instead of started from scratch.

A Jupyter kernel normally starts a new Python that imports IPython, ipykernel, pandas
and matplotlib before the first cell runs: about a second of CPU per notebook, most of a
short notebook's run. Here the build forks, before its workers start, a *zygote*: a
process that imports those modules once (while the build validates the data) and then
forks once per kernel that a worker asks for. The fork runs ipykernel exactly as
``python -m ipykernel_launcher`` would, in its own session, with the connection file,
working folder, environment and standard streams that jupyter_client and the worker
prepared. Only the imports are shared; each notebook still gets a fresh process and
namespace.

jupyter_client reaches the zygote through its documented extension point, a kernel
provisioner (``ForkingProvisioner``, registered as the ``forked-kernel-provisioner``
entry point). Which provisioner starts a kernel is chosen by the kernelspec, so the
zygote writes a ``python3`` kernelspec naming it, with the zygote's address as the
provisioner's configuration, into a folder of its own (``Zygote.jupyter_path``). A worker
that puts that folder first on ``JUPYTER_PATH`` (``use_forked_kernels``) gets forked
kernels for kernel name ``python3``; without it, kernels start the usual way, and
papermill is called the same either way.

Linux only (process file descriptors, descriptor passing); elsewhere kernels start the
usual way.

Whichever way a kernel starts, it listens on Unix sockets of its own, not on TCP ports
(``over_unix_sockets``).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import json
import os
import pathlib
import pickle
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from importlib.metadata import entry_points
from typing import Any

import zmq
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Integer, Unicode

from analysis.builder import lifeline

PROVISIONER = "forked-kernel-provisioner"
PROVISIONER_GROUP = "jupyter_client.kernel_provisioners"
KERNEL_NAME = "python3"
LAUNCHER = ["-m", "ipykernel_launcher"]
# one request: pickled (argv, cwd, env), with the kernel's stdout and stderr attached
MAX_REQUEST = 1 << 20
# the longest path ZeroMQ takes for a Unix socket (0: none), less jupyter_client's "-N" and room
SOCKET_PATH_MAX = getattr(zmq, "IPC_PATH_MAX_LEN", 0) - 3
# seconds to wait for a killed kernel to exit, as jupyter_client waits for it at most
KILL_WAIT = 5.0


def over_unix_sockets(folder: str, name: str) -> dict[str, str]:
    """Kernel manager settings under which a kernel listens on the Unix sockets
    ``folder/name-1`` to ``-5``.

    Over TCP, jupyter_client finds five free ports, closes them, and the kernel binds them
    a moment later; another process can take one in between, and the kernel then dies
    "before replying to kernel_info" (jupyter/jupyter_client#154). Kernels started in
    parallel, beside other builds and browsers, hit it: here, about one start in 300.
    A socket file in a folder of the kernel's own cannot be taken.

    Where there are no Unix sockets for ZeroMQ, or the path would be too long for one (a
    deep temporary folder), the settings are empty: ports, as jupyter_client would."""
    ip = os.path.join(folder, name)
    if len(os.fsencode(ip)) > SOCKET_PATH_MAX:
        return {}
    return {"transport": "ipc", "ip": ip}


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


def use_forked_kernels(jupyter_path: str | None) -> None:
    """In a worker: start ``python3`` kernels from the zygote whose ``jupyter_path`` this is.

    ``None`` leaves the ordinary kernels."""
    if jupyter_path is None:
        return
    others = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != jupyter_path]
    os.environ["JUPYTER_PATH"] = os.pathsep.join([jupyter_path, *others])


class Zygote:
    """The forked process: ``address`` is its socket, ``pid`` its process id, and
    ``jupyter_path`` the folder holding the kernelspec that selects it (see ``use_forked_kernels``).
    It exits on ``close()``, at the end of a ``with`` block, or when this process ends."""

    def __init__(self, preload: list[str]) -> None:
        if not entry_points(group=PROVISIONER_GROUP, name=PROVISIONER):
            # without it jupyter_client rejects the kernelspec, and papermill reports "No such kernel"
            raise RuntimeError(
                f"the {PROVISIONER!r} kernel provisioner is not registered: reinstall the project (pip install -e .)"
            )
        self._folder = pathlib.Path(tempfile.mkdtemp(prefix="kernels-"))
        self.jupyter_path = str(self._folder)
        self.address = str(self._folder / "zygote")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(self.address)
        listener.listen()
        alive_r, alive_w = os.pipe()
        build = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(alive_w)
            code = 0
            try:
                lifeline.die_with_parent(build)  # even before its imports, which take a second
                _serve(listener, alive_r, preload)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        listener.close()
        os.close(alive_r)
        self.pid, self._alive = pid, alive_w
        try:
            _write_kernelspec(self._folder / "kernels" / KERNEL_NAME, self.address, pid)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the zygote and reap it (a kernel it forked dies with it: the build has shut
        every kernel down before, unless it is being killed).

        It is stopped, not asked, because a build that stops early (bad data) would
        otherwise wait for, or leave running, imports no kernel will use."""
        if self._alive is not None:
            os.close(self._alive)
            self._alive = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _write_kernelspec(folder: pathlib.Path, address: str, pid: int) -> None:
    spec = {
        "argv": [sys.executable, *LAUNCHER, "-f", "{connection_file}"],
        "display_name": "Python 3",
        "language": "python",
        "metadata": {
            "kernel_provisioner": {
                "provisioner_name": PROVISIONER,
                "config": {"zygote": address, "zygote_pid": pid},
            }
        },
    }
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))


class ForkingProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, except that ipykernel kernels are forked by a zygote.

    Configured by the kernelspec ``Zygote`` writes; with no zygote configured, or for any
    other command, kernels start as ``LocalProvisioner`` starts them."""

    zygote = Unicode("", config=True, help="The zygote's socket; empty: start kernels the usual way.")
    zygote_pid = Integer(0, config=True, help="The zygote's process id: the forked kernel's parent.")

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km, folder = self.parent, os.path.dirname(self.zygote)
        if km is not None and km.transport == "tcp" and self.zygote and os.path.isdir(folder):
            # a client that left the transport as it was (nbval, in the tests) gets what
            # the build asks for: sockets of the kernel's own, in the zygote's folder
            settings = over_unix_sockets(folder, self.kernel_id[:8])
            if settings:
                km.transport, km.ip = settings["transport"], settings["ip"]
                km.cache_ports = False  # jupyter_client's port cache is for TCP ports
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        streams = _inheritable(kwargs.get("stdout"), 1), _inheritable(kwargs.get("stderr"), 2)
        # an independent kernel must outlive its parent, and the zygote's kernels end with it
        if not self.zygote or cmd[1:3] != LAUNCHER or kwargs.get("independent") or None in streams:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        if self.zygote_pid:
            env["JPY_PARENT_PID"] = str(self.zygote_pid)  # as launch_kernel sets it: the kernel's parent
        cwd = kwargs.get("cwd")
        try:
            # blocking, as LocalProvisioner's Popen is: a fork takes milliseconds (the first
            # kernels may wait for the zygote to finish its imports, which they need anyway)
            pid, pidfd = _fork_kernel(self.zygote, cmd, str(cwd or os.getcwd()), env, streams)
        except OSError as exc:
            self.log.warning("Kernel zygote %s unavailable (%s): starting the kernel the usual way", self.zygote, exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid, pidfd)
        self.pid = self.pgid = pid  # the kernel leads its own session
        self.cwd = cwd or pathlib.Path.cwd()
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        await super().kill(restart=restart)
        if isinstance(self.process, ForkedKernel):
            # jupyter_client then polls for the exit every 0.1 s; the process descriptor
            # says at once when the killed kernel has gone (milliseconds: not worth a thread)
            self.process.wait(KILL_WAIT)


def _inheritable(stream: Any, default: int) -> int | None:
    """The descriptor a ``Popen`` child would get for ``stream``; None if it would get a new pipe."""
    if stream is None:
        return default
    if hasattr(stream, "fileno"):
        return stream.fileno()
    return stream if isinstance(stream, int) and stream >= 0 else None


def _fork_kernel(address: str, argv: list[str], cwd: str, env: dict[str, str], streams: tuple) -> tuple[int, int]:
    """Ask the zygote at ``address`` for a kernel; its process id and a process descriptor for it."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as zygote:
        zygote.connect(address)
        socket.send_fds(zygote, [pickle.dumps((argv, cwd, env))], list(streams))
        reply, fds, _, _ = socket.recv_fds(zygote, 64, 1)
    if not reply or len(fds) != 1:
        for fd in fds:
            os.close(fd)
        raise ConnectionError("the kernel zygote has exited")
    return int(reply), fds[0]


class ForkedKernel:
    """What jupyter_client's local provisioner needs of a ``Popen``, for a forked kernel.

    The kernel is the zygote's child, not ours, so its exit is watched through a process
    descriptor; its exit status is not known here (reported as 0)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd = pidfd

    def poll(self) -> int | None:
        return self.wait(0)

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None:
            exited = select.poll()
            exited.register(self._pidfd, select.POLLIN)
            if exited.poll(None if timeout is None else timeout * 1000):
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


def _serve(listener: socket.socket, alive: int, preload: list[str]) -> None:
    """The zygote: one forked kernel per request, until the build closes ``alive``."""
    os.setsid()  # a Ctrl-C in the terminal is for the build, which stops the zygote
    _as_a_new_interpreter()
    fresh_path = _fresh_sys_path()
    if not os.environ.get("MPLBACKEND"):
        # what ipykernel sets before a notebook can import matplotlib, which reads it on import
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # debugpy (which ipykernel.debugger imports) warns on import that frozen modules may hide
    # breakpoints; here that would print on the build's terminal. This is the switch it names,
    # as ipykernel's own kernelspec sets it; each kernel still gets its client's environment.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for module in preload:
        importlib.import_module(module)
    # What was preloaded lives as long as each kernel: out of the cycle collector's sight
    # (gc.freeze, as Python's documentation suggests before forking), a kernel's collections
    # stop walking it again and again.
    gc.freeze()
    events = selectors.DefaultSelector()
    events.register(listener, selectors.EVENT_READ)
    events.register(alive, selectors.EVENT_READ)
    while True:
        for key, _ in events.select():
            if key.fileobj is alive:
                return
            if key.fileobj is listener:
                events.register(listener.accept()[0], selectors.EVENT_READ)
            elif key.data is not None:  # a kernel's process descriptor: it has exited
                events.unregister(key.fileobj)
                os.close(key.fileobj)
                os.waitpid(key.data, 0)
            else:
                try:
                    _answer(key.fileobj, events, fresh_path)
                except OSError:
                    # that worker has gone, or the fork failed: it starts its kernel the usual way
                    traceback.print_exc()
                    events.unregister(key.fileobj)
                    key.fileobj.close()


def _as_a_new_interpreter() -> None:
    """Signal handling as a new Python has it, not as the build set it up (a SIGTERM
    handler, say, that would keep a kernel alive when jupyter_client terminates it)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for signum in signal.valid_signals():
        if signal.getsignal(signum) not in (None, signal.SIG_DFL):
            signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(signum, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_RDONLY)  # a kernel reads nothing from the terminal
    os.dup2(devnull, 0)
    os.close(devnull)


def _fresh_sys_path() -> list[str]:
    """``sys.path`` as ipykernel_launcher leaves it in a new Python: without the working folder
    that ``python -m`` put first. The build's own may differ (pytest, for one, changes it)."""
    code = "import json, sys; print(json.dumps(sys.path))"
    path = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout)
    return path[1:] if path[:1] == [""] else path


def _answer(worker: socket.socket, events: selectors.BaseSelector, fresh_path: list[str]) -> None:
    message, fds, _, _ = socket.recv_fds(worker, MAX_REQUEST, 2)
    if not message:
        events.unregister(worker)
        worker.close()
        return
    request = pickle.loads(message)
    zygote = os.getpid()
    try:
        pid = os.fork()
        if pid == 0:
            _run_kernel(request, fds, fresh_path, events, zygote)
    finally:
        for fd in fds:
            os.close(fd)
    # opened before the kernel can be reaped, so it cannot name another process
    pidfd = os.pidfd_open(pid)
    events.register(pidfd, selectors.EVENT_READ, pid)
    socket.send_fds(worker, [str(pid).encode()], [pidfd])


def _run_kernel(
    request: tuple, fds: list[int], fresh_path: list[str], zygote: selectors.BaseSelector, parent: int
) -> None:
    """In the forked child: become what ``python -m ipykernel_launcher -f …`` would be."""
    code = 0
    try:
        # at once, not a second later when ipykernel's poller of its parent would notice
        lifeline.die_with_parent(parent)
        argv, cwd, env = request
        # a Popen child keeps only its standard streams: nothing of the zygote's stays open
        for key in list(zygote.get_map().values()):
            if isinstance(key.fileobj, int):
                os.close(key.fileobj)
            else:
                key.fileobj.close()
        zygote.close()
        os.setsid()
        for fd, target in zip(fds, (1, 2), strict=True):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        sys.path[:] = fresh_path
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed()  # unlike `random`, numpy does not reseed in a fork
        from ipykernel import kernelapp

        arguments = argv[len(LAUNCHER) + 1 :]
        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *arguments]
        # ipykernel read JPY_PARENT_PID when the zygote imported it: name the parent here
        kernelapp.launch_new_instance(argv=[*arguments, f"--IPKernelApp.parent_handle={os.getppid()}"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
