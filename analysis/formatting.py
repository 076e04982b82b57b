"""Numbers as readers want them, the same in printed tables, report.html and error messages.

    format_value(0.1234, "share")               # '12.3%'
    format_value(0.012, "share", difference=True)  # '1.2pp'
    format_signed(-351_162_009.6, "USD/month")   # '-$351.16M'
    format_ids([3, 5, 8])                        # '3, 5, 8'
    format_duration(3725)                        # '1 h 2 min'

A unit is an output's or scalar's declared unit (``sim.outputs``, ``analysis.scalars``): ``share ...`` prints as a
percentage, ``% ...`` as a number already in percent, ``USD ...`` with a dollar sign, ``per 100,000`` as a whole
number with thousands separators (a rate reads best unabbreviated), and large magnitudes with k, M or bn.
"""

import math

# (at least this magnitude, divide by, suffix, decimals), largest first.
_MAGNITUDES = ((1e9, 1e9, "bn", 2), (1e6, 1e6, "M", 2), (1e4, 1e3, "k", 1))
# Units counted in whole things, shown without decimals even when small.
_WHOLE_UNITS = ("persons", "checks", "jobs")


def format_value(value, unit: str, difference: bool = False) -> str:
    """``value`` in ``unit`` as a short string; ``difference`` marks a difference of rates, which is in percentage
    points (pp), not percent. Missing, NaN and infinite values are ``n/a``."""
    if value is None or isinstance(value, str) or not math.isfinite(float(value)):
        return "n/a"
    value = float(value)
    if unit.startswith("share"):
        return f"{100 * value:.1f}{'pp' if difference else '%'}"
    if unit.startswith("%"):
        return f"{value:.1f}{'pp' if difference else '%'}"
    prefix = "$" if unit.startswith("USD") else ""
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if unit.startswith("per 100,000"):
        return f"{sign}{magnitude:,.0f}"
    for threshold, factor, suffix, digits in _MAGNITUDES:
        if magnitude >= threshold:
            return f"{sign}{prefix}{magnitude / factor:.{digits}f}{suffix}"
    if magnitude >= 100 or unit.startswith(_WHOLE_UNITS):
        return f"{sign}{prefix}{magnitude:,.0f}"
    return f"{sign}{prefix}{magnitude:.3g}"


def format_signed(value, unit: str) -> str:
    """A difference (ALT - BASE) with its sign always shown: ``+1.2pp``, ``-$3.40M``, ``0``."""
    text = format_value(value, unit, difference=True)
    return text if text.startswith(("-", "n/a")) or value == 0 else "+" + text


def format_ids(ids, limit: int = 10) -> str:
    """Run or point ids for an error message: the first ``limit`` of them and how many more."""
    ids = [int(i) for i in ids]
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def format_duration(seconds: float) -> str:
    """An expected or elapsed duration: ``8.5 s``, ``42 s``, ``3 min 20 s``, ``25 min``, ``2 h 5 min``."""
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    minutes = seconds / 60
    if minutes < 60:
        return f"{minutes:.0f} min" if minutes >= 10 else f"{int(minutes)} min {seconds % 60:.0f} s"
    return f"{int(minutes // 60)} h {minutes % 60:.0f} min"
