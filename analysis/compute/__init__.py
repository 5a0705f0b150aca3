"""What the chapters compute from the record: distinct estimates and their spread
(``estimates``), figures derived from them (``derived``), and the chronology
(``chronology``). Imports only ``analysis.data``."""
