"""``MigrationModel``: the Mesa model of Tajik labour migration, remittances and their consequences at home.

    from sim import MigrationModel
    m = MigrationModel(scale=100, rng=1)   # scale = real persons per agent; 1 means 1:1
    m.run_for(12)                          # one step is one calendar month
    df = m.results()                       # one row per month, a 'date' column, outputs in real-world units

Parameters resolve in this order: registry defaults, the country profile's overrides, the country's calibrated
estimates (``scenarios/calibrated/<country>.toml``, or the Tajik ones for a country without its own, unless
``calibrated=False``), then ``params`` and keyword
overrides. Levers can be given a timeline with ``shocks`` (see ``sim.timeline``).

Before the start date the model runs ``spinup_months`` unreported months, with the levers at their values for
those months (shocks from the start date are not yet active), so that states without a data source (grievance,
savings, the register, unemployment spells) settle and the home labour market is anchored (sim.conditions).
"""

import math

import mesa
import numpy as np
import pandas as pd

from sim import country, outputs, parameters, population
from sim.calendar import format_month, fractional_year, parse_month
from sim.mechanisms import legal_status, russian_prices
from sim.random_streams import master_key
from sim.timeline import Shock, Timeline

ENGINES = ("fast", "reference")
MIN_AGENTS = 200


class MigrationModel(mesa.Model):
    def __init__(self, scale: float = 100.0, start: str = "2025-01", *, engine: str = "fast",
                 country_profile: str = "tajikistan", params: dict | None = None, shocks=(),
                 calibrated: bool = True, spinup_months: int = 24, capacity_months: int = 120, rng=None,
                 data_until: str | None = None, patent_free_from: str | None = None, **overrides):
        super().__init__(rng=rng)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
            raise ValueError(f"scale: must be a positive number of persons per agent, got {scale!r}")
        if engine not in ENGINES:
            raise ValueError(f"engine: unknown engine '{engine}'{parameters.suggest(str(engine), ENGINES)}; "
                             f"choose from {', '.join(ENGINES)}")
        if not isinstance(spinup_months, int) or spinup_months < 0:
            raise ValueError(f"spinup_months: must be a whole number >= 0, got {spinup_months!r}")
        self.scale = float(scale)
        self.engine_name = engine
        # ``data_until`` ("YYYY-MM"): up to that month, the levers and the profile's series are read as the data
        # stood then (sim.timeline.known_by, CountryProfile.known_by); a fit ending then sees no later figure.
        self.data_until = parse_month(data_until) if data_until is not None else None
        self.profile = country.load(country_profile).known_by(
            None if self.data_until is None else self.data_until // 12)
        try:
            self.patent_free_from = country.patent_free_month(patent_free_from, self.profile)
        except ValueError as error:
            raise ValueError(f"patent_free_from: {error}, or \"{country.PATENT_ALWAYS}\"") from None
        chosen = dict(self.profile.parameter_overrides)
        if calibrated:
            chosen.update(country.calibrated_parameters(self.profile.name))
        chosen.update(params or {})
        chosen.update(overrides)
        self.values = parameters.resolve(chosen)
        self.start_month = parse_month(start)
        self.first_month = self.start_month - spinup_months
        self.shocks = tuple(s if isinstance(s, Shock) else Shock(**s) for s in shocks)
        # The spin-up months follow the timeline for their own dates: a shock from the start date is not yet active.
        self.timeline = Timeline(self.values, self.shocks, first_month=self.first_month, data_until=self.data_until)
        self.russian_trend = russian_prices.Trend(self.timeline, self.start_month)
        self.master_key = master_key(self.rng)
        self.population_rng = np.random.default_rng(np.random.SeedSequence(int(self.master_key)))
        self.entrant_schedule = population.EntrantSchedule(self.profile, self.scale, self.first_month)
        self.month_index = 0
        self.metrics: dict = {}
        if engine == "fast":
            from sim.engine_fast import FastEngine

            self.engine = FastEngine(self, capacity_months + spinup_months)
        else:
            from sim.reference import ReferenceEngine

            self.engine = ReferenceEngine(self, capacity_months + spinup_months)
        if self.engine.agents < MIN_AGENTS:
            raise ValueError(f"scale: {scale:g} persons per agent leaves only {self.engine.agents} agents; "
                             f"use a scale that gives at least {MIN_AGENTS}")
        self.datacollector = mesa.DataCollector(
            model_reporters={"date": lambda m: m.metrics["date"],
                             **{name: (lambda m, name=name: m.metrics[name]) for name in outputs.NAMES}})
        for month in range(self.first_month, self.start_month):
            self.engine.step(month, self.lever_values(month))

    @property
    def month(self) -> int:
        """The absolute calendar month the next step will simulate."""
        return self.start_month + self.month_index

    @property
    def date(self) -> str:
        return format_month(self.month)

    def lever_values(self, month: int):
        values = dict(self.values)
        values.update(self.levers_at(month))
        return parameters.Values(**values)

    def levers_at(self, month: int) -> dict[str, float]:
        """The levers in ``month``: the timeline's values with the Russian price and wage trend applied, and the
        patent fee this country's citizens actually pay."""
        values = self.russian_trend.apply(self.timeline.values_at(month), month)
        values["patent_fee_rub"] = legal_status.patent_fee_due(values["patent_fee_rub"], month,
                                                               self.patent_free_from)
        return values

    def step(self):
        month = self.month
        v = self.lever_values(month)
        raw = self.engine.step(month, v)
        self.metrics = {"date": format_month(month),
                        **outputs.assemble(raw, self.scale, self.profile.at("gdp_usd_bn", fractional_year(month)))}
        self.datacollector.collect(self)
        self.month_index += 1

    def results(self) -> pd.DataFrame:
        """One row per simulated month: ``date`` and every output in ``sim.outputs``, in real-world units."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        columns = ["date", *outputs.NAMES]
        if frame.empty:
            return pd.DataFrame(columns=columns)
        frame = frame[columns]
        frame[list(outputs.NAMES)] = frame[list(outputs.NAMES)].astype(np.float64)
        return frame

    def levers(self) -> pd.DataFrame:
        """The lever values of every simulated month."""
        months = range(self.start_month, self.month)
        rows = [{"date": format_month(m), **self.levers_at(m)} for m in months]
        return pd.DataFrame(rows, columns=["date", *parameters.LEVERS])
