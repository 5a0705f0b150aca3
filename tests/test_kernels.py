"""Kernels forked from the zygote behave as kernels started from scratch, only sooner."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import signal
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path

import nbformat
import papermill
import pytest
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner
from traitlets.config import Config

from analysis.builder import kernels, pipeline

pytestmark = pytest.mark.skipif(not kernels.supported(), reason="forked kernels need Linux")

# What a notebook can see of the process it runs in.
PROBE = """\
import gc, json, os, signal, sys, time
import matplotlib
print(json.dumps({
    "as_a_new_python": {
        "path": sys.path,
        "argv0": sys.argv[0],
        "sigterm": str(signal.getsignal(signal.SIGTERM)),
        "blocked": sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])),
        "matplotlib_backend": matplotlib.get_backend(),
    },
    "pandas_already_imported": "pandas" in sys.modules,
    "objects_frozen": gc.get_freeze_count(),
    "cwd": os.getcwd(),
    "marker": os.environ.get("KERNEL_TEST_MARKER"),
    "tz": time.strftime("%Z"),
    "parent": os.getppid(),
    "leads_its_session": os.getsid(0) == os.getpid(),
    "user_names": sorted(n for n in globals() if not n.startswith("_")),
}))
"""


def run_probe(tmp_path, monkeypatch, zygote=None) -> tuple[dict, dict]:
    """Execute PROBE as a pipeline worker does; what it printed, and the output notebook's metadata."""
    monkeypatch.delenv("JUPYTER_PATH", raising=False)  # restored after the test
    kernels.use_forked_kernels(zygote.jupyter_path if zygote else None)
    monkeypatch.setenv("KERNEL_TEST_MARKER", "from the worker")
    monkeypatch.setenv("TZ", "Asia/Seoul")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "probe.ipynb")
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    papermill.execute_notebook(
        str(tmp_path / "probe.ipynb"),
        str(tmp_path / "out.ipynb"),
        cwd=str(workdir),
        kernel_name="python3",
        progress_bar=False,
        shutdown_kernel="immediate",
        config=Config(KernelManager=kernels.over_unix_sockets(str(tmp_path), "kernel")),
    )
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    return json.loads(out.cells[0].outputs[0]["text"]), out.metadata


@contextmanager
def started_kernel(cwd, on_unix_sockets: bool = True):
    """A kernel started by jupyter_client directly, for a look at how it was started: on
    Unix sockets in ``cwd``, as the build asks for, or (``False``) with nothing asked for."""
    settings = kernels.over_unix_sockets(str(cwd), "kernel") if on_unix_sockets else {}
    manager = KernelManager(kernel_name="python3", **settings)
    manager.start_kernel(cwd=str(cwd))
    try:
        yield manager
    finally:
        manager.shutdown_kernel(now=True)


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("PPid:"))


@contextmanager
def zygote_as_the_build_forks_it():
    # as the build's command line has it when it forks the zygote: a SIGTERM handler, and
    # nothing frozen out of the cycle collector (this test process has its heap frozen)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    gc.unfreeze()
    try:
        zygote = kernels.Zygote(["pandas", "matplotlib.pyplot"])
    finally:
        signal.signal(signal.SIGTERM, previous)
        gc.freeze()
    with zygote:
        yield zygote


@pytest.fixture(scope="module")
def zygote():
    with zygote_as_the_build_forks_it() as zygote:
        yield zygote


def test_a_forked_kernel_is_a_fresh_kernel_with_the_imports_done(tmp_path, monkeypatch, zygote):
    seen, _ = run_probe(tmp_path, monkeypatch, zygote)
    assert seen["pandas_already_imported"], "the zygote's imports are inherited"
    # and kept out of the cycle collector's walks (gc.freeze), as they live as long as the kernel
    assert seen["objects_frozen"] > 10_000
    assert seen["parent"] == zygote.pid
    # what jupyter_client prepared: working folder, environment, a session of its own
    assert seen["cwd"] == str(tmp_path / "work")
    assert seen["marker"] == "from the worker" and seen["tz"] == "KST"
    assert seen["leads_its_session"]
    # a clean namespace: nothing of the zygote's leaks into the notebook
    assert not {"pandas", "kernels", "importlib"} & set(seen["user_names"])


def test_without_the_zygotes_kernelspec_kernels_start_the_usual_way(tmp_path, monkeypatch, zygote):
    seen, _ = run_probe(tmp_path, monkeypatch)
    assert not seen["pandas_already_imported"] and seen["objects_frozen"] == 0
    assert seen["parent"] == os.getpid() and seen["cwd"] == str(tmp_path / "work")
    with started_kernel(tmp_path) as manager:
        assert type(manager.provisioner) is LocalProvisioner


def test_the_zygotes_kernelspec_selects_the_forking_provisioner(tmp_path, monkeypatch, zygote):
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    kernels.use_forked_kernels(zygote.jupyter_path)
    with started_kernel(tmp_path) as manager:
        assert isinstance(manager.provisioner, kernels.ForkingProvisioner)
        assert isinstance(manager.provisioner.process, kernels.ForkedKernel)
        assert parent_of(manager.provisioner.pid) == zygote.pid


@pytest.mark.parametrize("backend", [None, "Agg"], ids=["no-MPLBACKEND", "MPLBACKEND=Agg"])
def test_a_notebook_cannot_tell_a_forked_kernel_from_a_usual_one(tmp_path, monkeypatch, backend):
    for way in ("forked", "usual"):
        (tmp_path / way).mkdir()
    # matplotlib reads MPLBACKEND when the zygote imports it: a zygote of this environment
    if backend is None:
        monkeypatch.delenv("MPLBACKEND", raising=False)
    else:
        monkeypatch.setenv("MPLBACKEND", backend)
    # a test process that imported matplotlib already (analysis.charts selects Agg) hands
    # the forked zygote that backend, which no build's command line does: compare under it
    if "matplotlib" in sys.modules:
        monkeypatch.setenv("MPLBACKEND", sys.modules["matplotlib"].get_backend())
    with zygote_as_the_build_forks_it() as zygote:
        forked, forked_metadata = run_probe(tmp_path / "forked", monkeypatch, zygote)
    usual, usual_metadata = run_probe(tmp_path / "usual", monkeypatch)
    # not the build's signal handlers, sys.path or matplotlib backend
    assert forked["as_a_new_python"] == usual["as_a_new_python"]
    # and the output notebook records the same kernel
    assert forked_metadata.kernelspec == usual_metadata.kernelspec
    assert forked_metadata.kernelspec == {"name": "python3", "display_name": "Python 3", "language": "python"}
    assert forked_metadata.language_info == usual_metadata.language_info


def test_the_provisioner_is_registered():
    assert any(entry.name == kernels.PROVISIONER for entry in entry_points(group=kernels.PROVISIONER_GROUP))
    entries = KernelProvisionerFactory.instance().get_provisioner_entries()
    assert entries[kernels.PROVISIONER] == "analysis.builder.kernels:ForkingProvisioner"


@pytest.mark.parametrize("config", [{}, {"zygote": "/nonexistent/zygote", "zygote_pid": 1}], ids=["none", "gone"])
def test_without_a_zygote_the_provisioner_starts_kernels_the_usual_way(tmp_path, monkeypatch, config):
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    provisioner = {"provisioner_name": kernels.PROVISIONER, "config": config}
    kernelspec = {"argv": argv, "display_name": "Python 3", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps({**kernelspec, "metadata": {"kernel_provisioner": provisioner}}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    with started_kernel(tmp_path) as manager:
        assert isinstance(manager.provisioner, kernels.ForkingProvisioner)
        assert isinstance(manager.provisioner.process, subprocess.Popen)
        assert parent_of(manager.provisioner.pid) == os.getpid()
        client = manager.client()
        client.wait_for_ready(timeout=10)  # a working kernel
        client.stop_channels()


def test_use_forked_kernels_puts_the_zygotes_folder_first(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(["/a", "/zygote"]))
    kernels.use_forked_kernels(None)
    assert os.environ["JUPYTER_PATH"] == os.pathsep.join(["/a", "/zygote"])
    kernels.use_forked_kernels("/zygote")
    assert os.environ["JUPYTER_PATH"] == os.pathsep.join(["/zygote", "/a"])


def test_the_zygote_exits_when_the_build_closes_it():
    with kernels.Zygote(["pandas"]) as zygote:
        assert os.path.exists(os.path.join(zygote.jupyter_path, "kernels", "python3", "kernel.json"))
    # stopped and reaped at once, even in the middle of its imports
    with pytest.raises(ChildProcessError):
        os.waitpid(zygote.pid, os.WNOHANG)
    assert not os.path.exists(zygote.address) and not os.path.exists(zygote.jupyter_path)


# How the kernel running a notebook listens, as ipykernel read it from its connection file
LISTENING = """\
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
print(app.transport, app.ip)
"""


def _execute_in_a_worker(jupyter_path, template, stage, logs) -> None:
    kernels.use_forked_kernels(jupyter_path)
    pipeline.execute_one(template, stage, {}, logs)


@pytest.mark.parametrize("way", ["forked", "usual"])
def test_the_builds_kernels_listen_on_unix_sockets_of_their_own(tmp_path, zygote, way):
    """Not on TCP ports, which another process can take before the kernel binds them."""
    template, stage = tmp_path / "listening.ipynb", tmp_path / "stage"
    stage.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LISTENING)]), template)
    jupyter_path = zygote.jupyter_path if way == "forked" else None
    # in a worker of its own, as the build runs it: execute_one sends the worker's stderr to a log
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as worker:
        worker.submit(_execute_in_a_worker, jupyter_path, template, stage, tmp_path / "logs").result()
    transport, ip = nbformat.read(stage / template.name, as_version=4).cells[0].outputs[0]["text"].split()
    assert transport == "ipc"
    folder = Path(ip).parent
    assert folder.name.startswith("kernel-") and Path(ip).name == "kernel"
    assert not folder.exists(), "the sockets' folder is removed with the kernel"


def test_a_kernel_from_the_zygotes_kernelspec_listens_on_unix_sockets(tmp_path, monkeypatch, zygote):
    """Whoever starts it, even a client that asks for nothing (nbval, in the tests)."""
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    kernels.use_forked_kernels(zygote.jupyter_path)
    with started_kernel(tmp_path, on_unix_sockets=False) as manager:
        assert manager.transport == "ipc"
        assert Path(manager.ip).parent == Path(zygote.address).parent
        client = manager.client()
        client.wait_for_ready(timeout=10)
        client.stop_channels()
        sockets = [Path(f"{manager.ip}-{port}") for port in manager.ports]
        assert len(sockets) == 5 and all(socket.is_socket() for socket in sockets)
    assert not any(socket.exists() for socket in sockets), "removed when the kernel is shut down"


def test_the_zygotes_imports_print_nothing_on_the_builds_terminal(tmp_path, monkeypatch, capfd):
    """What a kernel would have printed on its own log as it imports (debugpy's warning about
    frozen modules, say) must not reach the build's output from the zygote."""
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    with kernels.Zygote(pipeline.KERNEL_PRELOAD) as zygote:
        kernels.use_forked_kernels(zygote.jupyter_path)
        with started_kernel(tmp_path) as manager:  # served once the imports are done
            client = manager.client()
            client.wait_for_ready(timeout=30)
            client.stop_channels()
    assert capfd.readouterr().err == ""


def test_a_folder_too_deep_for_a_unix_socket_leaves_the_kernel_on_ports(tmp_path):
    assert kernels.over_unix_sockets(str(tmp_path), "kernel") == {"transport": "ipc", "ip": str(tmp_path / "kernel")}
    deep = tmp_path.joinpath(*["folder"] * 20)
    assert len(str(deep)) > kernels.SOCKET_PATH_MAX
    assert kernels.over_unix_sockets(str(deep), "kernel") == {}  # jupyter_client's ports, not a bind that fails
