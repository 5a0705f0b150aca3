"""How the book writes: MyST Markdown escaped from the data (``markup``), sentences' figures,
dates and lists (``prose``), and links to the claims register (``anchors``, ``links``).
Imports only ``analysis.data`` and ``analysis.compute``."""
