"""The notebooks' parameters are checked before anything runs, with messages listing what is valid."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import read_rows, write_rows

from analysis.data import parameters
from analysis.data.parameters import ParameterError
from analysis.paths import ROOT, TEMPLATES_DIR

# Two claimant ids of the record, the longest first, and a typo of it (two letters swapped)
# whose nearest id is that one.
FIRST, SECOND = sorted((r["claimant_id"] for r in read_rows(ROOT / "data" / "claimants.csv")), key=len, reverse=True)[
    :2
]
_AT = next(i for i in range(1, len(FIRST) - 1) if FIRST[i] != FIRST[i + 1])
TYPO = FIRST[:_AT] + FIRST[_AT + 1] + FIRST[_AT] + FIRST[_AT + 2 :]


def test_as_of_accepts_iso_dates_and_empty():
    assert parameters.as_of("2025-01-31") == "2025-01-31"
    assert parameters.as_of(" 2025-01-31 ") == "2025-01-31"
    assert parameters.as_of("") is None
    assert parameters.as_of(None) is None


@pytest.mark.parametrize("value", ["31/01/2025", "2025-1-31", "January 2025", "2025-01-31T00:00"])
def test_as_of_rejects_other_formats_naming_the_format(value):
    with pytest.raises(ParameterError, match="YYYY-MM-DD") as err:
        parameters.as_of(value)
    assert repr(value) in str(err.value)


def test_as_of_rejects_impossible_dates():
    with pytest.raises(ParameterError, match="not a real date"):
        parameters.as_of("2025-02-30")


def test_claimants_known_ids_pass_in_order(data_copy):
    assert parameters.claimants(f"{FIRST}, {SECOND}", data_copy) == [FIRST, SECOND]
    assert parameters.claimants(f"{SECOND},{FIRST}", data_copy) == [SECOND, FIRST]
    assert parameters.claimants("", data_copy) == []
    assert parameters.claimants([FIRST], data_copy) == [FIRST]


def test_unknown_claimant_lists_every_valid_id_and_suggests_the_nearest(data_copy):
    known = parameters.claimant_ids(data_copy)
    with pytest.raises(ParameterError) as err:
        parameters.claimants(TYPO, data_copy)
    message = str(err.value)
    assert f"'{TYPO}' (did you mean '{FIRST}'?)" in message
    assert str((data_copy / "claimants.csv").resolve()) in message
    for cid, name in known.items():
        assert cid in message and name in message


def test_the_list_of_valid_claimants_follows_the_data(data_copy):
    path = data_copy / "claimants.csv"
    rows = read_rows(path)
    write_rows(path, [*rows, {**rows[0], "claimant_id": "new_one", "name": "A new claimant"}])
    assert parameters.claimants("new_one", data_copy) == ["new_one"]


def test_variant_folder_is_named_from_checked_parameters():
    assert parameters.variant_name(None, []) == "as-of-all"
    assert parameters.variant_name("2025-01-31", ["zelensky", "sk_nis"]) == "as-of-2025-01-31_claimants-zelensky+sk_nis"


def _build(*args):
    return subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--variant", "--html", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--as-of", "31/01/2025"], "as_of '31/01/2025' is not an ISO date"),
        (["--claimants", TYPO], f"did you mean '{FIRST}'?"),
    ],
)
def test_the_command_line_stops_before_anything_runs(args, expected, tmp_path):
    before = sorted((ROOT / "_build").glob("variants/*"))
    result = _build(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Parameter error" in result.stderr
    assert "Running" not in result.stdout and "Data OK" not in result.stdout
    assert sorted((ROOT / "_build").glob("variants/*")) == before


def test_a_notebook_run_by_hand_stops_in_its_first_cell(tmp_path):
    papermill = pytest.importorskip("papermill")
    (tmp_path / "book").mkdir()
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(TEMPLATES_DIR / "troops.ipynb"),
            str(tmp_path / "book" / "troops.ipynb"),
            parameters={"data_dir": str(ROOT / "data"), "claimants": TYPO},
            cwd=str(tmp_path / "book"),
            kernel_name="python3",
            progress_bar=False,
        )
    assert err.value.ename == "ParameterError"
    assert f"did you mean '{FIRST}'?" in err.value.evalue
