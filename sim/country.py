"""Origin-country profiles: the structural facts of a sending country, read from ``scenarios/countries/*.toml``.

A profile holds sizes (population, resident labour force, migrant stock, banned stock), the GDP path, home wages,
household size, the regional split and the destination split, each with its source. It may also override registry
defaults in a ``[parameters]`` table, and say from which month its citizens need no Russian work patent (a
``[treaty]`` table: Eurasian Economic Union membership; ``sim.mechanisms.legal_status.patent_fee_due``).
"""

import dataclasses
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim import parameters
from sim.calendar import parse_month

COUNTRIES_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "countries"

FACTS = (
    "local_currency_per_usd", "household_size", "migrant_household_share", "home_wage_usd", "poverty_line_usd",
    "male_share_migrants", "male_share_home_labour_force", "labour_force_entrants_per_year", "entrant_growth",
    "entry_age", "upper_working_age", "destination_share_russia", "destination_share_kazakhstan",
    "destination_share_other", "irregular_share_russia",
)
SERIES = ("population", "labour_force_home", "migrant_stock", "gdp_usd_bn", "banned_stock")
# Without home_wage_usd, facts.home_wage_usd holds at every date. The home economy in local currency (real output,
# consumer prices, the home wage in local currency) is optional: without it, real output and prices stay at their
# start-date level and the wage and poverty line hold in USD (docs/ODD.md §7.10).
OPTIONAL_SERIES = ("home_wage_usd", "real_gdp_index", "cpi_index", "home_wage_local")
# The national poverty line in local currency at the prices of its ``year`` (needs series.cpi_index).
OPTIONAL_FACTS = ("poverty_line_local",)
REGION_KEYS = ("names", "population_share", "migrant_share", "relative_wage")


class ProfileError(ValueError):
    """A profile file is malformed. The message starts with the key path."""


@dataclass(frozen=True)
class CountryProfile:
    name: str
    display_name: str
    currency: str
    path: Path
    facts: dict[str, float]
    entrants_year: int
    series: dict[str, tuple[np.ndarray, np.ndarray]]
    region_names: tuple[str, ...]
    region_population_share: np.ndarray
    region_migrant_share: np.ndarray
    region_relative_wage: np.ndarray
    parameter_overrides: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    # The first month (absolute) from which citizens work in Russia without a patent; None if they always need one.
    patent_free_from: int | None = None
    # Read the series as the data stood at the end of this year (``known_by``); None reads every point.
    data_until_year: int | None = None
    # Each series' points dated ``data_until_year`` or earlier (set by ``known_by``).
    known_series: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def known_by(self, year: int | None) -> "CountryProfile":
        """The profile as the data stood at the end of ``year``: dates before the next year are read from the
        points dated ``year`` or earlier only, later dates from every point. A series with no point by then is
        read whole (it could not have been known; docs/validation.md lists such inputs)."""
        if year is None:
            return dataclasses.replace(self, data_until_year=None, known_series={})
        known = {}
        for key, (years, values) in self.series.items():
            dated = years <= year
            known[key] = (years[dated], values[dated]) if dated.any() else (years, values)
        return dataclasses.replace(self, data_until_year=year, known_series=known)

    def at(self, series: str, year: float) -> float:
        """Linear interpolation between annual points placed at mid-year; beyond the ends, the growth rate of the
        last (or first) two points continues."""
        if self.data_until_year is not None and year < self.data_until_year + 1:
            years, values = self.known_series[series]
        else:
            years, values = self.series[series]
        t = year - 0.5
        if t <= years[0]:
            rate = (values[1] / values[0]) ** (1 / (years[1] - years[0])) if len(years) > 1 else 1.0
            return float(values[0] * rate ** (t - years[0]))
        if t >= years[-1]:
            rate = (values[-1] / values[-2]) ** (1 / (years[-1] - years[-2])) if len(years) > 1 else 1.0
            return float(values[-1] * rate ** (t - years[-1]))
        return float(np.interp(t, years, values))

    def home_wage_usd(self, year: float, local_per_usd: float) -> float:
        """The mean home wage in USD: the local-currency wage at ``local_per_usd`` where the profile has one."""
        if "home_wage_local" in self.series:
            return self.at("home_wage_local", year) / local_per_usd
        if "home_wage_usd" in self.series:
            return self.at("home_wage_usd", year)
        return self.facts["home_wage_usd"]

    def real_output(self, year: float) -> float:
        """Real GDP (constant local currency) as an index; 1 at every date without the series."""
        return self.at("real_gdp_index", year) if "real_gdp_index" in self.series else 1.0

    def price_level(self, year: float) -> float:
        """Consumer prices as an index; 1 at every date without the series."""
        return self.at("cpi_index", year) if "cpi_index" in self.series else 1.0

    def poverty_line_usd(self, year: float, local_per_usd: float) -> float:
        """The national poverty line per person and month in USD: the local line indexed to consumer prices and
        converted at ``local_per_usd``, or the profile's USD line where it has no local one."""
        if "poverty_line_local" not in self.facts:
            return self.facts["poverty_line_usd"]
        base_year = self.facts["poverty_line_local_year"] + 0.5
        return self.facts["poverty_line_local"] * self.price_level(year) / self.price_level(base_year) / \
            local_per_usd

    def entrants_per_year(self, year: float) -> float:
        return self.facts["labour_force_entrants_per_year"] * (1 + self.facts["entrant_growth"]) ** (
            year - self.entrants_year)

    @property
    def destination_shares(self) -> np.ndarray:
        return np.array([self.facts["destination_share_russia"], self.facts["destination_share_kazakhstan"],
                         self.facts["destination_share_other"]])


# A scenario's ``patent_free_from`` that sets aside a profile's treaty: the country's citizens always need a patent.
PATENT_ALWAYS = "never"


def patent_free_month(setting: str | None, profile: CountryProfile) -> int | None:
    """The month (absolute) from which the country's citizens need no patent: a scenario's ``setting`` ("YYYY-MM",
    or ``PATENT_ALWAYS``), else the profile's [treaty] month; None: they always need one. ValueError if malformed."""
    if setting is None:
        return profile.patent_free_from
    return None if setting == PATENT_ALWAYS else parse_month(setting)


def available() -> list[str]:
    return sorted(p.stem for p in COUNTRIES_DIR.glob("*.toml"))


def _number(table, key, where):
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProfileError(f"{where}.{key}: expected a finite number, got {value!r}")
    return float(value)


def _share_vector(values, n, where, total=None):
    if not isinstance(values, list) or len(values) != n:
        raise ProfileError(f"{where}: expected a list of {n} numbers")
    arr = np.array([_number({"v": v}, "v", where) for v in values])
    if (arr < 0).any():
        raise ProfileError(f"{where}: values must be >= 0")
    if total is not None and abs(arr.sum() - total) > 0.02:
        raise ProfileError(f"{where}: shares must sum to 1, got {arr.sum():.3f}")
    return arr / arr.sum() if total is not None else arr


def load(name_or_path: str | Path = "tajikistan") -> CountryProfile:
    """Load a profile by name (``kyrgyzstan``) or path. Raises ProfileError (a ValueError) naming file and key."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = COUNTRIES_DIR / f"{name_or_path}.toml"
        if not path.exists():
            raise ProfileError(f"country: unknown country profile '{name_or_path}'"
                               f"{parameters.suggest(str(name_or_path), available())}; "
                               f"available: {', '.join(available())}")
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise ProfileError(f"{path}: cannot read: {error.strerror}") from None

    def fail(message):
        raise ProfileError(f"{path}: {message}")

    try:
        meta = data["country"]
        facts, sources = {}, {}
        for key in FACTS:
            entry = data.get("facts", {}).get(key)
            if not isinstance(entry, dict):
                fail(f"facts.{key}: missing")
            facts[key] = _number(entry, "value", f"facts.{key}")
            if not entry.get("source"):
                fail(f"facts.{key}.source: every figure needs a source")
            sources[f"facts.{key}"] = entry["source"]
        for key in OPTIONAL_FACTS:
            entry = data.get("facts", {}).get(key)
            if entry is None:
                continue
            if not isinstance(entry, dict) or not entry.get("source"):
                fail(f"facts.{key}.source: every figure needs a source")
            facts[key] = _number(entry, "value", f"facts.{key}")
            facts[f"{key}_year"] = _number(entry, "year", f"facts.{key}")
            sources[f"facts.{key}"] = entry["source"]
        if "poverty_line_local" in facts and "cpi_index" not in data.get("series", {}):
            fail("facts.poverty_line_local: needs series.cpi_index to index the line to prices")
        if abs(facts["destination_share_russia"] + facts["destination_share_kazakhstan"]
               + facts["destination_share_other"] - 1) > 0.02:
            fail("facts.destination_share_*: shares must sum to 1")
        series = {}
        for key in SERIES + OPTIONAL_SERIES:
            entry = data.get("series", {}).get(key)
            if key in OPTIONAL_SERIES and entry is None:
                continue
            if not isinstance(entry, dict) or not entry.get("points"):
                fail(f"series.{key}.points: missing")
            if not entry.get("source"):
                fail(f"series.{key}.source: every series needs a source")
            points = entry["points"]
            years = np.array([_number({"v": p[0]}, "v", f"series.{key}.points") for p in points])
            values = np.array([_number({"v": p[1]}, "v", f"series.{key}.points") for p in points])
            if (np.diff(years) <= 0).any() or (values <= 0).any():
                fail(f"series.{key}.points: years must increase and values be positive")
            series[key] = (years, values)
            sources[f"series.{key}"] = entry["source"]
        regions = data.get("regions", {})
        names = regions.get("names")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            fail("regions.names: expected a list of region names")
        n = len(names)
        overrides = {}
        for key, value in data.get("parameters", {}).items():
            try:
                overrides[key] = parameters.check_value(key, value)
            except ValueError as error:
                fail(f"parameters.{error}")
        patent_free_from = None
        treaty = data.get("treaty")
        if treaty is not None:
            if not isinstance(treaty, dict) or not treaty.get("source"):
                fail("treaty.source: every figure needs a source")
            try:
                patent_free_from = parse_month(treaty.get("patent_free_from"))
            except ValueError as error:
                fail(f"treaty.patent_free_from: {error}")
            sources["treaty.patent_free_from"] = treaty["source"]
        return CountryProfile(
            name=meta["name"], display_name=meta.get("display_name", meta["name"]),
            currency=meta.get("currency", "local"), path=path, facts=facts,
            entrants_year=int(data["facts"]["labour_force_entrants_per_year"].get("year", 2019)),
            series=series, region_names=tuple(names),
            region_population_share=_share_vector(regions.get("population_share"), n,
                                                  "regions.population_share", total=1.0),
            region_migrant_share=_share_vector(regions.get("migrant_share"), n, "regions.migrant_share", total=1.0),
            region_relative_wage=_share_vector(regions.get("relative_wage"), n, "regions.relative_wage"),
            parameter_overrides=overrides, sources=sources, patent_free_from=patent_free_from,
        )
    except KeyError as error:
        fail(f"{error.args[0]}: missing")
    except ProfileError as error:
        message = str(error)
        raise ProfileError(message if message.startswith(str(path)) else f"{path}: {message}") from None


CALIBRATED_DIR = COUNTRIES_DIR.parent / "calibrated"
# The country whose fit other countries borrow: behaviour is assumed common and only the country's facts differ
# (docs/validation.md), as with the posterior draws.
FITTED_COUNTRY = "tajikistan"


def calibrated_parameters(name: str) -> dict[str, float]:
    """The parameter estimates written by ``run.py calibrate`` for this country, or for a country without its own,
    those of ``FITTED_COUNTRY``; {} if there are none."""
    path = CALIBRATED_DIR / f"{name}.toml"
    if not path.exists():
        path = CALIBRATED_DIR / f"{FITTED_COUNTRY}.toml"
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    values = {}
    for key, value in data.get("parameters", {}).items():
        try:
            values[key] = parameters.check_value(key, value)
        except ValueError as error:
            raise ProfileError(f"{path}: parameters.{error}") from None
    return values
