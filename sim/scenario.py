"""Scenario files: a TOML description of a policy timeline, validated against the parameter registry.

    [scenario]
    name = "crocus_crackdown"
    description = "..."
    extends = "baseline.toml"     # optional, relative to this file
    start = "2024-01"
    months = 60
    country = "tajikistan"        # optional

    [parameters]                  # registry overrides
    raid_intensity = 0.05

    [[shocks]]
    lever = "raid_intensity"
    mode = "pulse"                # set | scale | add | ramp | pulse | path
    value = 3.0
    start = "2024-04"
    end = "2025-09"
    note = "why"

See ``docs/scenario-format.md``. Every error is a ``ScenarioError`` whose message is one line:
``<file>: <key path>: <what is wrong>``.
"""

import hashlib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sim import country, parameters
from sim.calendar import format_month, parse_month
from sim.timeline import MODES, Shock, ShockRangeError, Timeline

MAX_MONTHS = 1200  # 100 years: anything longer is a typo, not a scenario
SCENARIO_KEYS = ("name", "description", "extends", "start", "months", "country")
SHOCK_KEYS = ("lever", "mode", "value", "start", "end", "points", "note")
TABLES = ("scenario", "parameters", "shocks")


class ScenarioError(ValueError):
    def __init__(self, path, key: str, message: str):
        self.path, self.key, self.detail = str(path), key, message
        super().__init__(f"{path}: {key}: {message}" if key else f"{path}: {message}")


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    start: str
    months: int
    country: str = "tajikistan"
    parameters: dict = field(default_factory=dict)
    shocks: tuple = ()
    path: str | None = None
    text: str = ""          # the file and every file it extends, concatenated in resolution order

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def model(self, scale: float, rng, engine: str = "fast", months: int | None = None, **overrides):
        """A ``MigrationModel`` set up for this scenario (parameters and shocks applied)."""
        from sim.model import MigrationModel

        return MigrationModel(scale=scale, start=self.start, engine=engine, country_profile=self.country,
                              params={**self.parameters, **overrides}, shocks=self.shocks, rng=rng,
                              capacity_months=months or self.months)


def _type_name(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _check_keys(path, table: dict, allowed, where: str):
    for key in table:
        if key not in allowed:
            raise ScenarioError(path, f"{where}{key}", f"unknown key '{key}'{parameters.suggest(key, allowed)}")


def _number(path, key, value, *, integer=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise ScenarioError(path, key, f"expected {'an integer' if integer else 'a number'}, got "
                                       f"{_type_name(value)} {value!r}")
    if not math.isfinite(value):
        raise ScenarioError(path, key, f"must be finite, got {value!r}")
    return value


def _month(path, key, value):
    if not isinstance(value, str):
        raise ScenarioError(path, key, f"expected a date string \"YYYY-MM\", got {_type_name(value)} {value!r}")
    try:
        parse_month(value)
    except ValueError as error:
        raise ScenarioError(path, key, str(error)) from None
    return value


def _read(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(path, "", f"cannot read: {error}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(path, "", f"not valid TOML: {error}") from None


def _shock(path, index: int, raw) -> Shock:
    where = f"shocks[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(path, where, "each shock must be a table ([[shocks]])")
    _check_keys(path, raw, SHOCK_KEYS, f"{where}.")
    for required in ("lever", "mode", "start"):
        if required not in raw and not (required == "start" and raw.get("mode") == "path"):
            raise ScenarioError(path, f"{where}.{required}", "missing required key")
    lever = raw["lever"]
    if not isinstance(lever, str) or lever not in parameters.LEVERS:
        raise ScenarioError(path, f"{where}.lever",
                            f"unknown lever {lever!r}{parameters.suggest(str(lever), parameters.LEVERS)}")
    mode = raw["mode"]
    if not isinstance(mode, str) or mode not in MODES:
        raise ScenarioError(path, f"{where}.mode", f"unknown mode {mode!r}{parameters.suggest(str(mode), MODES)}; "
                                                   f"modes are {', '.join(MODES)}")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise ScenarioError(path, f"{where}.note", f"expected a string, got {_type_name(note)}")
    end = _month(path, f"{where}.end", raw["end"]) if "end" in raw else None
    if mode == "path":
        points = raw.get("points")
        if not isinstance(points, list) or not points:
            raise ScenarioError(path, f"{where}.points", "mode 'path' needs points = [[\"YYYY-MM\", value], ...]")
        clean = []
        for j, point in enumerate(points):
            if not isinstance(point, list) or len(point) != 2:
                raise ScenarioError(path, f"{where}.points[{j}]", "expected [\"YYYY-MM\", value]")
            clean.append((_month(path, f"{where}.points[{j}]", point[0]),
                          float(_number(path, f"{where}.points[{j}]", point[1]))))
        if "value" in raw:
            raise ScenarioError(path, f"{where}.value", "mode 'path' takes points, not value")
        start = _month(path, f"{where}.start", raw.get("start", clean[0][0]))
        end = end or clean[-1][0]
        value = math.nan
    else:
        if "value" not in raw:
            raise ScenarioError(path, f"{where}.value", "missing required key")
        if "points" in raw:
            raise ScenarioError(path, f"{where}.points", f"only mode 'path' takes points, not mode '{mode}'")
        value = float(_number(path, f"{where}.value", raw["value"]))
        start = _month(path, f"{where}.start", raw["start"])
        clean = []
    if end is not None and parse_month(end) < parse_month(start):
        raise ScenarioError(path, f"{where}.end", f"end {end} is before start {start}")
    try:
        return Shock(lever=lever, mode=mode, start=start, value=value, end=end, points=tuple(clean), note=note)
    except ValueError as error:
        raise ScenarioError(path, where, str(error)) from None


def _resolve(path: Path, chain: tuple) -> tuple[dict, list, list[str]]:
    """Merged [scenario] table, merged [parameters] (with the file each came from) and shocks, from the root
    ancestor down to ``path``; plus the texts in that order."""
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(chain[-1], "scenario.extends", f"extends cycle: {cycle}")
    data, text = _read(path)
    _check_keys(path, data, TABLES, "")
    meta = data.get("scenario")
    if not isinstance(meta, dict):
        raise ScenarioError(path, "scenario", "missing required table [scenario]")
    _check_keys(path, meta, SCENARIO_KEYS, "scenario.")
    params = data.get("parameters", {})
    if not isinstance(params, dict):
        raise ScenarioError(path, "parameters", "expected a table [parameters]")
    shocks = data.get("shocks", [])
    if not isinstance(shocks, list):
        raise ScenarioError(path, "shocks", "expected an array of tables [[shocks]]")
    merged_meta, merged_params, merged_shocks, texts = {}, {}, [], []
    if "extends" in meta:
        parent = meta["extends"]
        if not isinstance(parent, str):
            raise ScenarioError(path, "scenario.extends", f"expected a path string, got {_type_name(parent)}")
        parent_path = path.parent / parent
        if not parent_path.exists():
            raise ScenarioError(path, "scenario.extends", f"file not found: {parent}")
        merged_meta, merged_params, merged_shocks, texts = _resolve(parent_path, (*chain, path))
        merged_meta.pop("name", None)
        merged_meta.pop("description", None)
    for key, value in params.items():
        if key not in parameters.BY_NAME:
            raise ScenarioError(path, f"parameters.{key}",
                                f"unknown parameter '{key}'{parameters.suggest(key, parameters.NAMES)}")
        _number(path, f"parameters.{key}", value)
        try:
            merged_params[key] = (parameters.check_value(key, value), path)
        except ValueError as error:
            raise ScenarioError(path, f"parameters.{key}", str(error).split(": ", 1)[-1]) from None
    merged_meta.update({k: (v, path) for k, v in meta.items() if k != "extends"})
    merged_shocks += [(path, i, raw) for i, raw in enumerate(shocks)]
    return merged_meta, merged_params, merged_shocks, [*texts, text]


def load(path) -> Scenario:
    """Read, resolve ``extends`` and validate a scenario file. Raises ``ScenarioError``."""
    path = Path(path)
    meta, params, raw_shocks, texts = _resolve(path, ())
    for required in ("name", "start", "months"):
        if required not in meta:
            raise ScenarioError(path, f"scenario.{required}", "missing required key")
    name, name_file = meta["name"]
    if not isinstance(name, str) or not name.strip() or any(c in name for c in "/\\"):
        raise ScenarioError(name_file, "scenario.name", "expected a non-empty name without slashes")
    description = meta.get("description", ("", path))[0]
    if not isinstance(description, str):
        raise ScenarioError(path, "scenario.description", "expected a string")
    start = _month(meta["start"][1], "scenario.start", meta["start"][0])
    months = _number(meta["months"][1], "scenario.months", meta["months"][0], integer=True)
    if not 1 <= months <= MAX_MONTHS:
        raise ScenarioError(meta["months"][1], "scenario.months", f"must be 1..{MAX_MONTHS}, got {months}")
    country_name, country_file = meta.get("country", ("tajikistan", path))
    if not isinstance(country_name, str) or country_name not in country.available():
        raise ScenarioError(country_file, "scenario.country",
                            f"unknown country {country_name!r}{parameters.suggest(str(country_name), country.available())}"
                            f"; available: {', '.join(country.available())}")
    shocks = tuple(_shock(file, i, raw) for file, i, raw in raw_shocks)
    values = parameters.resolve({k: v for k, (v, _) in params.items()})
    try:
        Timeline(values, shocks, first_month=parse_month(start)).check(months)
    except ShockRangeError as error:
        file, index, _ = raw_shocks[error.position]
        raise ScenarioError(file, f"shocks[{index}]", str(error)) from None
    return Scenario(name=name, description=description, start=start, months=int(months), country=country_name,
                    parameters={k: v for k, (v, _) in params.items()}, shocks=shocks, path=str(path),
                    text="\n".join(texts))


def horizon_end(scenario: Scenario, months: int | None = None) -> str:
    return format_month(parse_month(scenario.start) + (months or scenario.months) - 1)
