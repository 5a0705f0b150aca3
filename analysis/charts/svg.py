"""The chart's SVG made interactive: each mark a link to its register entry, with a tooltip shown
on hover or keyboard focus, and ids fixed so that output is reproducible."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from analysis.charts.styles import FALLBACK_FAMILIES, FAMILY

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def _css(name: str) -> str:
    """The chart's own style sheet, scoped to it: inline in a page it must style nothing else."""
    s = f"svg#{name}"
    return (
        f"{s} * {{stroke-linejoin: round; stroke-linecap: butt}} "
        f"{s} .tip {{visibility: hidden}} "
        f"{s} a:hover .tip, {s} a:focus .tip {{visibility: visible}} "
        f"{s} a:focus {{outline: 2px solid #1a5fb4; outline-offset: 1px}} "
        f"{s} a {{cursor: pointer; text-decoration: none}}"
    )


def linked_svg(svg: str, name: str, links: list[tuple[str, str, str]]) -> str:
    """matplotlib's SVG made fit for a web page.

    Every id gets the chart's name as prefix (two charts on one page never share an id);
    the parts of each mark (``gid__n`` groups) move into one ``<a>`` to its register
    entry, with a ``<title>`` and its tooltip box, after everything else so the tooltip
    is drawn on top; the style sheet is scoped to the chart; no XML prolog or metadata.
    """
    root = ET.fromstring(svg)
    # "chart-": the page's own ids come from its headings ("chronology")
    name = f"chart-{name}"
    root.set("id", name)
    for meta in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(meta)
    ids = {el.get("id") for el in root.iter() if el.get("id")} - {name}

    def renamed(value: str) -> str:
        return re.sub(r"#([\w.-]+)", lambda m: f"#{name}-{m.group(1)}" if m.group(1) in ids else m.group(0), value)

    for el in root.iter():
        for attr, value in list(el.attrib.items()):
            if attr == "id" and value in ids:
                el.set(attr, f"{name}-{value}")
            elif "#" in value and attr != "id":
                el.set(attr, renamed(value))
        if el.tag == f"{{{SVG_NS}}}text":
            el.set(
                "style", el.get("style", "").replace(f"font-family: '{FAMILY}'", f"font-family: {FALLBACK_FAMILIES}")
            )
    for style in root.iter(f"{{{SVG_NS}}}style"):
        style.text = _css(name)
    parents = {child: parent for parent in root.iter() for child in parent}
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    for gid, target, title in links:
        a = ET.SubElement(root, f"{{{SVG_NS}}}a", {"href": target, "aria-label": title, "id": f"{name}-{gid.lower()}"})
        ET.SubElement(a, f"{{{SVG_NS}}}title").text = title
        n = 0
        parts = [f"{name}-{gid}__name"] + [f"{name}-{gid}__{i}" for i in range(64)] + [f"{name}-{gid}__tip"]
        for part in parts:
            el = by_id.get(part)
            if el is None:
                continue
            parents[el].remove(el)
            del el.attrib["id"]
            if part.endswith("__tip"):
                el.set("class", "tip")
            a.append(el)
            n += 1
    return ET.tostring(root, encoding="unicode", xml_declaration=False) + "\n"
