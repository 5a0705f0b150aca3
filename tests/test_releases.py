"""Releases over generated records: the release command's snapshots and changelog, what it
refuses, and the changes and history computed from the snapshots."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import records
from helpers import read_rows, register_entries, snapshot, visible_text, write_rows

from analysis import load
from analysis.builder import latex, site
from analysis.builder.release import ReleaseError, cut
from analysis.chapters import receipt, register, revisions
from analysis.data import releases as rel
from analysis.data.problems import DataError
from analysis.paths import ROOT
from analysis.text.prose import counted, long_day

FIRST = ("1.0.0", "2025-05-04", "The first release.")


def released(tmp_path, articles=None):
    """A generated record, released once as 1.0.0."""
    data, archive = records.write(tmp_path / "record", articles or records.scenario("many"))
    cut(*FIRST, data_dir=data, archive_dir=archive)
    return data, archive


def edit(data, file, claim_or_event_id, **values):
    rows = read_rows(data / file)
    key = "claim_id" if file == "claims.csv" else "event_id"
    for row in rows:
        if row[key] == claim_or_event_id:
            row.update(values)
    write_rows(data / file, rows)


def test_the_first_release_is_a_snapshot_of_every_table_and_the_package_version(tmp_path):
    data, archive = records.write(tmp_path / "record", records.scenario("many"))
    cut("1.0.0", "2025-05-04", "The first release.", data_dir=data, archive_dir=archive)
    folder = data / "releases" / "1.0.0"
    tables = rel.record_resources(rel.descriptor(data))
    assert sorted(p.name for p in folder.iterdir()) == sorted(r["path"] for r in tables)
    for r in tables:
        assert (folder / r["path"]).read_bytes() == (data / r["path"]).read_bytes()
    assert read_rows(data / "releases.csv") == [{"version": "1.0.0", "date": "2025-05-04", "description": FIRST[2]}]
    assert read_rows(data / "release_changes.csv") == []
    assert rel.descriptor(data)["version"] == "1.0.0"
    assert rel.label(data) == "1.0.0 of 4 May 2025"
    ds = load(data, archive, cache=False)
    history = rel.history(data)
    for claim_id in ds.claims["claim_id"]:
        assert history[("claims", claim_id)] == [("1.0.0", "added")]


def test_a_correction_is_a_patch_with_its_before_and_after_values(tmp_path):
    data, archive = released(tmp_path)
    edit(data, "claims.csv", "C002", notes="Reread.", status="corrected", status_note="corrected 2025-05-10: a note")
    assert rel.label(data) == "1.0.0 of 4 May 2025 (with changes not yet released)"
    with pytest.raises(ReleaseError, match=r"patch release: 1\.0\.1, not 1\.1\.0"):
        cut("1.1.0", "2025-05-10", "A correction.", data_dir=data, archive_dir=archive)
    made = cut("1.0.1", "2025-05-10", "A correction.", data_dir=data, archive_dir=archive)
    assert [(c.table, c.id, c.change) for c in made.changes] == [("claims", "C002", "corrected")]
    assert read_rows(data / "release_changes.csv") == [
        {"version": "1.0.1", "table": "claims", "id": "C002", "change": "corrected", "note": ""}
    ]
    load(data, archive, cache=False)
    second = rel.releases(data)[1]
    assert second.version == "1.0.1"
    assert ("notes", "", "Reread.") in second.changes[0].fields
    assert ("status", "current", "corrected") in second.changes[0].fields
    assert rel.history(data)[("claims", "C002")] == [("1.0.0", "added"), ("1.0.1", "corrected")]
    assert rel.label(data) == "1.0.1 of 10 May 2025"


def test_a_change_the_record_does_not_describe_is_refused_and_nothing_is_written(tmp_path):
    data, archive = released(tmp_path)
    edit(data, "claims.csv", "C002", notes="Reread.")
    edit(data, "events.csv", "E001", description="Reworded.")
    before = snapshot(data)
    with pytest.raises(ReleaseError) as err:
        cut("1.0.1", "2025-05-10", "Corrections.", {"C001": "why"}, data_dir=data, archive_dir=archive)
    message = str(err.value)
    assert "claim C002 changed (notes: '' -> 'Reread.') but its status is 'current'" in message
    assert "events E001 was corrected" in message and "--note E001=" in message
    assert "--note names C001, which did not change" in message
    assert snapshot(data) == before


def test_nothing_changed_a_repeated_version_and_an_earlier_date_are_refused(tmp_path):
    data, archive = released(tmp_path)
    with pytest.raises(ReleaseError, match="nothing changed since 1.0.0"):
        cut("1.0.1", "2025-05-10", "Nothing.", data_dir=data, archive_dir=archive)
    edit(data, "events.csv", "E001", description="Reworded.")
    with pytest.raises(ReleaseError) as err:
        cut("1.0.0", "2025-05-01", "Again.", {"E001": "reworded"}, data_dir=data, archive_dir=archive)
    assert "1.0.0 is already released" in str(err.value)
    assert "2025-05-01 is before the last release's date, 2025-05-04" in str(err.value)
    made = cut("1.0.1", "2025-05-10", "Reworded.", {"E001": "reworded"}, data_dir=data, archive_dir=archive)
    assert [(c.id, c.change) for c in made.changes] == [("E001", "corrected")]
    assert read_rows(data / "release_changes.csv")[0]["note"] == "reworded"
    assert rel.releases(data)[1].notes == {("events", "E001"): "reworded"}


def test_new_articles_make_a_minor_release(tmp_path):
    articles = records.scenario("many")
    data, archive = released(tmp_path, articles[:2])
    bigger, bigger_archive = records.write(tmp_path / "bigger", articles)
    for name in ("releases", "releases.csv", "release_changes.csv", "datapackage.json"):
        target = bigger / name
        shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
        (shutil.copytree if (data / name).is_dir() else shutil.copy)(data / name, target)
    with pytest.raises(ReleaseError, match=r"minor release: 1\.1\.0"):
        cut("1.0.1", "2025-05-12", "A third article.", data_dir=bigger, archive_dir=bigger_archive)
    made = cut("1.1.0", "2025-05-12", "A third article.", data_dir=bigger, archive_dir=bigger_archive)
    added = {(c.table, c.id) for c in made.changes if c.change == "added"}
    ds = load(bigger, bigger_archive, cache=False)
    new_claims = set(ds.claims[ds.claims["source_id"] == "article002"]["claim_id"])
    assert ("sources", "article002") in added
    assert {i for t, i in added if t == "claims"} == new_claims
    assert all(c.change == "added" for c in made.changes)
    page = revisions.revisions(ds)
    added = page[page.index(r"**Release 1\.1\.0**") : page.index(r"**Release 1\.0\.0**")]
    claims = ", ".join(f"[{i}](#{i.lower()})" for i in sorted(new_claims))
    assert f"Added: one article {{cite:p}}`article002`; {counted(len(new_claims), 'claim')} ({claims})" in added
    assert "Corrected" not in added and "Retired" not in added


def test_a_retired_claim_is_retired_in_the_release_and_a_deleted_one_is_refused(tmp_path):
    data, archive = released(tmp_path)
    edit(data, "claims.csv", "C003", status="retired", status_note="retired 2025-05-10: not a claim")
    made = cut("1.0.1", "2025-05-10", "A retirement.", data_dir=data, archive_dir=archive)
    assert [(c.id, c.change) for c in made.changes] == [("C003", "retired")]
    rows = [r for r in read_rows(data / "claims.csv") if r["claim_id"] != "C003"]
    write_rows(data / "claims.csv", rows)
    with pytest.raises(DataError) as err:
        load(data, archive, cache=False)
    assert [p.code for p in err.value.problems] == ["released-claim-removed"]
    assert "C003 was published in release 1.0.1" in str(err.value)


@pytest.mark.parametrize("seed", range(6))
def test_any_record_can_be_released_then_corrected(tmp_path, seed):
    articles = records.random_record(seed)
    data, archive = released(tmp_path, articles)
    ds = load(data, archive, cache=False)
    history = rel.history(data)
    assert {i for (t, i) in history if t == "claims"} == set(ds.claims["claim_id"])
    assert {i for (t, i) in history if t == "events"} == set(ds.events["event_id"])
    if ds.claims.empty:
        with pytest.raises(ReleaseError, match="nothing changed"):
            cut("1.0.1", "2025-05-10", "Nothing.", data_dir=data, archive_dir=archive)
        return
    first = sorted(ds.claims["claim_id"])[0]
    edit(data, "claims.csv", first, status="retired", status_note="retired 2025-05-10: a duplicate")
    cut("1.0.1", "2025-05-10", "A retirement.", data_dir=data, archive_dir=archive)
    ds = load(data, archive, cache=False)
    assert first in set(ds.retired["claim_id"])
    assert rel.history(data)[("claims", first)] == [("1.0.0", "added"), ("1.0.1", "retired")]
    assert rel.unreleased(data) == []


def test_the_revisions_page_and_the_register_show_each_release_from_the_snapshots(tmp_path):
    data, archive = released(tmp_path)
    edit(data, "claims.csv", "C002", notes="Reread.", status="corrected", status_note="corrected 2025-05-10: reread")
    cut("1.0.1", "2025-05-10", "A correction.", data_dir=data, archive_dir=archive)
    edit(data, "claims.csv", "C003", status="retired", status_note="retired 2025-05-11: a duplicate")
    edit(data, "events.csv", "E001", description="Reworded.")
    cut("1.0.2", "2025-05-11", "A retirement.", {"E001": "clearer words"}, data_dir=data, archive_dir=archive)
    ds = load(data, archive, cache=False)
    page = revisions.revisions(ds)
    newest_first = [page.index(f"**Release {v}**") for v in (r"1\.0\.2", r"1\.0\.1", r"1\.0\.0")]
    assert newest_first == sorted(newest_first)
    first = page[newest_first[2] :]
    n_claims, n_events = len(ds.claims) + len(ds.retired), len(ds.events)
    assert f"{counted(n_claims, 'claim')} and {counted(n_events, 'event')}" in first.replace("\\", "")
    correction = page[newest_first[1] : newest_first[2]]
    assert "[C002](#c002)\n  - notes\n  - —\n  - Reread\\.\n  - corrected 2025\\-05\\-10\\: reread" in correction
    retirement = page[newest_first[0] : newest_first[1]]
    assert "[C003](#c003)" not in retirement  # a retired claim has no register entry to link
    assert "claim C003\n  - retired\n  - retired 2025\\-05\\-11\\: a duplicate" in retirement
    assert "event [E001](#e001)\n  - description\n  - North Korea said so\\.\n  - Reworded\\.\n  - clearer words" in (
        retirement
    )
    assert "Not yet released" not in page
    assert revisions.current(ds) == r"*This book is built from release 1\.0\.2 of 11 May 2025 of the data package.*"
    entries = {e["label"]: e for e in register_entries(register.claim_entries(ds))}
    assert dict(entries["c002"]["fields"])["Released"] == ["first in 1.0.0; corrected in 1.0.1"]
    assert dict(entries["c001"]["fields"])["Released"] == ["first in 1.0.0"]
    assert receipt.values(data)["receipt_release"] == "1.0.2 of 11 May 2025"
    assert latex.data_version(data).startswith("release 1.0.2 of 11 May 2025, SHA-256 ")
    edit(data, "claims.csv", "C001", notes="Later.", status="corrected", status_note="corrected 2025-06-01: later")
    ds = load(data, archive, cache=False)
    assert r"**Not yet released**: changed since 1\.0\.2." in revisions.revisions(ds)
    assert latex.data_version(data).startswith("release 1.0.2 of 11 May 2025 (with changes not yet released)")


def test_a_record_never_released_says_so(tmp_path):
    data, archive = records.write(tmp_path / "record", records.scenario("one_troop_figure"))
    ds = load(data, archive, cache=False)
    assert revisions.revisions(ds) == "*No release yet.*"
    assert "not been released" in revisions.current(ds)
    entry = register_entries(register.claim_entries(ds))[0]
    assert dict(entry["fields"])["Released"][0].startswith("not yet")
    assert latex.data_version(data).startswith("unreleased, data of 4 May 2025")


@pytest.fixture(scope="module")
def html():
    site.build(ROOT, "html")
    return site.output_dir(ROOT, "html")


def test_the_built_revisions_page_shows_every_release_of_the_record(html):
    shown = " ".join(visible_text((html / "book" / "revisions.html").read_text(encoding="utf-8")).split())
    for release in rel.releases(ROOT / "data"):
        assert f"Release {release.version}, {long_day(pd.Timestamp(release.date))}." in shown
        assert " ".join(release.description.split()) in shown
    assert f"built from release {rel.label(ROOT / 'data')}" in shown
    register_page = visible_text((html / "book" / "register.html").read_text(encoding="utf-8"))
    assert f"first in {rel.releases(ROOT / 'data')[0].version}" in register_page


def test_a_long_value_is_shown_around_its_change_not_cut_before_it():
    before = "An unchanged opening sentence. " * 10 + "The old ending."
    after = "An unchanged opening sentence. " * 10 + "The new ending, and more."
    shown_before, shown_after = revisions.around_change(before, after)
    assert shown_before.endswith("The old ending.") and shown_after.endswith("The new ending, and more.")
    assert shown_before.startswith("…") and len(shown_after) < len(after)
    assert revisions.around_change("short", "shorter") == ("short", "shorter")


def test_the_release_command_names_every_reason_and_changes_nothing(tmp_path, capsys):
    from analysis.builder.cli import main

    data, archive = released(tmp_path)
    edit(data, "events.csv", "E001", description="Reworded.")
    before = snapshot(data)
    args = ["release", "--data-dir", str(data), "--archive-dir", str(archive), "--date", "2025-05-10"]
    assert main([*args, "--version", "1.1", "--description", "Reworded."]) == 1
    err = capsys.readouterr().err
    assert "'1.1' is not a semantic version" in err and "--note E001=" in err and "nothing was changed" in err
    assert "Traceback" not in err and snapshot(data) == before
    assert main([*args, "--version", "1.0.1", "--description", "Reworded.", "--note", "E001=clearer"]) == 0
    assert "Release 1.0.1: 1 events corrected" in capsys.readouterr().out
    assert read_rows(data / "releases.csv")[-1]["version"] == "1.0.1"
