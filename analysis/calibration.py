"""Bayesian calibration: ABC-SMC (pyabc) of the free behavioural parameters on Tajik data up to 2013 only.

Everything the fit depends on is declared here, once:

- ``FREE``: the free behavioural parameters and their uniform priors (the registry default is the prior's centre
  of attention, not a constraint);
- ``declared_moments()``: the data moments, each a model output aggregated over one year (sum, mean or December
  value), with its observed value, band and source, all dated 2013 or earlier;
- ``NO_PRE_2014_DATA``: moments the model produces for which ``analysis/data`` holds no figure before 2014, so they
  cannot be targets (listed so that a reader sees what is missing, and so that whoever adds such a figure adds a
  ``Moment`` beside the others).

A candidate parameter set runs the historical scenario from 2010-01 to 2013-12 at reduced scale, ``replicates``
times with the same seeds for every candidate (common random numbers: the distance is a function of the parameters,
not of the noise), and its distance to the data is

    sum over moments of (distance outside the data's low-high band / tolerance)^2,

zero inside every band. pyabc's ABC-SMC (sequential Monte Carlo with a median-epsilon schedule and multivariate
normal perturbation) turns the uniform prior into a weighted particle sample of the posterior: the parameter sets
compatible with every band. The sample goes to ``scenarios/calibrated/tajikistan_posterior.csv`` with its
provenance beside it (``.json``); its weighted median is the point estimate the model loads by default
(``scenarios/calibrated/tajikistan.toml``).

The staleness hash (``inputs_sha256``) covers exactly what the fit reads (``inputs_record``): the historical
scenario's parameters and shocks as the data stood at the fit's end, the country profile as known by then, and these
declarations with the moments' data. Data dated after the fit's end does not enter it. It does not cover the
model's code: a change of mechanism calls for a new calibration that no hash can detect.
"""

import datetime
import hashlib
import json
import math
import os
import signal
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import provenance
from sim import country, parameters
from sim.calendar import parse_month
from sim.country import CALIBRATED_DIR
from sim.scenario import Scenario

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
# The historical scenario that both calibration and the hindcast run: the checkout's own, wherever the command runs.
HISTORY_SCENARIO = ROOT / "scenarios" / "history_2010_2024.toml"
LAST_TARGET_YEAR = 2013
FIT_END = f"{LAST_TARGET_YEAR}-12"
POSTERIOR_CSV = CALIBRATED_DIR / "tajikistan_posterior.csv"
POSTERIOR_JSON = POSTERIOR_CSV.with_suffix(".json")
REBUILD_COMMAND = "python run.py calibrate"


@dataclass(frozen=True)
class Free:
    """A free parameter with a uniform prior on [low, high]."""

    name: str
    low: float
    high: float


# The behavioural parameters without a direct empirical anchor: departure and return propensities, the remittance
# propensity, the network pull, the earnings response and the efficiency of home job matching. The ranges are those
# the registry gives as plausible (docs/parameters.md), widened where the literature is thin; the return rate's
# prior (0.005-0.06) reaches below the registry's range (0.01-0.08) and stops short of its top.
FREE = (
    Free("departure_asc_russia", -7.0, -2.0),
    Free("return_base_prob", 0.005, 0.06),
    Free("remit_share_base", 0.3, 0.95),
    Free("departure_network_coef", 0.3, 3.5),
    Free("departure_earnings_coef", 0.05, 0.8),
    Free("matching_efficiency", 0.05, 0.6),
)


@dataclass(frozen=True)
class Moment:
    """One data moment: model ``output`` aggregated over ``year`` (``sum`` of the months, their ``mean``, or the
    ``december`` value), divided by ``divisor``, against the data's ``value`` and its ``low``-``high`` band."""

    name: str
    output: str
    aggregate: str
    year: int
    value: float
    low: float
    high: float
    source: str
    divisor: float = 1.0

    @property
    def key(self) -> str:
        return f"{self.name}_{self.year}"

    def simulated(self, frame: pd.DataFrame, years: np.ndarray) -> float:
        """The moment in one run's ``frame``, whose rows fall in ``years`` (``frame_years``)."""
        series = frame[self.output].to_numpy(dtype=float)[years == self.year]
        value = {"sum": series.sum, "mean": series.mean, "december": lambda: series[-1]}[self.aggregate]()
        return float(value) / self.divisor

    def distance(self, simulated: float) -> float:
        """How far outside the band, in units of half the band (at least 5 % of the value)."""
        tolerance = max(self.high - self.low, 0.1 * abs(self.value)) / 2
        if self.low <= simulated <= self.high:
            return 0.0
        edge = self.low if simulated < self.low else self.high
        return (simulated - edge) / tolerance


# The data files the moments read (each row with its source, analysis/data/README.md).
MOMENT_FILES = (DATA / "tajikistan_annual.csv", DATA / "tajikistan_home_economy.csv")
# The national poverty rate has no published band: +-3 pp is assumed (survey error and the gap between the survey's
# consumption and the model's income, docs/validation.md).
POVERTY_BAND = 0.03


def declared_moments() -> list[Moment]:
    """The data moments up to 2013."""
    annual = pd.read_csv(DATA / "tajikistan_annual.csv").set_index("year")
    out = []
    for year in range(2010, LAST_TARGET_YEAR + 1):
        row = annual.loc[year]
        out.append(Moment("remittances_usd_bn", "remittances_usd", "sum", year, row.remit_usd_bn,
                          row.remit_usd_bn_low, row.remit_usd_bn_high, "World Bank/KNOMAD (tajikistan_annual.csv)",
                          1e9))
        if pd.notna(row.cbr_transfers_ru_tj_usd_bn):
            # CBR money-transfer systems Russia->Tajikistan: one corridor, formal channels only. No published band,
            # so +-10 % for the corridor's share of the formal total.
            cbr = float(row.cbr_transfers_ru_tj_usd_bn)
            out.append(Moment("cbr_transfers_usd_bn", "remittances_formal_usd", "sum", year, cbr, 0.9 * cbr,
                              1.1 * cbr, "Central Bank of Russia transfers (tajikistan_annual.csv)", 1e9))
    # facts.md: 1.03M abroad in 2011 (Tajik Migration Service); 735,031 left and 572,728 returned in 2011 (Tajik
    # Labour Ministry). Single sources, so a +-10 % band.
    out.append(Moment("migrants_abroad", "migrants_abroad", "mean", 2011, 1.03e6, 0.93e6, 1.13e6,
                      "Tajik Migration Service 2011 (facts.md)"))
    out.append(Moment("departures", "departures", "sum", 2011, 735_031, 661_500, 808_500,
                      "Tajik Labour Ministry 2011 (facts.md)"))
    out.append(Moment("returns_voluntary", "returns_voluntary", "sum", 2011, 572_728, 515_500, 630_000,
                      "Tajik Labour Ministry 2011 (facts.md)"))
    # facts.md: ILO-definition unemployment 11.5 % (2009 LFS) and about 11 % (2013, World Bank).
    out.append(Moment("unemployment_rate", "unemployment_rate", "mean", 2013, 0.11, 0.095, 0.125,
                      "World Bank 2013; 2009 LFS 11.5% (facts.md)"))
    home = pd.read_csv(DATA / "tajikistan_home_economy.csv")
    poverty = home[(home["series"] == "poverty_rate_national") & home["year"].between(2010, LAST_TARGET_YEAR)]
    for row in poverty.itertuples(index=False):
        out.append(Moment("poverty_rate_people", "poverty_rate_people", "mean", int(row.year), float(row.value),
                          float(row.value) - POVERTY_BAND, float(row.value) + POVERTY_BAND,
                          "TajStat national poverty rate (tajikistan_home_economy.csv)"))
    return out


# Model outputs the issue names as moments, without a figure dated 2013 or earlier in analysis/data.
NO_PRE_2014_DATA = {
    "banned_stock": "the first figure is IOM's ~300k expected in 2014 (facts.md)",
    "deportations": "first figures are 2023-2024 (facts.md)",
    "naturalisations": "first figure is 2017 (29k, facts.md)",
    "household_poverty_rate": "the national rate counts persons, so the fit targets poverty_rate_people; the "
                              "share of households has no figure",
    "households_receiving_10_days_share": "the first figures are the 2015-2016 'Listening to Tajikistan' rounds "
                                          "(tajikistan_home_economy.csv)",
}


def fit_scenario(scenario: Scenario) -> Scenario:
    """The scenario as the fit sees it: read as the data stood at the end of the fit (``Scenario.data_until``), so
    no fitted month interpolates towards a later figure (the 2014 Rosstat wage, for one, would otherwise pull up the
    migrant wage of August-December 2013). The hindcast reads the history the same way, so its fitted years are
    the fit's."""
    return replace(scenario, data_until=FIT_END)


def fit_months(scenario: Scenario) -> int:
    """Months from the scenario's start to the end of the last target year."""
    start_year, start_month = (int(part) for part in scenario.start.split("-"))
    return (LAST_TARGET_YEAR - start_year) * 12 + 12 - (start_month - 1)


def target_years() -> list[int]:
    return sorted({m.year for m in declared_moments()})


def year_span(years) -> str:
    """Years as runs of consecutive years: ``[2010, 2011, 2012, 2015]`` -> ``"2010-2012, 2015"``."""
    runs = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)


def years_not_run(scenario: Scenario, years, months: int | None = None) -> list[int]:
    """The ``years`` of which ``scenario`` does not run all twelve months, from its start over ``months`` (default
    its own). Annual moments are read from whole years only."""
    first = parse_month(scenario.start)
    last = first + (scenario.months if months is None else months) - 1
    return [year for year in years if year * 12 < first or year * 12 + 11 > last]


def coverage_problem(scenario: Scenario) -> str | None:
    """Why the fit cannot run ``scenario``, as ``key: reason``, or None. The fit runs it from its start to
    ``FIT_END`` whatever its months, so only a start after the first target year's January can leave a target
    year without its twelve months."""
    years = target_years()
    missing = years_not_run(scenario, years, months=max(fit_months(scenario), 0))
    if not missing:
        return None
    return (f"scenario.start: {scenario.start}, but the calibration runs the scenario from its start to {FIT_END} "
            f"and needs every month of its target years {year_span(years)}; missing {year_span(missing)}")


def declarations() -> dict:
    return {"free": [asdict(f) for f in FREE], "moments": [asdict(m) for m in declared_moments()],
            "last_target_year": LAST_TARGET_YEAR}


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=float).encode()).hexdigest()


def inputs_record(scenario: Scenario) -> tuple[str, list[dict]]:
    """The staleness hash of what the fit reads, and each input with its own hash: the history's levers as the data
    stood at the fit's end (its parameters and its shocks cut by ``sim.timeline.known_by``, which covers the data
    files its paths read), the country profile as known by then (``CountryProfile.known_by``), the registry's
    defaults of every parameter the fit does not draw (the history and the profile override some; the rest run at
    their defaults) and the declared parameters and moments (which hold the moments' data). A figure dated after the
    fit's end changes none of them, so editing later data leaves the posterior fresh; a change to what the fit reads
    makes it stale."""
    from sim.timeline import known_by

    last = parse_month(FIT_END)
    levers = {"start": scenario.start, "country": scenario.country, "parameters": scenario.parameters,
              "shocks": [shock.as_dict() for shock in known_by(scenario.shocks, last)]}
    profile = country.load(scenario.country)
    series = {key: [[float(y), float(v)] for y, v in zip(years, values, strict=True)]
              for key, (years, values) in profile.known_by(LAST_TARGET_YEAR).known_series.items()}
    read_profile = {"facts": profile.facts, "entrants_year": profile.entrants_year, "series": series,
                    "regions": [profile.region_names, profile.region_population_share.tolist(),
                                profile.region_migrant_share.tolist(), profile.region_relative_wage.tolist()],
                    "parameters": profile.parameter_overrides}
    scenario_file = _shown(Path(scenario.path)) if scenario.path else scenario.name
    entries = [
        {"path": scenario_file, "reads": f"parameters and shocks as they stood in {FIT_END}, with the data files "
                                         "their paths read", "sha256": _digest(levers)},
        {"path": _shown(Path(profile.path)), "reads": f"the profile as known by the end of {LAST_TARGET_YEAR}",
         "sha256": _digest(read_profile)},
        {"path": _shown(Path(parameters.__file__)), "reads": "the defaults of the parameters the fit does not draw",
         "sha256": _digest(fixed_defaults())},
        {"path": ", ".join(_shown(p) for p in MOMENT_FILES),
         "reads": "the declared free parameters and moments, with the moments' data",
         "sha256": _digest(declarations())},
    ]
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(f"{entry['path']}\0{entry['sha256']}\0".encode())
    return digest.hexdigest(), entries


def fixed_defaults() -> dict[str, float]:
    """The registry's default of every parameter that is not free in the fit."""
    free = {f.name for f in FREE}
    return {p.name: p.default for p in parameters.PARAMETERS if p.name not in free}


def registry_defaults() -> dict[str, float]:
    return {f.name: parameters.BY_NAME[f.name].default for f in FREE}


def frame_years(frame: pd.DataFrame) -> np.ndarray:
    return frame["date"].str[:4].astype(int).to_numpy()


def simulated_moments(frames: list[pd.DataFrame], moments: list[Moment]) -> dict[str, float]:
    """The mean over replicates of every moment."""
    years = [frame_years(frame) for frame in frames]
    return {m.key: float(np.mean([m.simulated(frame, y) for frame, y in zip(frames, years, strict=True)]))
            for m in moments}


def total_distance(simulated: dict[str, float], moments: list[Moment]) -> float:
    return float(sum(m.distance(simulated[m.key]) ** 2 for m in moments))


def fit_table(simulated: dict[str, float], moments: list[Moment]) -> list[dict]:
    return [{"target": m.name, "year": m.year, "data": m.value, "low": m.low, "high": m.high,
             "simulated": simulated[m.key], "within_band": bool(m.low <= simulated[m.key] <= m.high),
             "source": m.source} for m in moments]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value whose cumulative weight reaches ``q``."""
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights, dtype=float)[order])
    index = min(int(np.searchsorted(cumulative, q * cumulative[-1])), len(values) - 1)
    return float(np.asarray(values)[order][index])


def identifiability(posterior: pd.DataFrame) -> list[dict]:
    """Per parameter: the prior's and the posterior's spread; the ratio says how much the data pin it down."""
    weights = posterior["weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    rows = []
    for f in FREE:
        values = posterior[f.name].to_numpy(dtype=float)
        mean = float(np.sum(weights * values))
        sd = float(np.sqrt(np.sum(weights * (values - mean) ** 2)))
        prior_sd = (f.high - f.low) / math.sqrt(12)
        ratio = sd / prior_sd
        verdict = "pinned down" if ratio < 0.35 else "partly identified" if ratio < 0.7 else "not identified"
        rows.append({"parameter": f.name, "prior_low": f.low, "prior_high": f.high,
                     "registry_default": parameters.BY_NAME[f.name].default,
                     "posterior_median": weighted_quantile(values, weights, 0.5),
                     "posterior_p05": weighted_quantile(values, weights, 0.05),
                     "posterior_p95": weighted_quantile(values, weights, 0.95),
                     "posterior_mean": mean, "posterior_sd": sd, "prior_sd": prior_sd,
                     "sd_ratio": ratio, "identification": verdict})
    return rows


def point_estimate(posterior: pd.DataFrame) -> dict[str, float]:
    """The weighted median of every parameter: robust to the particle cloud's tails."""
    weights = posterior["weight"].to_numpy(dtype=float)
    return {f.name: weighted_quantile(posterior[f.name].to_numpy(dtype=float), weights, 0.5) for f in FREE}


def posterior_files(csv_path: Path = POSTERIOR_CSV, fmt: str | None = None) -> dict[Path, str]:
    """The files ``write_posterior`` writes (and, with ``fmt``, ``plot_prior_posterior``), each with a text that
    marks one as written by an earlier calibration, so that a file of the same name the user wrote is never
    replaced (``analysis.outdir.check_output_file``)."""
    csv_path = Path(csv_path)
    files = {csv_path: ",".join([*(f.name for f in FREE), "weight"]),
             csv_path.with_suffix(".json"): '"kind": "posterior"'}
    if fmt is not None:
        # matplotlib names itself in every format it writes: "Matplotlib" in PNG and PDF, "matplotlib" in SVG.
        files[csv_path.with_suffix(f".{fmt}")] = "atplotlib"
    return files


def write_posterior(posterior: pd.DataFrame, record: dict, csv_path: Path = POSTERIOR_CSV) -> tuple[Path, Path]:
    """The posterior sample (one row per particle: the free parameters and the particle's weight) and its record."""
    csv_path = Path(csv_path)
    json_path = csv_path.with_suffix(".json")
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    for path, text in ((csv_path, posterior[[f.name for f in FREE] + ["weight"]].to_csv(index=False,
                                                                                       float_format="%.6g")),
                       (json_path, json.dumps(record, indent=2) + "\n")):
        staging = path.with_suffix(path.suffix + ".partial")
        staging.write_text(text)
        staging.replace(path)
    return csv_path, json_path


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a TOML basic string: JSON's escapes are TOML's


SIGNATURE = "Written by `python run.py calibrate`"  # the first line of a parameter file, which marks it as ours


def write(record: dict, path: Path | None = None) -> Path:
    """The point-estimate parameter file that the model loads by default for this country."""
    path = Path(path or CALIBRATED_DIR / f"{record['country']}.toml")
    lines = [
        f"# {SIGNATURE} on {record['date']}. Do not edit by hand: re-run the command.",
        "# The weighted posterior median of the free behavioural parameters, fitted to data up to 2013 only",
        "# (analysis/calibration.py); the posterior sample is tajikistan_posterior.csv.",
        "",
        "[calibration]",
        f'date = "{record["date"]}"',
        f'method = "{record["method"]}"',
        f'scenario = "{record["scenario"]}"',
        f"scale = {record['scale']:g}",
        f"replicates = {record['replicates']}",
        f"population_size = {record['population_size']}",
        f"generations = {record['generations']}",
        f"simulations = {record['simulations']}",
        f"distance = {record['distance']:.6g}",
        f"target_years = {record['target_years']}",
        f'inputs_sha256 = "{record["inputs_sha256"]}"',
        *(f"{key} = {_toml_value(value)}" for key, value in record["provenance"].items() if value is not None),
        "",
        "[parameters]",
    ]
    for name, value in record["parameters"].items():
        lines.append(f"{name} = {value:.6g}  # registry default {record['priors'][name]:g}")
    lines.append("")
    for row in record["fit"]:
        lines += ["[[fit]]", f'target = "{row["target"]}"', f"year = {row['year']}", f"data = {row['data']:.6g}",
                  f"low = {row['low']:.6g}", f"high = {row['high']:.6g}", f"simulated = {row['simulated']:.6g}",
                  f"within_band = {str(row['within_band']).lower()}", f'source = "{row["source"]}"', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".toml.partial")
    staging.write_text("\n".join(lines))
    staging.replace(path)
    return path


def today() -> str:
    return datetime.date.today().isoformat()


def stamp(scenario: Scenario, seed: int, values: dict) -> dict:
    return provenance.stamp(scenario, seed=seed, parameters=values)


# --- the ABC-SMC run -------------------------------------------------------------------------------------------

# The share of proposals accepted per generation, for the cost estimate only: 0.39-0.53 in the six generations of the
# committed posterior (tajikistan_posterior.json, generation_log); later generations of a longer run may accept less.
ASSUMED_ACCEPTANCE = 0.4
DATABASE = "calibration.db"
CONFIGURATION = "calibration.json"


class Simulator:
    """pyabc's model: a parameter set -> the simulated moments, the mean of ``replicates`` runs whose seeds are the
    same for every candidate (common random numbers). Module-level and picklable, for pyabc's worker processes."""

    def __init__(self, scenario: Scenario, scale: float, replicates: int, seed: int):
        self.scenario, self.scale, self.replicates, self.seed = fit_scenario(scenario), scale, replicates, seed
        self.moments = declared_moments()
        self.months = fit_months(scenario)

    def frames(self, values: dict[str, float]) -> list[pd.DataFrame]:
        from analysis.runner import replicate_seed, simulate

        return [simulate(self.scenario, replicate_seed(self.seed, i), self.scale, self.months, overrides=values,
                         calibrated=False).frame() for i in range(self.replicates)]

    def __call__(self, parameter) -> dict[str, float]:
        _leave_ctrl_c_to_the_command()
        values = {f.name: float(parameter[f.name]) for f in FREE}
        return simulated_moments(self.frames(values), self.moments)


_COMMAND_PID = os.getpid()


def _leave_ctrl_c_to_the_command() -> None:
    """In a worker process that pyabc's multicore sampler forked from the command, ignore Ctrl-C: the terminal sends
    it to every process of the group, and each worker would print its traceback. The command stops on it, and its
    daemonic workers are ended when it exits. Processes that imported this module themselves (Dask's) are left
    alone."""
    if os.getpid() != _COMMAND_PID and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class BandDistance:
    """pyabc's distance: ``total_distance`` of the simulated moments; the observed ones are the bands themselves."""

    def __init__(self):
        self.moments = declared_moments()

    def __call__(self, simulated, observed) -> float:
        return total_distance(simulated, self.moments)


class ConfigurationError(ValueError):
    """The output directory holds a calibration of another configuration or other inputs; one line."""


def prior():
    import pyabc

    return pyabc.Distribution(**{f.name: pyabc.RV("uniform", f.low, f.high - f.low) for f in FREE})


def sampler(workers: int, dask: str | None):
    """pyabc's own sampler for the chosen executor, and the Dask client to close after (or None).

    pyabc decides itself how many proposals to keep in flight and when a generation has enough accepted particles,
    which ``analysis.backends``' fixed list of tasks cannot express; so the flags choose among pyabc's samplers:
    one process (reproducible: each generation is seeded from the study seed), its multicore sampler, or its Dask
    sampler on the same clusters as ``--dask`` elsewhere (single-threaded worker processes)."""
    from pyabc import sampler as samplers

    if dask is not None:
        from distributed import Client, LocalCluster

        if dask == "local":
            client = Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None))
        else:
            from analysis.cli import InputError

            try:
                client = Client(dask, timeout=20)
            except (OSError, TimeoutError) as error:
                raise InputError(f"--dask: cannot reach the cluster at {dask}: {error}") from None
            client.cluster = None
        return samplers.DaskDistributedSampler(dask_client=client, batch_size=1), client
    if workers <= 1:
        return samplers.SingleCoreSampler(), None
    return samplers.MulticoreEvalParallelSampler(n_procs=workers), None


def configuration(scenario: Scenario, *, population_size: int, generations: int, scale: float, replicates: int,
                  seed: int) -> dict:
    inputs_sha256, files = inputs_record(scenario)
    return {"scenario": scenario.name, "population_size": population_size, "generations": generations,
            "scale": scale, "replicates": replicates, "seed": seed, "fit_end": FIT_END,
            "inputs_sha256": inputs_sha256, "inputs": files}


def estimate_simulations(population_size: int, generations: int) -> int:
    """Proposals pyabc will simulate: the calibration sample from the prior, then every generation at about
    ``ASSUMED_ACCEPTANCE``."""
    return int(population_size * (1 + generations / ASSUMED_ACCEPTANCE))


def run_abc(scenario: Scenario, out: Path, *, population_size: int, generations: int, scale: float,
            replicates: int, seed: int, workers: int = 1, dask: str | None = None, progress: bool = True):
    """Run (or resume) the ABC-SMC in ``out``; return pyabc's History. Every finished generation is in
    ``out/calibration.db`` (pyabc's history database), so a killed run resumes at the generation it was in."""
    import logging

    import pyabc
    from tqdm import tqdm

    for name in ("ABC", "pyabc", "Sampler", "Epsilon", "Distance", "Acceptor", "Transitions", "History"):
        logging.getLogger(name).setLevel(logging.WARNING)
    out = Path(out)
    wanted = configuration(scenario, population_size=population_size, generations=generations, scale=scale,
                           replicates=replicates, seed=seed)
    config_path, db_path = out / CONFIGURATION, out / DATABASE
    if config_path.exists():
        held = json.loads(config_path.read_text())
        differing = [key for key in wanted if held.get(key) != wanted[key] and key != "generations"]
        if differing:
            raise ConfigurationError(f"{out} holds a calibration with other {', '.join(differing)}; choose another "
                                     f"--out or the same settings")
    chosen, client = sampler(workers, dask)
    url = f"sqlite:///{db_path.resolve()}"

    def smc():
        return pyabc.ABCSMC(Simulator(scenario, scale, replicates, seed), prior(), BandDistance(),
                            population_size=population_size, sampler=chosen)

    try:
        if not (db_path.exists() and config_path.exists()):
            db_path.unlink(missing_ok=True)
            smc().new(url, {m.key: m.value for m in declared_moments()})
            config_path.write_text(json.dumps(wanted, indent=2) + "\n")
        history = pyabc.History(url, _id=1)
        done = history.max_t + 1
        bar = tqdm(total=generations, initial=done, desc="ABC-SMC generations", unit="gen", disable=not progress)
        while done < generations:
            # Each generation loads the database afresh, exactly as a resumed run does, so an interrupted and an
            # uninterrupted run take the same steps; on one process the generation's draws depend only on
            # (seed, generation).
            abc = smc()
            abc.load(url, 1)
            np.random.seed([seed, done])
            history = abc.run(max_nr_populations=1)
            done = history.max_t + 1
            populations = history.get_all_populations()
            bar.update(1)
            bar.set_postfix(epsilon=f"{populations.epsilon.iloc[-1]:.3g}", proposals=proposals(history))
        bar.close()
        config_path.write_text(json.dumps({**wanted, "generations": max(generations, done)}, indent=2) + "\n")
        return history
    finally:
        if client is not None:
            cluster = client.cluster  # a LocalCluster this command started, or None for a cluster it joined
            client.close()
            if cluster is not None:
                cluster.close()


def posterior_sample(history) -> pd.DataFrame:
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    frame = frame.reset_index(drop=True)[[f.name for f in FREE]]
    frame["weight"] = np.asarray(weights, dtype=float) / np.sum(weights)
    return frame


def proposals(history) -> int:
    """Parameter sets simulated so far, each ``replicates`` times: the sample from the prior that pyabc draws to set
    the first tolerance (its generation -1) and every generation's proposals, accepted or not."""
    return int(history.get_all_populations().samples.sum())


def generations_table(history) -> list[dict]:
    populations = history.get_all_populations()
    populations = populations[populations.t >= 0]
    return [{"t": int(row.t), "epsilon": float(row.epsilon), "simulations": int(row.samples),
             "acceptance_rate": None} for row in populations.itertuples()]


def plot_prior_posterior(posterior: pd.DataFrame, identification: list[dict], path: Path) -> Path:
    """One panel per parameter: the uniform prior's density against the weighted posterior histogram, titled with
    the identification verdict (posterior sd over prior sd)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = 3
    rows = math.ceil(len(FREE) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 2.8 * rows), squeeze=False)
    weights = posterior["weight"].to_numpy(dtype=float)
    for ax, f, row in zip(axes.flat, FREE, identification, strict=False):
        ax.hist(posterior[f.name], bins=20, range=(f.low, f.high), weights=weights, density=True, alpha=0.6,
                label="posterior")
        ax.plot([f.low, f.high], [1 / (f.high - f.low)] * 2, color="black", label="prior (uniform)")
        ax.axvline(row["registry_default"], color="grey", linestyle=":", label="registry default")
        ax.set_title(f"{f.name}\n{row['identification']} (sd ratio {row['sd_ratio']:.2f})", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(FREE):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    figure.suptitle("Prior against posterior (ABC-SMC on 2010-2013 Tajik data)", fontsize=10)
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path
