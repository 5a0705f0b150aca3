"""Where a claim or an event is explained: its entry in the claims register.

The register chapter is ``book/register`` (``register.html`` in the HTML, an appendix in
the PDF). Each entry carries a Sphinx label made from its id, lower-cased because Sphinx
lower-cases labels and HTML ids: claim ``C014`` is ``register.html#c014``, event ``E028``
is ``register.html#e028``. Tables link with MyST (``[14,000](#c014)`` resolves in both
editions); chart marks in the HTML link with :func:`href`.
"""

from __future__ import annotations

REGISTER_PAGE = "register"


def anchor(record_id: str) -> str:
    """The label and HTML id of a claim's or an event's register entry."""
    return str(record_id).strip().lower()


def href(record_id: str) -> str:
    """The link to an entry from another page of the HTML book (all pages share a folder)."""
    return f"{REGISTER_PAGE}.html#{anchor(record_id)}"
