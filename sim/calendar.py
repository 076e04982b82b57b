"""Calendar months. A month is an integer count ``year * 12 + (month - 1)``; text dates are ``YYYY-MM``."""

import re

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """``"2025-03"`` -> absolute month number. Raises ValueError on anything else."""
    match = _MONTH_RE.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"expected a date as YYYY-MM, got {text!r}")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 01-12, got {text!r}")
    if not 1900 <= year <= 2200:
        raise ValueError(f"year out of range 1900-2200 in {text!r}")
    return year * 12 + month - 1


def format_month(absolute: int) -> str:
    return f"{absolute // 12:04d}-{absolute % 12 + 1:02d}"


def calendar_month(absolute: int) -> int:
    """1-12."""
    return absolute % 12 + 1


def year_of(absolute: int) -> int:
    return absolute // 12


def fractional_year(absolute: int) -> float:
    """Mid-month as a decimal year, so annual figures (placed at mid-year) interpolate to the right month."""
    return absolute / 12 + 1 / 24


def seasonal_factor(absolute: int, peak_month: float, amplitude: float) -> float:
    """1 + amplitude * cos(2*pi*(m - peak)/12): a smooth annual cycle peaking in ``peak_month``."""
    import math

    return 1.0 + amplitude * math.cos(2 * math.pi * (calendar_month(absolute) - peak_month) / 12)
