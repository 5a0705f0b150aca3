"""A chart laid out by hand on a canvas measured in points, and the finished chart: SVG for the
HTML (marks linked to the register, tooltips), PDF for LaTeX, and a CSV of its rows."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from analysis.charts.lettering import line_height
from analysis.charts.styles import FONT, INK, LEADING, SMALL, WIDTH, plain
from analysis.charts.svg import linked_svg


@dataclass
class Chart:
    """A drawn chart: its files, the rows it plots (also written as CSV) and its markup."""

    name: str  # unique per book: the SVG's id (with "chart-") and the prefix of every id inside it
    stem: Path
    rows: pd.DataFrame
    svg: str  # the standalone SVG file's text
    pdf: bytes
    alt: str = ""
    paths: list[Path] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The myst-nb glue key under which the chapter pastes the chart."""
        return f"{self.name}-chart"

    @property
    def csv(self) -> Path:
        return self.stem.with_suffix(".csv")

    def inline_svg(self) -> str:
        """The SVG as an HTML fragment: no XML prolog, sized by CSS, labelled for assistive technology."""
        root = ET.fromstring(self.svg)
        width = float(root.get("width", "0pt").removesuffix("pt"))
        for attribute in ("width", "height"):
            root.attrib.pop(attribute, None)
        # as wide as the column allows, never wider than the chart's natural size
        root.set("style", f"width: 100%; max-width: {width * 4 / 3:.0f}px; height: auto")
        root.set("role", "group")  # not "img": its links must stay reachable
        root.set("aria-label", self.alt or self.name)
        return ET.tostring(root, encoding="unicode")

    def _repr_mimebundle_(self, include=None, exclude=None):
        # HTML builders take text/html, the LaTeX builder application/pdf (myst-nb's default priorities)
        return {
            "text/html": self.inline_svg(),
            "application/pdf": base64.b64encode(self.pdf).decode("ascii"),
            "text/plain": f"Chart {self.name}: {len(self.rows)} rows plotted",
        }

    def glue(self) -> None:
        from myst_nb import glue

        glue(self.key, self, display=False)


TIP_PAD = 4.0


class Canvas:
    """A figure whose one axes maps points to points, y growing downward."""

    def __init__(self, height: float, width: float = WIDTH):
        self.width, self.height = width, height
        self.fig = plt.figure(figsize=(width / 72, height / 72))
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(height, 0)
        self.ax.axis("off")
        self.tips: list = []
        self.links: list[tuple[str, str, str]] = []  # (gid of a mark's parts, link, tooltip text)

    def text(self, x, y, lines, size=FONT, color=INK, weight="normal", ha="left", gid=None, **kw):
        """Lines of text whose first line's top is at ``y``; returns the y below the last line."""
        lines = [lines] if isinstance(lines, str) else lines
        artist = self.ax.text(
            x,
            y,
            plain("\n".join(lines)),
            fontsize=size,
            color=color,
            fontweight=weight,
            ha=ha,
            va="top",
            linespacing=LEADING,
            gid=gid,
            **kw,
        )
        return y + line_height(size) * len(lines), artist

    def tip(self, x, y_bottom, lines, gid):
        """A box of text standing above ``y_bottom``, shown in the HTML on hover and focus only.

        It stands above its mark, over marks drawn before it; near the top it moves down
        just enough to stay inside the chart.
        """
        y_bottom = max(y_bottom, line_height(SMALL) * len(lines) + 2 * TIP_PAD + 2)
        artist = self.ax.text(
            x,
            y_bottom,
            plain("\n".join(lines)),
            fontsize=SMALL,
            color=INK,
            ha="left",
            va="bottom",
            linespacing=LEADING,
            gid=gid,
            bbox={
                "boxstyle": f"round,pad={TIP_PAD / SMALL}",
                "facecolor": "#ffffe8",
                "edgecolor": "#444444",
                "linewidth": 0.8,
            },
            zorder=10,
        )
        self.tips.append(artist)
        return artist


def finish(c: Canvas, stem, name: str, rows: pd.DataFrame, csv: pd.DataFrame, alt: str, printed=None) -> Chart:
    """Write the chart's SVG (from ``c``), PDF (from ``printed``, else ``c``) and CSV."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    # the PDF is static: no tooltips
    for t in c.tips:
        t.set_visible(False)
    pdf_path = stem.with_suffix(".pdf")
    (printed or c).fig.savefig(pdf_path, format="pdf", metadata={"CreationDate": None, "ModDate": None})
    if printed is not None:
        plt.close(printed.fig)
    for t in c.tips:
        t.set_visible(True)
    svg_path = stem.with_suffix(".svg")
    with matplotlib.rc_context({"svg.hashsalt": f"nk-kursk-claims-{name}"}):
        c.fig.savefig(svg_path, format="svg", metadata={"Date": None})
    plt.close(c.fig)
    svg = linked_svg(svg_path.read_text(encoding="utf-8"), name, c.links)
    svg_path.write_text(svg, encoding="utf-8")
    csv_path = stem.with_suffix(".csv")
    csv.to_csv(csv_path, index=False, lineterminator="\n")
    return Chart(name, stem, rows, svg, pdf_path.read_bytes(), alt, [svg_path, pdf_path, csv_path])
