"""The charts, drawn for the page they are read on.

Mobile first: a chart is drawn at the width of a phone's text column (``styles.WIDTH``
points, shown at 1:1 on a 390 px screen) with text of at least ``styles.SMALL`` points, and
laid out by hand on a canvas measured in points (``lettering``, ``canvas``), so no label is
cut and none collides. The HTML shows the SVG inline (``svg``: its marks link to the claims
register and explain themselves on hover or keyboard focus); the PDF takes the same chart as
vector PDF. Colour encodes the kind of claimant from a fixed table (``styles``), every kind
has its own marker, and every mark is labelled with its claimant, so colour never carries
meaning alone. Output is byte-for-byte reproducible: fixed SVG ids, no dates.

The chapters draw ``troop_chart``, ``casualty_chart`` (``estimates``) and ``timeline_chart``
(``timeline``).
"""

import matplotlib

# before pyplot draws anything: no display, the same output everywhere
matplotlib.use("Agg")

from analysis.charts.estimates import casualty_chart, troop_chart
from analysis.charts.timeline import timeline_chart

__all__ = ["casualty_chart", "timeline_chart", "troop_chart"]
