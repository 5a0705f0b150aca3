"""Small valid records, generated: one article or fifty, figures or none, dated to the day or
only "by" a day, one claimant or many, articles in English, Korean or Russian. Each is written
as a data package with an archive of made-up article texts (every quote is in its article,
every figure in its quote) and loaded with ``analysis.load``, so it passes the same validation
as the real record.

``scenario(name)`` gives the named edge cases; ``random_record(seed)`` a seeded mix of them.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from analysis import load
from analysis.data.checks.archive import archive_name, sha256_text
from analysis.data.values import number
from analysis.paths import DATA_DIR

# claimant id: (name as it reads mid-sentence, claimant_type, country)
CLAIMANTS = {
    "kcna": ("North Korea's KCNA", "media", "North Korea"),
    "ua_officials": ("Ukrainian officials", "government", "Ukraine"),
    "nis": ("South Korea's National Intelligence Service", "intelligence", "South Korea"),
    "analysts": ("Western analysts", "analysts", "multiple"),
    "us_government": ("the US government", "government", "United States"),
    "article": ("the article itself", "unattributed", "not stated"),
}
# How a quote prints a figure, by qualifier.
PRINTED = {
    "exact": lambda lo, hi: number(hi),
    "approximately": lambda lo, hi: f"about {number(hi)}",
    "between": lambda lo, hi: f"between {number(lo)} and {number(hi)}",
    "up_to": lambda lo, hi: f"up to {number(hi)}",
    "at_least": lambda lo, hi: f"at least {number(lo)}",
    "unquantified": lambda lo, hi: "some",
}
VERBS = {
    "deployed": "North Korean soldiers were sent to Russia",
    "reinforcements": "more North Korean soldiers were sent as reinforcements",
    "killed": "North Korean soldiers were killed",
    "wounded": "North Korean soldiers were wounded",
    "killed_or_wounded": "North Korean soldiers were killed or wounded",
    "casualties": "North Korean casualties were counted",
    "captured": "North Korean soldiers were captured",
}
PUBLISHED = ("2025-04-28", "2025-05-04")

# An article in another language prints its quotes in that language (attribution, figure and
# all), and the record gives each an English translation (the English quote an English article
# would print) and its translator. Russian groups thousands with a no-break space.
TRANSLATOR = "The test suite (generated)"
FOREIGN = {
    "ko": {
        "claimants": {
            "kcna": "조선중앙통신",
            "ua_officials": "우크라이나 관리들",
            "nis": "국가정보원",
            "analysts": "서방 분석가들",
            "us_government": "미국 정부",
        },
        "said": "{name}에 따르면 ",
        "unattributed": "보도에 따르면 ",
        "printed": {
            "exact": lambda lo, hi: f"{number(hi)}명의",
            "approximately": lambda lo, hi: f"약 {number(hi)}명의",
            "between": lambda lo, hi: f"{number(lo)}~{number(hi)}명의",
            "up_to": lambda lo, hi: f"최대 {number(hi)}명의",
            "at_least": lambda lo, hi: f"최소 {number(lo)}명의",
            "unquantified": lambda lo, hi: "일부",
        },
        "verb": "북한군 병사가 해당된다",
        "claim": "(주장 {n}).",
        "event": "{key} 사건이 보도되었다 (사건 {n}).",
    },
    "ru": {
        "claimants": {
            "kcna": "ЦТАК",
            "ua_officials": "украинские официальные лица",
            "nis": "Национальная разведывательная служба",
            "analysts": "западные аналитики",
            "us_government": "правительство США",
        },
        "said": "Как сообщают {name}, ",
        "unattributed": "По сообщениям, ",
        "printed": {
            "exact": lambda lo, hi: _ru(hi),
            "approximately": lambda lo, hi: f"около {_ru(hi)}",
            "between": lambda lo, hi: f"от {_ru(lo)} до {_ru(hi)}",
            "up_to": lambda lo, hi: f"до {_ru(hi)}",
            "at_least": lambda lo, hi: f"не менее {_ru(lo)}",
            "unquantified": lambda lo, hi: "несколько",
        },
        "verb": "северокорейских военных",
        "claim": "(заявление {n}).",
        "event": "Сообщается о событии {key} (событие {n}).",
    },
}


def _ru(value: int) -> str:
    """A figure as Russian prints it: thousands set off by a no-break space ('14\u00a0000')."""
    return number(value).replace(",", "\u00a0")


@dataclass
class Claim:
    claimant: str
    metric: str
    low: int | None
    high: int | None
    qualifier: str
    stated: tuple[str, str, str] = ("", "2025-04-28", "on_or_before")  # start, end, precision


@dataclass
class Event:
    key: str
    dated: tuple[str, str, str]  # start, end, precision
    category: str = "statement"
    description: str = "Something happened."


@dataclass
class Article:
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    language: str = "en"  # a BCP 47 tag: 'en', or a key of FOREIGN


def figure(claimant, metric, qualifier, low=None, high=None, stated=None) -> Claim:
    if qualifier in ("exact", "approximately"):
        low = high = low if low is not None else high
    return Claim(claimant, metric, low, high, qualifier, stated or ("", "2025-04-28", "on_or_before"))


ACK_DAY = Event("nk_acknowledgement", ("2025-04-28", "2025-04-28", "day"), "acknowledgement", "North Korea said so.")


def write(out: Path, articles: list[Article]) -> tuple[Path, Path]:
    """The record as a data package in ``out/data`` with its archive in ``out/sources``."""
    data, archive = out / "data", out / "sources"
    shutil.rmtree(out, ignore_errors=True)
    data.mkdir(parents=True)
    archive.mkdir()
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}
    tables = {name: [] for name in fields}
    shutil.copy(DATA_DIR / "metrics.csv", data / "metrics.csv")
    used = {c.claimant for a in articles for c in a.claims}
    tables["claimants"] = [
        {"claimant_id": k, "name": n, "claimant_type": t, "country": c, "description": f"Claimant {k}."}
        for k, (n, t, c) in CLAIMANTS.items()
        if k in used
    ]
    bib, n_claim, n_event = [], 0, 0
    for i, article in enumerate(articles):
        sid = f"article{i:03d}"
        # the byline as sources.csv records it: validation finds author, outlet and title printed
        lines = [f"Article {i}. By Author {i}. Outlet.", f"Made-up article number {i} for the tests."]
        for c in article.claims:
            n_claim += 1
            name = CLAIMANTS[c.claimant][0]
            attribution = "" if c.claimant == "article" else name
            said = f"{name} said that " if attribution else "Reportedly "
            quote = f"{said}{PRINTED[c.qualifier](c.low, c.high)} {VERBS[c.metric]} (claim {n_claim})."
            language = _language(article, quote)
            if article.language != "en":
                words = FOREIGN[article.language]
                attribution = "" if c.claimant == "article" else words["claimants"][c.claimant]
                said = words["said"].format(name=attribution) if attribution else words["unattributed"]
                printed = words["printed"][c.qualifier](c.low, c.high)
                quote = f"{said}{printed} {words['verb']} {words['claim'].format(n=n_claim)}"
            lines.append(quote)
            start, end, precision = c.stated
            tables["claims"].append(
                {
                    "claim_id": f"C{n_claim:03d}",
                    "source_id": sid,
                    "claimant": c.claimant,
                    "claimant_type": CLAIMANTS[c.claimant][1],
                    "attribution": attribution,
                    "subject": "north_korea",
                    "metric": c.metric,
                    "value_low": "" if c.low is None else str(c.low),
                    "value_high": "" if c.high is None else str(c.high),
                    "qualifier": c.qualifier,
                    "stated_start": start,
                    "stated_end": end,
                    "stated_precision": precision,
                    "stated_basis": "generated",
                    "period_start": "",
                    "period_end": "",
                    "period_precision": "unspecified",
                    "period_basis": "generated",
                    "quote": quote,
                    **language,
                    "status": "current",
                }
            )
        for e in article.events:
            n_event += 1
            quote = f"Event {e.key} was reported (event {n_event})."
            language = _language(article, quote)
            if article.language != "en":
                quote = FOREIGN[article.language]["event"].format(key=e.key, n=n_event)
            lines.append(quote)
            tables["events"].append(
                {
                    "event_id": f"E{n_event:03d}",
                    "event_key": e.key,
                    "source_id": sid,
                    "date_start": e.dated[0],
                    "date_end": e.dated[1],
                    "date_precision": e.dated[2],
                    "date_basis": "generated",
                    "actor": "North Korea",
                    "category": e.category,
                    "description": e.description,
                    "quote": quote,
                    **language,
                }
            )
        text = "\n".join(lines) + "\n"
        digest = sha256_text(text.encode())
        name = archive_name(i, digest)
        (archive / name).write_text(text, encoding="utf-8")
        tables["sources"].append(
            {
                "source_id": sid,
                "author": f"Author {i}",
                "outlet": "Outlet",
                "title": f"Article {i}",
                "published_start": PUBLISHED[0],
                "published_end": PUBLISHED[1],
                "published_precision": "interval",
                "date_basis": "generated",
                "archive_file": name,
                "archive_sha256": digest,
            }
        )
        bib.append(f"@misc{{{sid},\n  author = {{Author {i}}},\n  title = {{Article {i}}},\n  year = {{2025}}\n}}\n")
    for name, rows in tables.items():
        if name == "metrics":
            continue
        path = data / next(r["path"] for r in descriptor["resources"] if r["name"] == name)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields[name], lineterminator="\n", restval="")
            writer.writeheader()
            writer.writerows(rows)
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    (data / "references.bib").write_text("\n".join(bib), encoding="utf-8")
    return data, archive


def _language(article: Article, english: str) -> dict:
    """The language columns of a quote of ``article``: empty for English; else its tag, and
    ``english`` (the quote an English article would print) as its translation."""
    if article.language == "en":
        return {}
    return {"quote_lang": article.language, "quote_translation": english, "translated_by": TRANSLATOR}


def build(out: Path, articles: list[Article]):
    """The validated dataset of the record ``articles``, written at ``out``. Validated as the
    build validates, through the cache: a record written the same way before (the same
    files, the same validation code) is not validated again."""
    data, archive = write(out, articles)
    return load(data, archive)


def scenario(name: str) -> list[Article]:
    """The named edge cases the prose must read right for."""
    return SCENARIOS[name]()


SCENARIOS = {
    # one article, one troop figure, nothing else
    "one_troop_figure": lambda: [Article([figure("ua_officials", "deployed", "exact", 12000)], [ACK_DAY])],
    # many articles: ranges, an 'up to', shared figures, unquantified claims, conflicting attributions
    "many": lambda: [
        Article(
            [
                figure("ua_officials", "deployed", "approximately", 14000),
                figure("analysts", "killed", "approximately", 1000),
                figure("kcna", "killed", "unquantified"),
            ],
            [ACK_DAY],
        ),
        Article(
            [
                figure("nis", "deployed", "between", 10000, 12000, ("2024-10-01", "2024-10-31", "month")),
                figure("nis", "killed", "exact", 300, stated=("2025-01-01", "2025-01-31", "month")),
                figure("nis", "wounded", "exact", 2700, stated=("2025-01-01", "2025-01-31", "month")),
                figure("us_government", "killed_or_wounded", "exact", 4000),
            ],
            [ACK_DAY],
        ),
        Article(
            [
                figure("analysts", "deployed", "up_to", high=12000),
                figure("ua_officials", "killed_or_wounded", "exact", 4000),
                figure("ua_officials", "deployed", "approximately", 14000),
            ],
            [Event("nk_acknowledgement", ("2025-04-27", "2025-04-27", "day"), "acknowledgement")],
        ),
    ],
    # no casualty figure at all, and no troop figure either: only a capture count
    "no_figures": lambda: [Article([figure("ua_officials", "captured", "exact", 2)], [ACK_DAY])],
    # only claims without a figure
    "only_unquantified": lambda: [
        Article([figure("kcna", "killed", "unquantified"), figure("kcna", "deployed", "unquantified")])
    ],
    # no acknowledgement event; an event known only to precede a date
    "undated": lambda: [
        Article(
            [figure("analysts", "deployed", "exact", 11000)],
            [Event("some_statement", ("", "2025-04-28", "on_or_before"))],
        )
    ],
    # one claimant, who gives several different figures
    "one_claimant": lambda: [
        Article(
            [
                figure("nis", "deployed", "exact", 10000, stated=("2024-10-01", "2024-10-31", "month")),
                figure("nis", "deployed", "exact", 11000, stated=("2025-01-01", "2025-01-31", "month")),
                figure("nis", "killed", "at_least", 100),
            ],
            [ACK_DAY],
        )
    ],
    # the acknowledgement known only to have happened by a day
    "ack_by_a_day": lambda: [
        Article(
            [figure("article", "deployed", "exact", 11000)],
            [Event("nk_acknowledgement", ("", "2025-04-28", "on_or_before"), "acknowledgement")],
        )
    ],
    # nothing at all: no claim, no event
    "empty": lambda: [Article()],
    # an article in English, one in Korean and one in Russian, quoting the same figures
    "languages": lambda: [
        Article([figure("ua_officials", "deployed", "approximately", 14000)], [ACK_DAY]),
        Article(
            [
                figure("nis", "deployed", "between", 10000, 12000),
                figure("kcna", "killed", "unquantified"),
                figure("article", "wounded", "exact", 2700),
            ],
            [ACK_DAY],
            language="ko",
        ),
        Article(
            [
                figure("ua_officials", "deployed", "approximately", 14000),
                figure("analysts", "killed", "at_least", 1000),
                figure("us_government", "killed_or_wounded", "up_to", high=4000),
            ],
            [ACK_DAY],
            language="ru",
        ),
    ],
}


def random_record(seed: int) -> list[Article]:
    """A seeded mix: 1 to 12 articles, 0 to 5 claims each, any qualifier, dated or not."""
    rng = random.Random(seed)
    metrics = ["deployed", "reinforcements", "killed", "wounded", "killed_or_wounded", "casualties", "captured"]
    stated = [
        ("", "2025-04-28", "on_or_before"),
        ("2025-04-26", "2025-04-26", "day"),
        ("2025-01-01", "2025-01-31", "month"),
        ("2024-09-01", "2024-11-30", "season"),
        ("2025-01-01", "2025-04-27", "interval"),
    ]
    articles = []
    for _ in range(rng.randint(1, 12)):
        claims = []
        for _ in range(rng.randint(0, 5)):
            qualifier = rng.choice(list(PRINTED))
            low = rng.choice([2, 100, 300, 1000, 3000, 10000])
            high = low + rng.choice([1000, 2000])
            if qualifier in ("exact", "approximately"):
                high = low
            bounds = {
                "up_to": (None, high),
                "at_least": (low, None),
                "unquantified": (None, None),
            }.get(qualifier, (low, high))
            claims.append(
                Claim(rng.choice(list(CLAIMANTS)), rng.choice(metrics), *bounds, qualifier, rng.choice(stated))
            )
        events = []
        if rng.random() < 0.6:
            events.append(Event("nk_acknowledgement", rng.choice(stated), "acknowledgement"))
        if rng.random() < 0.5:
            events.append(Event("background_event", ("2024-06-19", "2024-06-19", "day"), "background"))
        articles.append(Article(claims, events))
    return articles
