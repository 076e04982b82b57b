"""The scenario library under scenarios/: every file loads, runs, explains itself, and history_2010_2024 follows the
data files it claims to follow."""

import csv
from pathlib import Path

import numpy as np
import pytest

from sim import outputs, parameters, scenario
from sim.calendar import format_month, parse_month
from sim.timeline import Timeline

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "scenarios").glob("*.toml"))
REQUIRED = ("baseline", "crocus_crackdown", "controlled_persons_register", "mass_deportation", "rouble_shock",
            "summit_safeguards", "diversification", "labour_shortage", "history_2010_2024")


def test_the_library_has_every_scenario_of_the_design():
    assert {p.stem for p in LIBRARY} >= set(REQUIRED)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_scenario_loads_and_runs_three_months(path):
    s = scenario.load(path)
    assert s.name == path.stem
    assert s.description
    model = s.model(scale=2000, rng=1, months=3)
    model.run_for(3)
    frame = model.results()
    assert list(frame["date"]) == [format_month(parse_month(s.start) + i) for i in range(3)]
    assert np.isfinite(frame[list(outputs.NAMES)].to_numpy()).all()
    assert (frame["migrants_abroad"] > 0).all()


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_shock_says_why(path):
    for shock in scenario.load(path).shocks:
        assert shock.note.strip(), f"{path.name}: a {shock.mode} shock on {shock.lever} has no note"


@pytest.mark.parametrize("path", [p for p in LIBRARY if p.stem != "history_2010_2024"], ids=lambda p: p.stem)
def test_policy_scenarios_start_with_the_baseline_so_they_compare_month_by_month(path):
    base = scenario.load(ROOT / "scenarios" / "baseline.toml")
    s = scenario.load(path)
    assert (s.start, s.months, s.country) == (base.start, base.months, base.country)


def lever_path(s, lever, months=None):
    months = months or s.months
    base = scenario.base_values(s.country, s.parameters)
    timeline = Timeline(base, s.shocks, first_month=parse_month(s.start))
    dates = [format_month(parse_month(s.start) + i) for i in range(months)]
    return dict(zip(dates, timeline.path(lever, months), strict=True))


@pytest.fixture(scope="module")
def history():
    return scenario.load(ROOT / "scenarios" / "history_2010_2024.toml")


def test_history_runs_from_2010_for_180_months(history):
    assert (history.start, history.months, scenario.horizon_end(history)) == ("2010-01", 180, "2024-12")


def test_history_exchange_rate_is_the_monthly_data_file(history):
    with open(ROOT / "analysis" / "data" / "rub_per_usd_monthly.csv", newline="") as handle:
        data = {row["date"]: float(row["rub_per_usd"]) for row in csv.DictReader(handle)}
    path = lever_path(history, "rub_per_usd")
    assert len(path) == 180
    for date, value in path.items():
        assert value == pytest.approx(data[date]), date
    assert len(history.data_files) == 1
    assert history.data_files[0][0].endswith("analysis/data/rub_per_usd_monthly.csv")


def test_history_wages_are_rosstat_times_078_at_mid_year(history):
    with open(ROOT / "analysis" / "data" / "russia_wages_annual.csv", newline="") as handle:
        wages = {int(row["year"]): float(row["avg_wage_rub"]) for row in csv.DictReader(handle)}
    path = lever_path(history, "migrant_wage_rub")
    for year in range(2010, 2025):
        assert path[f"{year}-07"] == pytest.approx(wages[year] * 0.78, rel=0.005), year


def test_history_patent_fee_changes_each_january_from_the_data(history):
    with open(ROOT / "analysis" / "data" / "patent_fee_moscow.csv", newline="") as handle:
        fees = {int(row["year"]): float(row["patent_fee_rub"]) for row in csv.DictReader(handle)}
    path = lever_path(history, "patent_fee_rub")
    for year in range(2015, 2025):
        assert path[f"{year}-01"] == fees[year]
        assert path[f"{year}-12"] == fees[year]
    assert path["2014-12"] == 1500  # the assumed pre-patent cost


def test_history_policy_dates_follow_the_timeline(history):
    border = lever_path(history, "border_open")
    assert border["2020-02"] == 1.0 and border["2020-03"] < 0.1 and border["2020-12"] < 0.1
    assert 0.1 < border["2021-06"] < 1.0 and border["2022-01"] == 1.0
    bans = lever_path(history, "overstay_ban_prob")
    assert bans["2013-06"] < bans["2013-07"] == parameters.BY_NAME["overstay_ban_prob"].default
    raids = lever_path(history, "raid_intensity")
    assert raids["2024-03"] == raids["2010-01"] and raids["2024-04"] == pytest.approx(3 * raids["2024-03"])
    jobs = lever_path(history, "job_ban_share")
    assert jobs["2024-07"] < jobs["2024-08"]
    register = lever_path(history, "register_listing_prob", months=200)
    assert register["2024-12"] == 0.0 and register["2025-02"] == parameters.BY_NAME["register_listing_prob"].default
    demand = lever_path(history, "russia_labour_demand")
    assert demand["2021-12"] < demand["2023-12"] == parameters.BY_NAME["russia_labour_demand"].default


def test_history_reaches_the_late_2025_regime_of_the_registry(history):
    """Shocks dated after the horizon exist so that --months beyond 2024 lands on the baseline's regime."""
    month = "2025-12"
    extended = {lever: lever_path(history, lever, months=192)[month] for lever in
                ("register_listing_prob", "register_expulsion_prob", "registration_burden", "entry_screening",
                 "job_ban_share", "hostility", "russia_labour_demand", "other_capacity", "patent_fee_rub",
                 "overstay_ban_prob", "raid_intensity")}
    for lever, value in extended.items():
        assert value == pytest.approx(parameters.BY_NAME[lever].default), lever
