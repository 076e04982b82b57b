"""Lever timelines: each lever's monthly value is its base value transformed by the scenario's shocks, in order.

Modes (``docs/scenario-format.md`` has examples):

``set``    the lever takes ``value`` from ``start`` to ``end`` (inclusive; to the horizon without ``end``).
``scale``  the lever is multiplied by ``value`` over the same window.
``add``    ``value`` is added over the same window.
``ramp``   the lever moves linearly from its value in the month before ``start`` to ``value`` in ``end``
           (``end`` required) and stays there afterwards.
``pulse``  the lever is multiplied by ``value`` in ``start``; the multiplier fades linearly back to 1 by ``end``
           (``end`` required), the shape of a crackdown that decays.
``path``   the lever follows ``points`` (``[["YYYY-MM", value], ...]``), linearly interpolated between points and
           held flat before the first and after the last; ``start``/``end`` default to the first and last points.

A timeline may be read as the data stood at a month (``data_until``, docs/ODD.md §6): up to that month every
lever follows only the shocks that had started by then, with every path cut after its last point dated by then
and held; later months follow every shock. A fit that ends at that month and a run continued past it then see the
same inputs in the fitted months, and no fitted month interpolates towards a later figure.
"""

from dataclasses import dataclass

import numpy as np

from sim import parameters
from sim.calendar import format_month, parse_month

MODES = ("set", "scale", "add", "ramp", "pulse", "path")


@dataclass(frozen=True)
class Shock:
    lever: str
    mode: str
    start: str
    value: float = float("nan")
    end: str | None = None
    points: tuple[tuple[str, float], ...] = ()
    note: str = ""

    def __post_init__(self):
        if self.lever not in parameters.LEVERS:
            raise ValueError(f"unknown lever '{self.lever}'{parameters.suggest(self.lever, parameters.LEVERS)}")
        if self.mode not in MODES:
            raise ValueError(f"unknown mode '{self.mode}'{parameters.suggest(self.mode, MODES)}; "
                             f"modes: {', '.join(MODES)}")
        start = parse_month(self.start)
        if self.end is not None and parse_month(self.end) < start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.mode in ("ramp", "pulse") and self.end is None:
            raise ValueError(f"mode '{self.mode}' needs an end date")
        if self.mode == "path":
            if len(self.points) < 1:
                raise ValueError("mode 'path' needs points")
            months = [parse_month(date) for date, _ in self.points]
            if any(b <= a for a, b in zip(months, months[1:], strict=False)):
                raise ValueError("path points must be in increasing date order")
        elif not np.isfinite(self.value):
            raise ValueError(f"mode '{self.mode}' needs a finite value")

    def apply(self, path: np.ndarray, first_month: int) -> np.ndarray:
        """Transform a lever path (one value per month from ``first_month``) and return the new path."""
        path = path.copy()
        n = path.size
        months = first_month + np.arange(n)
        start = parse_month(self.start)
        end = parse_month(self.end) if self.end is not None else None
        window = (months >= start) & (months <= (end if end is not None else months[-1] if n else start))
        # A huge value may overflow to inf: Timeline.check reports that as a value outside the lever's range, so
        # numpy's warning would only add lines before that one-line error.
        with np.errstate(all="ignore"):
            if self.mode == "set":
                path[window] = self.value
            elif self.mode == "scale":
                path[window] *= self.value
            elif self.mode == "add":
                path[window] += self.value
            elif self.mode == "ramp":
                before = start - 1 - first_month
                origin = path[min(max(before, 0), n - 1)] if n else 0.0
                fraction = (months - (start - 1)) / (end - (start - 1))
                path[window] = origin + (self.value - origin) * fraction[window]
                path[months > end] = self.value
            elif self.mode == "pulse":
                fraction = (months - start) / max(end - start, 1)
                path[window] *= 1 + (self.value - 1) * (1 - fraction[window])
            elif self.mode == "path":
                xs = np.array([parse_month(date) for date, _ in self.points], dtype=float)
                ys = np.array([value for _, value in self.points], dtype=float)
                lo = start if self.start is not None else xs[0]
                hi = end if end is not None else months[-1] if n else lo
                inside = (months >= lo) & (months <= hi)
                path[inside] = np.interp(months[inside], xs, ys)
        return path

    def as_dict(self) -> dict:
        out = {"lever": self.lever, "mode": self.mode, "start": self.start}
        if self.mode == "path":
            out["points"] = [list(p) for p in self.points]
        else:
            out["value"] = self.value
        if self.end is not None:
            out["end"] = self.end
        if self.note:
            out["note"] = self.note
        return out


def path_shock(lever: str, points, note: str = "") -> Shock:
    """A ``path`` shock over the whole span of ``points``."""
    points = tuple((str(d), float(v)) for d, v in points)
    return Shock(lever=lever, mode="path", start=points[0][0], end=points[-1][0], points=points, note=note)


def known_by(shocks, last_month: int) -> tuple[Shock, ...]:
    """The shocks as they stood in ``last_month``: those starting later are dropped, and every path is cut after
    its last point dated ``last_month`` or earlier (then held to its end)."""
    known = []
    for shock in shocks:
        if parse_month(shock.start) > last_month:
            continue
        if shock.mode == "path":
            points = tuple(point for point in shock.points if parse_month(point[0]) <= last_month)
            if not points:
                continue
            shock = Shock(lever=shock.lever, mode=shock.mode, start=shock.start, end=shock.end, points=points,
                          note=shock.note)
        known.append(shock)
    return tuple(known)


class Timeline:
    """Monthly values of every lever from ``first_month`` on, given base values and shocks; up to the absolute
    month ``data_until`` (if given) from the shocks as they stood then (``known_by``)."""

    def __init__(self, base: dict[str, float], shocks=(), first_month: int = 0, data_until: int | None = None):
        self.base = {lever: float(base[lever]) for lever in parameters.LEVERS}
        self.shocks = tuple(shocks)
        self.first_month = first_month
        self.data_until = data_until
        self._paths: dict[str, np.ndarray] = {}
        self._length = 0

    def _lever_paths(self, shocks, length: int) -> dict[str, np.ndarray]:
        paths = {}
        for lever in parameters.LEVERS:
            path = np.full(length, self.base[lever])
            for shock in shocks:
                if shock.lever == lever:
                    path = shock.apply(path, self.first_month)
            paths[lever] = path
        return paths

    def _extend(self, length: int):
        length = max(length, self._length * 2, 120)
        self._paths = self._lever_paths(self.shocks, length)
        if self.data_until is not None:
            known = self._lever_paths(known_by(self.shocks, self.data_until), length)
            cut = min(max(self.data_until + 1 - self.first_month, 0), length)
            for lever, path in self._paths.items():
                path[:cut] = known[lever][:cut]
        self._length = length

    def path(self, lever: str, months: int) -> np.ndarray:
        if months > self._length:
            self._extend(months)
        return self._paths[lever][:months]

    def values_at(self, month: int) -> dict[str, float]:
        """Lever values in absolute ``month`` (months before the first take the first month's values)."""
        index = max(month - self.first_month, 0)
        if index >= self._length:
            self._extend(index + 1)
        return {lever: float(self._paths[lever][index]) for lever in parameters.LEVERS}

    def check(self, months: int):
        """Raise ValueError if a shock drives a lever outside its hard bounds within ``months``.

        Returns nothing; the message names the shock (by position), the lever, the month and the bound."""
        for lever in parameters.LEVERS:
            spec = parameters.BY_NAME[lever]
            path = np.full(months, self.base[lever])
            for position, shock in enumerate(self.shocks):
                if shock.lever != lever:
                    continue
                path = shock.apply(path, self.first_month)
                bad = np.flatnonzero(~np.isfinite(path) | (path < spec.minimum) | (path > spec.maximum))
                if bad.size:
                    month = format_month(self.first_month + int(bad[0]))
                    raise ShockRangeError(
                        position, f"takes {lever} to {path[bad[0]]:g} in {month}, outside its allowed range "
                                  f"{spec.minimum:g}..{spec.maximum:g} {spec.unit}")


class ShockRangeError(ValueError):
    def __init__(self, position: int, message: str):
        super().__init__(message)
        self.position = position
