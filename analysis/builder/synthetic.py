"""A synthetic data package N times larger than ours, valid, for benchmarks and scale tests.

Each copy repeats every article under a new source id (with a copy of its archived text,
so every quote still matches verbatim) and gives its figures to a new set of claimants,
so estimates multiply instead of merging: charts and tables meet N times the rows.
Nothing generated here is committed.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from analysis import paths
from analysis.data.checks.archive import archive_name, sha256_text
from analysis.data.releases import CHANGELOG

FILES = ["sources", "claimants", "metrics", "claims", "events", "disagreements", "disagreement_quotes"]


def generate(out_dir: Path, factor: int = 100, data_dir: Path = paths.DATA_DIR, archive_dir: Path | None = None):
    """Write ``out_dir/data`` and ``out_dir/sources``; return their paths."""
    out_dir = Path(out_dir)
    archive_dir = Path(archive_dir) if archive_dir else paths.archive_dir()
    data_out, archive_out = out_dir / "data", out_dir / "sources"
    shutil.rmtree(data_out, ignore_errors=True)
    shutil.rmtree(archive_out, ignore_errors=True)
    data_out.mkdir(parents=True)
    archive_out.mkdir(parents=True)
    tables = {name: _read(Path(data_dir) / f"{name}.csv") for name in FILES}
    if factor * len(tables["sources"]) > 1000:
        raise ValueError("archive file names allow at most 1000 articles")
    out = {name: [] for name in FILES}
    out["metrics"] = tables["metrics"]
    bib = []
    counters = {"C": 0, "E": 0, "D": 0}

    def next_id(prefix: str, width: int) -> str:
        counters[prefix] += 1
        return f"{prefix}{counters[prefix]:0{width}d}"

    for copy in range(factor):
        sources, claimants, claims, events = {}, {}, {}, {}
        for i, src in enumerate(tables["sources"]):
            text = (Path(archive_dir) / src["archive_file"]).read_text(encoding="utf-8")
            text += f"\n[synthetic copy {copy}]\n"
            index = copy * len(tables["sources"]) + i
            digest = sha256_text(text.encode())
            name = archive_name(index, digest)
            (archive_out / name).write_bytes(text.encode())
            sources[src["source_id"]] = f"{src['source_id']}_{copy:03d}"
            out["sources"].append(
                {**src, "source_id": sources[src["source_id"]], "archive_file": name, "archive_sha256": digest}
            )
            bib.append(
                f"@misc{{{sources[src['source_id']]},\n  key = {{Synthetic {index:03d}}},\n"
                f"  title = {{Synthetic copy {copy} of {src['source_id']}}},\n  year = {{2025}}\n}}\n"
            )
        for c in tables["claimants"]:
            claimants[c["claimant_id"]] = f"{c['claimant_id']}_{copy:03d}"
            out["claimants"].append({**c, "claimant_id": claimants[c["claimant_id"]], "name": f"{c['name']} #{copy}"})
        for c in tables["claims"]:
            claims[c["claim_id"]] = next_id("C", 5)
            out["claims"].append(
                {
                    **c,
                    "claim_id": claims[c["claim_id"]],
                    "source_id": sources[c["source_id"]],
                    "claimant": claimants[c["claimant"]],
                }
            )
        for e in tables["events"]:
            events[e["event_id"]] = next_id("E", 5)
            out["events"].append({**e, "event_id": events[e["event_id"]], "source_id": sources[e["source_id"]]})
        disagreements = {}
        for d in tables["disagreements"]:
            disagreements[d["disagreement_id"]] = next_id("D", 5)
            out["disagreements"].append({**d, "disagreement_id": disagreements[d["disagreement_id"]]})
        for q in tables["disagreement_quotes"]:
            out["disagreement_quotes"].append(
                {
                    **q,
                    "disagreement_id": disagreements[q["disagreement_id"]],
                    "source_id": sources[q["source_id"]],
                    "claim_id": claims.get(q["claim_id"], ""),
                    "event_id": events.get(q["event_id"], ""),
                }
            )
    for name, rows in out.items():
        _write(data_out / f"{name}.csv", rows, list(tables[name][0]))
    descriptor = json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["name"] += f"-synthetic-x{factor}"
    # a record of its own, never released: its changelog is empty
    for resource in descriptor["resources"]:
        if resource["name"] in CHANGELOG:
            _write(data_out / resource["path"], [], [f["name"] for f in resource["schema"]["fields"]])
    (data_out / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    (data_out / paths.BIBLIOGRAPHY).write_text("\n".join(bib), encoding="utf-8")
    return data_out, archive_out


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict], fields: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
