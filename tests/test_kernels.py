"""Kernels forked from the zygote behave as kernels started from scratch, only sooner."""

from __future__ import annotations

import json
import os
import time

import nbformat
import papermill
import pytest

from analysis import kernels

pytestmark = pytest.mark.skipif(not kernels.supported(), reason="forked kernels need Linux")

# What a notebook can see of the process it runs in.
PROBE = """\
import json, os, sys, time
print(json.dumps({
    "pandas_already_imported": "pandas" in sys.modules,
    "cwd": os.getcwd(),
    "marker": os.environ.get("KERNEL_TEST_MARKER"),
    "tz": time.strftime("%Z"),
    "parent": os.getppid(),
    "leads_its_session": os.getsid(0) == os.getpid(),
    "user_names": sorted(n for n in globals() if not n.startswith("_")),
}))
"""


def probe(tmp_path, monkeypatch, zygote=None) -> dict:
    monkeypatch.setattr(kernels, "_connection", None)  # restored after the test
    if zygote is not None:
        kernels.connect(zygote.address, zygote.pid)  # as a pipeline worker does
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
        kernel_manager_class=kernels.ForkingKernelManager,
    )
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    return json.loads(out.cells[0].outputs[0]["text"])


@pytest.fixture
def zygote():
    zygote = kernels.Zygote(["pandas"])
    yield zygote
    zygote.close()


def test_a_forked_kernel_is_a_fresh_kernel_with_the_imports_done(tmp_path, monkeypatch, zygote):
    seen = probe(tmp_path, monkeypatch, zygote)
    assert seen["pandas_already_imported"], "the zygote's imports are inherited"
    assert seen["parent"] == zygote.pid
    # what jupyter_client prepared: working folder, environment, a session of its own
    assert seen["cwd"] == str(tmp_path / "work")
    assert seen["marker"] == "from the worker" and seen["tz"] == "KST"
    assert seen["leads_its_session"]
    # a clean namespace: nothing of the zygote's leaks into the notebook
    assert not {"pandas", "kernels", "importlib"} & set(seen["user_names"])


def test_without_a_zygote_kernels_start_the_usual_way(tmp_path, monkeypatch):
    seen = probe(tmp_path, monkeypatch)
    assert not seen["pandas_already_imported"]
    assert seen["parent"] == os.getpid() and seen["cwd"] == str(tmp_path / "work")


def test_the_zygote_exits_when_the_build_closes_it(zygote):
    zygote.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pid, _ = os.waitpid(zygote.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.05)
    assert pid == zygote.pid, "the zygote should have exited"
    assert not os.path.exists(zygote.address)
