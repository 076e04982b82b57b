"""Figures and the self-contained ``report.html`` of a results directory.

``render(directory, fmt)`` recognises the directory's kind from its manifest (``run.json``, ``compare.json``,
``design.json`` or ``validation.json``, each with a ``"kind"`` field), draws its figures next to its data and writes
``report.html``. Placeholder until the plotting issue lands: it draws nothing yet.
"""

from pathlib import Path


def render(directory, fmt: str = "png") -> list[Path]:
    return []
