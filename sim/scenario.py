"""Scenario files: a TOML description of a policy timeline, validated against the parameter registry.

    [scenario]
    name = "crocus_crackdown"
    description = "..."
    extends = "baseline.toml"     # optional, relative to this file
    start = "2024-01"
    months = 60
    country = "tajikistan"        # optional
    patent_free_from = "2027-01"  # optional: no patent needed from then (EAEU); "never"; default: the profile's

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
``<file>: <key path>: <what is wrong>``, where ``<file>`` is the file that holds the mistake (a parent named by
``extends`` is shown by its path relative to the file that named it).
"""

import csv
import dataclasses
import datetime
import errno
import hashlib
import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sim import country, parameters
from sim.calendar import format_month, parse_month
from sim.timeline import MODES, Shock, ShockRangeError, Timeline

# 50 years: the country profiles extrapolate their series beyond the data, and a demographic projection that
# long says more about the extrapolation than about any policy, so a longer horizon is taken for a typo.
MAX_MONTHS = 600
LAST_MONTH = parse_month("2200-12")  # the calendar's last month (sim.calendar)
SCENARIO_KEYS = ("name", "description", "extends", "start", "months", "country", "patent_free_from")
SHOCK_KEYS = ("lever", "mode", "value", "start", "end", "points", "file", "column", "note")
TABLES = ("scenario", "parameters", "shocks")
# Names become directory names (results/<name>/), so they are restricted to characters safe everywhere and to a
# length that leaves room for the longest directory name built from them.
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
MAX_NAME_LENGTH = 100
# Limits on what is read, so that no file can exhaust memory or the stack: a scenario file is a few kilobytes and a
# data file a few hundred rows, so these are far beyond any real input.
MAX_SCENARIO_BYTES = 1024 * 1024
MAX_DATA_BYTES = 16 * 1024 * 1024
MAX_NESTING = 32        # arrays and inline tables inside one another (a path's points need 2)
MAX_EXTENDS = 16        # files in an extends chain, the scenario itself included
MAX_CSV_FIELD = 4096    # characters in one field of a data file
# A scenario may start from the first year of its country's data to this many years after the last.
START_BEYOND_DATA_YEARS = 10


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
    # "YYYY-MM" from which the country's citizens need no patent, or "never"; None: the profile's [treaty]
    patent_free_from: str | None = None
    parameters: dict = field(default_factory=dict)
    shocks: tuple = ()
    path: str | None = None
    text: str = ""          # the file and every file it extends, concatenated in resolution order
    data_files: tuple = ()  # (path, sha256) of every CSV a path shock reads with ``file``
    # every file read: the scenario, the files it extends and its data files (resolved paths)
    sources: tuple = field(default=(), repr=False, compare=False)
    # (file, index) where each shock is written, so errors found later name the right file and key
    shock_origins: tuple = field(default=(), repr=False, compare=False)
    # "YYYY-MM": read the data as it stood then, up to then (sim.timeline.known_by); set by the fit and the hindcast
    data_until: str | None = None

    @property
    def sha256(self) -> str:
        """Hash of the scenario text and of every data file it reads: equal hashes mean equal inputs."""
        digest = hashlib.sha256(self.text.encode())
        for _, file_hash in self.data_files:
            digest.update(file_hash.encode())
        return digest.hexdigest()

    def patent_free_month(self) -> int | None:
        """The month (absolute) from which this scenario's country needs no patent: its own ``patent_free_from``,
        else the profile's [treaty]; None if a patent is always needed."""
        return country.patent_free_month(self.patent_free_from, country.load(self.country))

    @property
    def end(self) -> str:
        return horizon_end(self)

    def warnings(self) -> list[str]:
        """One line per file with shocks that start after the last simulated month, for the command to print: not
        an error, since a file is run with different ``--months`` and such a shock acts in a longer run."""
        late: dict[str, list[str]] = {}
        for position, shock in enumerate(self.shocks):
            if parse_month(shock.start) <= parse_month(self.end):
                continue
            # shocks added in code (the dashboard) have no file of their own
            file_shown, index = self.shock_origins[position] if position < len(self.shock_origins) else \
                (self.path or self.name, position)
            late.setdefault(file_shown, []).append(f"shocks[{index}] ({shock.start})")
        return [f"warning: {file_shown}: {', '.join(shocks)}: "
                f"{'starts' if len(shocks) == 1 else 'start'} after the last simulated month ({self.end}), so "
                f"{'it has' if len(shocks) == 1 else 'they have'} no effect in this run"
                for file_shown, shocks in late.items()]

    def model(self, scale: float, rng, engine: str = "fast", months: int | None = None, calibrated: bool = True,
              **overrides):
        """A ``MigrationModel`` set up for this scenario (parameters and shocks applied). ``calibrated=False``
        starts from the registry defaults instead of the country's calibrated estimates (used by calibration)."""
        from sim.model import MigrationModel

        return MigrationModel(scale=scale, start=self.start, engine=engine, country_profile=self.country,
                              params={**self.parameters, **overrides}, shocks=self.shocks, rng=rng,
                              capacity_months=months or self.months, calibrated=calibrated,
                              data_until=self.data_until, patent_free_from=self.patent_free_from)


def _type_name(value) -> str:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return "a TOML date/time"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _check_keys(path, table: dict, allowed, where: str, what: str = "key"):
    for key in table:
        if key not in allowed:
            raise ScenarioError(path, f"{where}{key}",
                                f"unknown {what} '{key}'{parameters.suggest(key, allowed)}; "
                                f"allowed: {', '.join(allowed)}")


def _number(path, key, value, *, integer=False):
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        expected = "an integer" if integer else "a number"
        raise ScenarioError(path, key, f"expected {expected}, got {_type_name(value)} {_show(value)}")
    if not math.isfinite(value):
        raise ScenarioError(path, key, f"must be a finite number, got {value!r}")
    return value


def _show(value) -> str:
    return repr(value) if not isinstance(value, datetime.date | datetime.time) else str(value)


def _month(path, key, value) -> str:
    if isinstance(value, datetime.date | datetime.datetime):
        raise ScenarioError(path, key, f"expected a quoted month \"YYYY-MM\", got the TOML date {value}; "
                                       f"write \"{value.year:04d}-{value.month:02d}\"")
    if not isinstance(value, str):
        raise ScenarioError(path, key, f"expected a quoted month \"YYYY-MM\", got {_type_name(value)} {value!r}")
    try:
        parse_month(value)
    except ValueError as error:
        raise ScenarioError(path, key, str(error)) from None
    return value


def read_limited(path, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Raises ``ValueError`` with a one-line reason: not
    found, a symlink loop, not a regular file (a FIFO is opened without blocking and refused, never read), too
    large, unreadable."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ValueError("cannot read: a symbolic link loop") from None
        if error.errno == errno.ENOENT:
            raise ValueError("file not found") from None
        if error.errno == errno.EISDIR:
            raise ValueError(f"is a directory, not {what}") from None
        raise ValueError(f"cannot read: {error.strerror}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise ValueError(f"is a directory, not {what}")
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
            raise ValueError(f"is {kind}, not {what}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as error:
        raise ValueError(f"cannot read: {error.strerror}") from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // 1024 // 1024} MiB, too large for {what}")
    return data


def nesting_depth(text: str) -> int:
    """How deeply arrays and inline tables nest in TOML ``text``, counted without parsing it, so that input nested
    deeply enough to exhaust the parser's recursion is refused first. Strings and comments are skipped; table
    headers count as one level."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return 0
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(depth - 1, 0)
        elif c == "#":
            i = text.find("\n", i)
            if i < 0:
                break
        elif c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if quote[0] == '"' and text[i] == "\\" else 1
            i += len(quote) - 1
        i += 1
    return deepest


def _read(path: Path, shown) -> tuple[dict, str]:
    try:
        data = read_limited(path, MAX_SCENARIO_BYTES, "a scenario file")
    except ValueError as error:
        raise ScenarioError(shown, "", str(error)) from None
    try:
        text = data.decode("utf-8-sig")  # "-sig": editors on Windows may start the file with a byte-order mark
    except UnicodeDecodeError:
        raise ScenarioError(shown, "", "cannot read: not UTF-8 text") from None
    if nesting_depth(text) > MAX_NESTING:
        raise ScenarioError(shown, "", f"arrays or inline tables nested more than {MAX_NESTING} deep")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(shown, "", f"not valid TOML: {error}") from None
    except RecursionError:
        raise ScenarioError(shown, "", f"arrays or inline tables nested more than {MAX_NESTING} deep") from None


def _string(path, key, value, what="a string"):
    if not isinstance(value, str):
        raise ScenarioError(path, key, f"expected {what}, got {_type_name(value)} {_show(value)}")
    return value


def _points_from_file(path, where: str, raw: dict, real: Path) -> tuple[list, tuple[str, str]]:
    """Points ``(YYYY-MM, value)`` from a CSV with a ``date`` column, relative to the scenario file."""
    relative = _string(path, f"{where}.file", raw["file"], "a path string")
    shown = os.path.normpath(os.path.join(os.path.dirname(path), relative))
    csv_path = real.parent / relative
    try:
        # "-sig": a spreadsheet saving CSV as UTF-8 starts the file with a byte-order mark
        text = read_limited(csv_path, MAX_DATA_BYTES, "a data file").decode("utf-8-sig")
    except ValueError as error:
        if isinstance(error, UnicodeDecodeError):
            raise ScenarioError(path, f"{where}.file", f"cannot read {shown}: not UTF-8 text") from None
        raise ScenarioError(path, f"{where}.file", f"{error}: {shown}") from None
    reader = csv.reader(text.splitlines())
    previous = csv.field_size_limit(MAX_CSV_FIELD)
    try:
        rows = list(reader)
    except csv.Error as error:
        problem = f"a field longer than {MAX_CSV_FIELD} characters" if "field limit" in str(error) else \
            f"not readable as CSV ({error})"
        raise ScenarioError(path, f"{where}.file", f"{shown} line {reader.line_num}: {problem}") from None
    finally:
        csv.field_size_limit(previous)
    header = rows[0] if rows else []
    if "date" not in header or len(header) < 2:
        raise ScenarioError(path, f"{where}.file", f"{shown}: expected a header with a 'date' column and a "
                                                   f"value column")
    candidates = [name for name in header if name != "date"]
    column = _string(path, f"{where}.column", raw.get("column", candidates[0]))
    if column not in candidates:
        raise ScenarioError(path, f"{where}.column", f"no column '{column}' in {shown}"
                                                     f"{parameters.suggest(column, candidates)}; columns: "
                                                     f"{', '.join(header)}")
    date_at, value_at = header.index("date"), header.index(column)
    points = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        # A surplus field is most often a decimal comma ("90,5"), which would otherwise be read silently as 90.
        if len(row) > len(header):
            raise ScenarioError(path, f"{where}.file", f"{shown} line {line}: {len(row)} fields, but the header has "
                                                       f"{len(header)} ({', '.join(header)})")
        try:
            date, text_value = row[date_at], row[value_at]
            parse_month(date)
            value = float(text_value)
        except (IndexError, ValueError) as error:
            detail = str(error) if isinstance(error, ValueError) and "YYYY-MM" in str(error) else \
                f"expected a YYYY-MM date and a number in '{column}'"
            raise ScenarioError(path, f"{where}.file", f"{shown} line {line}: {detail}") from None
        if not math.isfinite(value):
            raise ScenarioError(path, f"{where}.file", f"{shown} line {line}: '{column}' must be finite")
        if points and parse_month(date) <= parse_month(points[-1][0]):
            raise ScenarioError(path, f"{where}.file", f"{shown} line {line}: dates must increase: {date} follows "
                                                       f"{points[-1][0]}")
        points.append((date, value))
    if not points:
        raise ScenarioError(path, f"{where}.file", f"{shown}: no data rows")
    return points, (shown, hashlib.sha256(text.encode()).hexdigest())


def _shock(real: Path, path: str, index: int, raw) -> tuple[Shock, tuple | None]:
    where = f"shocks[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(path, where, "each shock must be a table ([[shocks]])")
    _check_keys(path, raw, SHOCK_KEYS, f"{where}.")
    for required in ("lever", "mode"):
        if required not in raw:
            raise ScenarioError(path, f"{where}.{required}", "missing required key")
    lever = raw["lever"]
    if not isinstance(lever, str):
        raise ScenarioError(path, f"{where}.lever", f"expected a lever name, got {_type_name(lever)} {_show(lever)}")
    if lever not in parameters.LEVERS:
        if lever in parameters.BY_NAME:
            raise ScenarioError(path, f"{where}.lever", f"'{lever}' is a parameter, not a lever: it cannot change "
                                                        f"over time; set it in [parameters]")
        raise ScenarioError(path, f"{where}.lever",
                            f"unknown lever '{lever}'{parameters.suggest(lever, parameters.LEVERS)}")
    mode = raw["mode"]
    if not isinstance(mode, str):
        raise ScenarioError(path, f"{where}.mode", f"expected a mode name, got {_type_name(mode)} {_show(mode)}")
    if mode not in MODES:
        raise ScenarioError(path, f"{where}.mode", f"unknown mode '{mode}'{parameters.suggest(mode, MODES)}; "
                                                   f"modes are {', '.join(MODES)}")
    note = _string(path, f"{where}.note", raw.get("note", ""))
    end = _month(path, f"{where}.end", raw["end"]) if "end" in raw else None
    data_file = None
    if mode == "path":
        if "value" in raw:
            raise ScenarioError(path, f"{where}.value", "mode 'path' takes points or file, not value")
        if "points" in raw and "file" in raw:
            raise ScenarioError(path, f"{where}.file", "give either points or file, not both")
        if "column" in raw and "file" not in raw:
            raise ScenarioError(path, f"{where}.column", "column needs file")
        if "file" in raw:
            clean, data_file = _points_from_file(path, where, raw, real)
        else:
            points = raw.get("points")
            if "points" not in raw:
                raise ScenarioError(path, f"{where}.points", "missing required key: mode 'path' needs "
                                                             "points = [[\"YYYY-MM\", value], ...] or file = \"...\"")
            if not isinstance(points, list) or not points:
                raise ScenarioError(path, f"{where}.points", "expected a non-empty list [[\"YYYY-MM\", value], ...]")
            clean = []
            for j, point in enumerate(points):
                if not isinstance(point, list) or len(point) != 2:
                    raise ScenarioError(path, f"{where}.points[{j}]", f"expected [\"YYYY-MM\", value], got "
                                                                      f"{_show(point)}")
                clean.append((_month(path, f"{where}.points[{j}][0]", point[0]),
                              float(_number(path, f"{where}.points[{j}][1]", point[1]))))
            for j in range(1, len(clean)):
                if parse_month(clean[j][0]) <= parse_month(clean[j - 1][0]):
                    raise ScenarioError(path, f"{where}.points[{j}][0]",
                                        f"dates must increase: {clean[j][0]} follows {clean[j - 1][0]}")
        start = _month(path, f"{where}.start", raw["start"]) if "start" in raw else clean[0][0]
        end = end or clean[-1][0]
        value = math.nan
    else:
        for key in ("points", "file", "column"):
            if key in raw:
                raise ScenarioError(path, f"{where}.{key}", f"only mode 'path' takes {key}, not mode '{mode}'")
        for required in ("value", "start"):
            if required not in raw:
                raise ScenarioError(path, f"{where}.{required}", "missing required key")
        value = float(_number(path, f"{where}.value", raw["value"]))
        start = _month(path, f"{where}.start", raw["start"])
        if mode in ("ramp", "pulse") and end is None:
            raise ScenarioError(path, f"{where}.end", f"missing required key: mode '{mode}' needs an end month")
        clean = []
    if end is not None and parse_month(end) < parse_month(start):
        raise ScenarioError(path, f"{where}.end", f"end {end} is before start {start}")
    try:
        shock = Shock(lever=lever, mode=mode, start=start, value=value, end=end, points=tuple(clean), note=note)
    except ValueError as error:
        raise ScenarioError(path, where, str(error)) from None
    return shock, data_file


def _resolve(path: Path, shown: str, chain: tuple) -> tuple[dict, dict, list, list[str]]:
    """Merged [scenario] table, merged [parameters] and shocks (each with the file it came from), from the root
    ancestor down to ``path``; plus the texts in that order. ``shown`` is the path as reported in errors."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop on Python versions that raise instead of stopping
        resolved = path.absolute()
    if resolved in [p for p, _ in chain]:
        cycle = " -> ".join([s for _, s in chain] + [shown])
        raise ScenarioError(chain[-1][1], "scenario.extends", f"extends cycle: {cycle}")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(chain[-1][1], "scenario.extends", f"more than {MAX_EXTENDS} files in the extends chain "
                                                               f"from {chain[0][1]}")
    data, text = _read(path, shown)
    _check_keys(shown, data, TABLES, "", "table")
    if "scenario" not in data:
        raise ScenarioError(shown, "scenario", "missing required table [scenario]")
    meta = data["scenario"]
    if not isinstance(meta, dict):
        raise ScenarioError(shown, "scenario", f"expected a table [scenario], got {_type_name(meta)}")
    _check_keys(shown, meta, SCENARIO_KEYS, "scenario.")
    params = data.get("parameters", {})
    if not isinstance(params, dict):
        raise ScenarioError(shown, "parameters", f"expected a table [parameters], got {_type_name(params)}")
    shocks = data.get("shocks", [])
    if not isinstance(shocks, list):
        raise ScenarioError(shown, "shocks", f"expected an array of tables [[shocks]], got {_type_name(shocks)}")
    merged_meta, merged_params, merged_shocks, texts = {}, {}, [], []
    if "extends" in meta:
        parent = meta["extends"]
        if not isinstance(parent, str) or not parent:
            raise ScenarioError(shown, "scenario.extends", f"expected a file path, got {_type_name(parent)} "
                                                           f"{_show(parent)}")
        parent_shown = os.path.normpath(os.path.join(os.path.dirname(shown), parent))
        parent_path = path.parent / parent
        try:
            read_limited(parent_path, MAX_SCENARIO_BYTES, "a scenario file")
        except ValueError as error:
            raise ScenarioError(shown, "scenario.extends", f"{error}: {parent_shown}") from None
        merged_meta, merged_params, merged_shocks, texts = _resolve(parent_path, parent_shown,
                                                                    (*chain, (resolved, shown)))
        # A child is a new scenario: it names and describes itself.
        merged_meta.pop("name", None)
        merged_meta.pop("description", None)
    for key, value in params.items():
        if key not in parameters.BY_NAME:
            raise ScenarioError(shown, f"parameters.{key}",
                                f"unknown parameter '{key}'{parameters.suggest(key, parameters.NAMES)}")
        _number(shown, f"parameters.{key}", value)
        try:
            merged_params[key] = (parameters.check_value(key, value), shown)
        except ValueError as error:
            raise ScenarioError(shown, f"parameters.{key}", str(error).split(": ", 1)[-1]) from None
    merged_meta.update({k: (v, shown) for k, v in meta.items() if k != "extends"})
    merged_shocks += [(path, shown, i, raw) for i, raw in enumerate(shocks)]
    return merged_meta, merged_params, merged_shocks, [*texts, (resolved, text)]


def base_values(country_name: str, scenario_parameters: dict) -> dict[str, float]:
    """Every parameter's value before shocks, resolved in the model's order: registry defaults, the country
    profile's overrides, its calibrated estimates, then the scenario's [parameters]."""
    profile = country.load(country_name)
    return parameters.resolve({**profile.parameter_overrides, **country.calibrated_parameters(profile.name),
                               **scenario_parameters})


def load(path) -> Scenario:
    """Read, resolve ``extends`` and validate a scenario file. Raises ``ScenarioError``."""
    path = Path(path)
    shown = str(path)
    meta, params, raw_shocks, sources = _resolve(path, shown, ())
    for required in ("name", "start", "months"):
        if required not in meta:
            raise ScenarioError(shown, f"scenario.{required}", "missing required key")
    name, name_file = meta["name"]
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ScenarioError(name_file, "scenario.name", f"expected a name of letters, digits, '_', '-' or '.' "
                                                        f"(it names the results directory), got {_show(name)}")
    if len(name) > MAX_NAME_LENGTH:
        raise ScenarioError(name_file, "scenario.name", f"{len(name)} characters; at most {MAX_NAME_LENGTH} (it "
                                                        f"names the results directory)")
    description, description_file = meta.get("description", ("", shown))
    _string(description_file, "scenario.description", description)
    start = _month(meta["start"][1], "scenario.start", meta["start"][0])
    months = _check_months(meta["months"][1], "scenario.months", meta["months"][0], start)
    country_name, country_file = meta.get("country", ("tajikistan", shown))
    if not isinstance(country_name, str) or country_name not in country.available():
        raise ScenarioError(country_file, "scenario.country",
                            f"unknown country {_show(country_name)}"
                            f"{parameters.suggest(str(country_name), country.available())}"
                            f"; available: {', '.join(country.available())}")
    _check_start_within_data(meta["start"][1], start, country_name)
    patent_free_from, free_file = meta.get("patent_free_from", (None, shown))
    if patent_free_from is not None and patent_free_from != country.PATENT_ALWAYS:
        try:
            _month(free_file, "scenario.patent_free_from", patent_free_from)
        except ScenarioError as error:
            raise ScenarioError(free_file, "scenario.patent_free_from",
                                f"{error.detail}, or \"{country.PATENT_ALWAYS}\" (a patent always needed)") from None
    shocks, data_files, data_paths = [], [], []
    for file, file_shown, i, raw in raw_shocks:
        shock, data_file = _shock(file, file_shown, i, raw)
        shocks.append(shock)
        if data_file and data_file not in data_files:
            data_files.append(data_file)
            data_paths.append(Path(file).parent / raw["file"])
        if shock.mode != "ramp" and shock.end is not None and parse_month(shock.end) < parse_month(start):
            raise ScenarioError(file_shown, f"shocks[{i}].end", f"the shock ends ({shock.end}) before the scenario "
                                                                f"starts ({start}): at most the unreported spin-up "
                                                                f"months before the start would see it")
    scenario = Scenario(name=name, description=description, start=start, months=int(months),
                        country=country_name, patent_free_from=patent_free_from,
                        parameters={k: v for k, (v, _) in params.items()},
                        shocks=tuple(shocks), path=shown, text="\n".join(text for _, text in sources),
                        data_files=tuple(data_files), sources=(*(p for p, _ in sources), *data_paths),
                        shock_origins=tuple((file_shown, i) for _, file_shown, i, _ in raw_shocks))
    _check_shock_ranges(scenario, scenario.months)
    return scenario


def data_years(country_name: str) -> tuple[int, int]:
    """The first and last years of the country profile's data series."""
    profile = country.load(country_name)
    return (min(int(years[0]) for years, _ in profile.series.values()),
            max(int(years[-1]) for years, _ in profile.series.values()))


def _check_start_within_data(file, start: str, country_name: str) -> None:
    """A start far outside the country's data would run the model on series extrapolated over decades: refused,
    as it is almost always a typo in the year."""
    first, last = data_years(country_name)
    latest = last + START_BEYOND_DATA_YEARS
    if not first <= parse_month(start) // 12 <= latest:
        raise ScenarioError(file, "scenario.start", f"{start} is outside the {country_name} data ({first}-{last}); "
                                                    f"the model would extrapolate every series from there, so a "
                                                    f"scenario starts between {first}-01 and {latest}-12")


def _check_months(file, key: str, months, start: str) -> int:
    months = _number(file, key, months, integer=True)
    if not 1 <= months <= MAX_MONTHS:
        raise ScenarioError(file, key, f"must be 1..{MAX_MONTHS} months (at most 50 years), got {months}")
    if parse_month(start) + months - 1 > LAST_MONTH:
        raise ScenarioError(file, key, f"{months} months from {start} run past {format_month(LAST_MONTH)}")
    return int(months)


def _check_shock_ranges(scenario: Scenario, months: int, context: str = ""):
    values = base_values(scenario.country, scenario.parameters)
    try:
        Timeline(values, scenario.shocks, first_month=parse_month(scenario.start)).check(months)
    except ShockRangeError as error:
        file_shown, index = scenario.shock_origins[error.position]
        raise ScenarioError(file_shown, f"shocks[{index}]", f"{context}{error}") from None


def with_months(scenario: Scenario, months: int, flag: str = "--months") -> Scenario:
    """``scenario`` with another horizon, checked like the file's own ``months`` (errors name ``flag``)."""
    if months == scenario.months:
        return scenario
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ScenarioError(flag, "", f"must be 1..{MAX_MONTHS} months (at most 50 years), got {months!r}")
    if parse_month(scenario.start) + months - 1 > LAST_MONTH:
        raise ScenarioError(flag, "", f"{months} months from {scenario.start} run past {format_month(LAST_MONTH)}")
    _check_shock_ranges(scenario, months, f"with {flag} {months}, ")
    return dataclasses.replace(scenario, months=months)


def horizon_end(scenario: Scenario, months: int | None = None) -> str:
    return format_month(parse_month(scenario.start) + (months or scenario.months) - 1)
