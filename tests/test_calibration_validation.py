"""Calibration and validation: the fit reads nothing dated after 2013, a killed calibration resumes without losing or
repeating a generation, the committed posterior is fresh and loaded, and validate scores every declared observation
with its baselines, coverage and decomposition."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import tomllib

import numpy as np
import pandas as pd
import pytest

from analysis import calibration, posterior, validation
from analysis.outdir import check_output_file
from sim import scenario
from sim.calendar import format_month, fractional_year, parse_month
from sim.country import load as load_profile
from sim.timeline import Timeline

HISTORY = "scenarios/history_2010_2024.toml"
TINY = ["--population", "6", "--generations", "3", "--scale", "4000", "--replicates", "1", "--workers", "1"]


def _later_data_doubled(history):
    """The history with every path point dated after 2013 and every profile point after 2013 doubled."""
    last = parse_month("2013-12")
    shocks = tuple(dataclasses.replace(s, points=tuple((d, v * 2 if parse_month(d) > last else v)
                                                       for d, v in s.points)) if s.mode == "path" else s
                   for s in history.shocks)
    profile = load_profile(history.country)
    series = {key: (years, np.where(years > 2013, values * 2, values))
              for key, (years, values) in profile.series.items()}
    return shocks, dataclasses.replace(profile, series=series)


def test_no_calibration_target_or_fit_input_is_dated_after_2013():
    assert max(m.year for m in calibration.declared_moments()) <= 2013
    history = scenario.load(HISTORY)
    fitted = calibration.fit_scenario(history)
    model = fitted.model(scale=4000, rng=1, months=48)
    first, last = model.first_month, parse_month("2013-12")
    shocks, profile = _later_data_doubled(history)
    timeline = Timeline(model.values, shocks, first_month=first, data_until=last)
    raw = Timeline(model.values, shocks, first_month=first)
    months = range(first, last + 1)
    levers = [lever for lever in model.values if lever in timeline.base]
    # Every lever and every profile series in the fitted months is the same whatever the later data say ...
    for month in months:
        assert timeline.values_at(month) == model.timeline.values_at(month), format_month(month)
    years = [fractional_year(month) for month in months]
    for key in profile.series:
        assert [profile.known_by(2013).at(key, y) for y in years] == [model.profile.at(key, y) for y in years], key
    # ... while the history read whole does move with them in some fitted month, so the cut is doing something.
    assert any(raw.values_at(m)[lever] != timeline.values_at(m)[lever] for m in months for lever in levers)
    assert any(profile.at(key, y) != model.profile.at(key, y) for key in profile.series for y in years)
    # After the fit's end, the hindcast reads every figure.
    assert model.timeline.values_at(last + 13) == Timeline(model.values, history.shocks,
                                                            first_month=first).values_at(last + 13)
    frame = calibration.Simulator(history, 4000, 1, 1).frames(calibration.registry_defaults())[0]
    assert frame["date"].iloc[-1] == "2013-12"
    # The hindcast of the fitted country is read the same way.
    assert validation.country_scenario(history, history.country).data_until == calibration.FIT_END


def test_the_staleness_hash_covers_what_the_fit_reads_and_nothing_dated_later(monkeypatch):
    history = scenario.load(HISTORY)
    reference, reference_entries = calibration.inputs_record(history)
    shocks, later_doubled = _later_data_doubled(history)
    monkeypatch.setattr(calibration.country, "load", lambda name: later_doubled)
    assert calibration.inputs_record(dataclasses.replace(history, shocks=shocks))[0] == reference
    # A figure the fit reads changes the hash, and the entry that names its file: the 2013 home wage ...
    years, values = later_doubled.series["home_wage_local"]
    wage_2013 = np.where(years == 2013, values * 2, values)
    edited_profile = dataclasses.replace(later_doubled, series={**later_doubled.series,
                                                                "home_wage_local": (years, wage_2013)})
    monkeypatch.setattr(calibration.country, "load", lambda name: edited_profile)
    changed, entries = calibration.inputs_record(history)
    assert changed != reference
    assert [e["sha256"] != r["sha256"] for e, r in zip(entries, reference_entries, strict=True)] == [False, True,
                                                                                                     False, False]
    # ... or a rouble month of 2012.
    monkeypatch.setattr(calibration.country, "load", lambda name: later_doubled)
    rouble = next(s for s in history.shocks if s.lever == "rub_per_usd")
    moved = dataclasses.replace(rouble, points=tuple((d, v * 1.01 if d == "2012-06" else v) for d, v in rouble.points))
    edited = dataclasses.replace(history, shocks=tuple(moved if s is rouble else s for s in history.shocks))
    changed, entries = calibration.inputs_record(edited)
    assert changed != reference
    assert [e["sha256"] != r["sha256"] for e, r in zip(entries, reference_entries, strict=True)] == [True, False,
                                                                                                     False, False]
    # ... or the registry's default of a parameter the fit runs at its default (not of one it draws).
    monkeypatch.setattr(calibration.country, "load", load_profile)
    registry = calibration.parameters.PARAMETERS
    send = calibration.parameters.BY_NAME["remit_send_prob"]
    monkeypatch.setattr(calibration.parameters, "PARAMETERS", tuple(
        dataclasses.replace(p, default=0.3) if p is send else p for p in registry))
    changed, entries = calibration.inputs_record(history)
    assert changed != reference
    assert [e["sha256"] != r["sha256"] for e, r in zip(entries, reference_entries, strict=True)] == [False, False,
                                                                                                     True, False]
    assert entries[2]["path"] == "sim/parameters.py"
    drawn = calibration.parameters.BY_NAME[calibration.FREE[0].name]
    monkeypatch.setattr(calibration.parameters, "PARAMETERS", tuple(
        dataclasses.replace(p, default=p.default + 1) if p is drawn else p for p in registry))
    assert calibration.inputs_record(history)[0] == reference


def test_moment_distance_is_zero_inside_the_band_and_grows_outside():
    moment = calibration.Moment("x", "departures", "sum", 2011, 10.0, 9.0, 11.0, "test")
    assert moment.distance(10.5) == 0.0
    assert moment.distance(12.0) == pytest.approx(1.0)
    assert moment.distance(7.0) == pytest.approx(-2.0)


def _populations(db):
    import pyabc

    history = pyabc.History(f"sqlite:///{db}", _id=1)
    frames = {t: history.get_distribution(m=0, t=t)[0].sort_index(axis=1).to_numpy()
              for t in range(history.max_t + 1)}
    return history.get_all_populations(), frames


def test_a_killed_calibration_resumes_without_losing_or_repeating_a_generation(tmp_path):
    out, write_to = tmp_path / "calibration", tmp_path / "calibrated"
    command = [sys.executable, "run.py", "calibrate", *TINY, "--out", str(out), "--write-to", str(write_to)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / calibration.DATABASE
    deadline = time.time() + 240
    killed_at = None
    while time.time() < deadline and process.poll() is None:
        if db.exists():
            try:
                populations, _ = _populations(db)
            except Exception:  # the database is being created
                populations = None
            if populations is not None and populations.t.max() >= 0:
                process.send_signal(signal.SIGKILL)
                process.wait()
                killed_at = populations.t.max()
                break
        time.sleep(0.05)
    assert killed_at is not None, "the calibration finished before a generation could be interrupted"
    assert not (write_to / calibration.POSTERIOR_CSV.name).exists()
    before_counts, before = _populations(db)

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    after_counts, after = _populations(db)
    # Every generation exactly once, and those finished before the kill are untouched.
    assert list(after_counts.t) == [-1, 0, 1, 2]
    for t, particles in before.items():
        np.testing.assert_array_equal(after[t], particles)
        assert int(after_counts.set_index("t").at[t, "samples"]) == int(before_counts.set_index("t").at[t, "samples"])

    # On one process a resumed run is the uninterrupted run.
    straight = tmp_path / "straight"
    subprocess.run([sys.executable, "run.py", "calibrate", *TINY, "--out", str(straight), "--write-to",
                    str(tmp_path / "straight_calibrated")], capture_output=True, check=True, timeout=300)
    _, uninterrupted = _populations(straight / calibration.DATABASE)
    for t in after:
        np.testing.assert_array_equal(after[t], uninterrupted[t])

    record = json.loads((write_to / "tajikistan_posterior.json").read_text())
    assert record["generations"] == 3
    written = tomllib.loads((write_to / "tajikistan.toml").read_text())
    assert set(written["parameters"]) == {f.name for f in calibration.FREE}
    assert max(written["calibration"]["target_years"]) <= 2013


def test_ctrl_c_stops_a_calibration_on_worker_processes_with_one_line(tmp_path):
    """The terminal sends Ctrl-C to every process of the group, pyabc's forked workers included."""
    out = tmp_path / "calibration"
    command = [sys.executable, "run.py", "calibrate", "--population", "30", "--generations", "3", "--scale", "2000",
               "--replicates", "1", "--workers", "2", "--no-plots", "--out", str(out), "--write-to",
               str(tmp_path / "w")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None and not (out / calibration.DATABASE).exists():
        time.sleep(0.1)
    time.sleep(1)
    assert process.poll() is None, "the calibration finished before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "interrupted; run the same command again to resume\n" in err


def test_a_calibration_directory_refuses_another_configuration(tmp_path):
    out = tmp_path / "calibration"
    base = [sys.executable, "run.py", "calibrate", "--out", str(out), "--write-to", str(tmp_path / "w")]
    short = [*TINY[:2], "--generations", "1", *TINY[4:]]
    subprocess.run([*base, *short], capture_output=True, check=True, timeout=300)
    completed = subprocess.run([*base, *short, "--seed", "7"], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2
    assert completed.stderr.strip().count("\n") == 0 and "--out" in completed.stderr and "seed" in completed.stderr


def test_the_committed_posterior_is_fresh_and_its_median_is_the_default_point_estimate():
    from sim import MigrationModel, country

    sample = posterior.load()  # raises if stale
    assert set(sample.names) == {f.name for f in calibration.FREE}
    assert sample.record["fit_end"] == "2013-12"
    assert max(sample.record["target_years"]) <= 2013
    assert "population_size" in sample.record and "git_commit" in sample.record["provenance"]
    estimates = country.calibrated_parameters("tajikistan")
    for name, value in calibration.point_estimate(sample.sample).items():
        assert estimates[name] == pytest.approx(value, rel=1e-5)
    model = MigrationModel(scale=4000, rng=1)
    for name, value in estimates.items():
        assert model.values[name] == pytest.approx(value)
    # A country without a fit of its own borrows the Tajik one, as the posterior draws do.
    for other in ("uzbekistan", "kyrgyzstan"):
        assert country.calibrated_parameters(other) == estimates
        model = MigrationModel(scale=4000, rng=1, country_profile=other)
        assert all(model.values[name] == pytest.approx(value) for name, value in estimates.items())


def test_a_stale_or_missing_posterior_is_one_line_naming_the_file_and_the_rebuild(tmp_path):
    csv = tmp_path / "tajikistan_posterior.csv"
    sample = posterior.load()
    sample.sample.to_csv(csv, index=False)
    with pytest.raises(posterior.PosteriorError, match="missing.*python run.py calibrate"):
        posterior.load(csv)
    (tmp_path / "tajikistan_posterior.json").write_text(json.dumps({**sample.record, "inputs_sha256": "0" * 64}))
    with pytest.raises(posterior.PosteriorError) as error:
        posterior.load(csv)
    message = str(error.value)
    assert "stale" in message and "tajikistan_posterior.json" in message and "python run.py calibrate" in message
    assert "\n" not in message


def test_posterior_draws_are_repeatable_and_follow_the_weights():
    sample = posterior.load()
    assert sample.draws(5, seed=3) == sample.draws(5, seed=3)
    assert sample.draws(5, seed=3) != sample.draws(5, seed=4)


@pytest.mark.parametrize("value", ["0", "-3", "1.5"])
def test_posterior_flag_refuses_non_positive_or_non_integer_values(value):
    completed = subprocess.run([sys.executable, "run.py", "run", "scenarios/baseline.toml", "--posterior", value],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2
    assert completed.stderr.strip().count("\n") == 0 and "--posterior" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_run_with_posterior_draws_gives_each_replicate_its_draw(tmp_path):
    out = tmp_path / "run"
    completed = subprocess.run([sys.executable, "run.py", "run", "scenarios/baseline.toml", "--posterior", "3",
                                "--replicates", "2", "--scale", "4000", "--months", "12", "--workers", "1",
                                "--no-plots", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["replicates"] == 3 and manifest["posterior"]["draws"] == 3
    assert "posterior draw" in manifest["bands"]
    summary = pd.read_csv(out / "summary.csv")
    assert summary["bands"].str.contains("parameter and stochastic").all()


def test_ensemble_applies_draw_i_mod_n_under_the_scenarios_own_parameters():
    from analysis import ensemble

    base = scenario.load("scenarios/baseline.toml")
    draws = [{"return_base_prob": 0.01}, {"return_base_prob": 0.05}]
    series = ensemble.run(base, 3, 1, 4000, months=12, draws=draws, description=None)
    plain = ensemble.run(base, 3, 1, 4000, months=12, overrides={"return_base_prob": 0.05}, description=None)
    both = series[series.replicate == 1].reset_index(drop=True)
    np.testing.assert_array_equal(both["returns_voluntary"], plain[plain.replicate == 1]["returns_voluntary"])


def test_validate_writes_the_scorecard_with_every_field(tmp_path):
    out = tmp_path / "validation"
    # Run from another directory: the default history scenario is the checkout's own, not one under the cwd.
    completed = subprocess.run([sys.executable, str(calibration.ROOT / "run.py"), "validate", "--posterior", "2",
                                "--scale", "4000", "--workers", "1", "--no-plots", "--out", str(out)],
                               capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    card = pd.read_csv(out / "scorecard.csv")
    for column in ("country", "moment", "year", "observed", "observed_low", "observed_high", "model_median",
                   "model_p05", "model_p95", "rouble_only", "persistence", "inside_predictive_band"):
        assert column in card.columns
    assert set(card["country"]) == {"tajikistan", "uzbekistan", "kyrgyzstan"}
    assert (card[card.country != "tajikistan"]["period"] == "held_out").all()
    assert (card[card.period == "fit"]["year"] <= 2013).all()
    # The 2023 deportations sized a lever: an input, not a held-out check, so coverage leaves it out.
    sized = card[(card.moment == "deportations") & (card.year == 2023)]
    assert list(sized["period"]) == ["input"]
    fields = json.loads((out / "validation.json").read_text())
    held = card[card.period == "held_out"]
    assert fields["coverage_90pct_band"]["all"]["observations"] == len(held)
    for key in ("skill_2014_2019", "coverage_90pct_band", "change_2013_2016", "decomposition_2013_2016", "goals",
                "posterior"):
        assert key in fields
    assert "unemployment_ilo" in fields["home_economy"]["out_of_sample_within"]
    assert "unemployment_ilo" in completed.stdout and (out / "home_economy.csv").exists()
    # Kyrgyzstan's treaty, paired: its history again with a patent always needed; no other country has one.
    assert set(fields["treaty_effect"]) == {"kyrgyzstan"}
    effect = fields["treaty_effect"]["kyrgyzstan"]
    assert set(effect["gain_with_treaty"]) == {"2016", "2017", "2018", "2019"}
    assert "kyrgyzstan without its treaty (paired)" in completed.stdout
    # The figure's table: the fitted country's remittances first, the never-fitted countries marked so.
    table = pd.read_csv(out / "hindcast.csv")
    assert table["metric"].iloc[0] == "Tajikistan: remittances"
    assert (table["fitted"] == table["metric"].str.startswith("Tajikistan")).all()
    assert "Kyrgyzstan (never fitted): money transfers from Russia (CBR)" in set(table["metric"])
    for country in ("tajikistan", "uzbekistan", "kyrgyzstan"):
        parts = fields["decomposition_2013_2016"][country]["model"]
        total = sum(parts[name]["median"] for name in ("exchange_rate", "rouble_wages", "migrant_stock", "behaviour"))
        assert total == pytest.approx(parts["total"]["median"], abs=0.05)


def test_baselines_follow_their_definitions():
    """Rouble-only: the 2013 value held constant in roubles; persistence: the 2013 value carried forward."""
    runs = {"tajikistan": pd.DataFrame([{"replicate": 0, "year": y, **{m: 1.0 for m in validation.MEASURES}}
                                        for y in range(2010, 2020)])}
    card = validation.scorecard(runs).set_index(["moment", "year"])
    rates = validation.rates("tajikistan")
    row = card.loc[("remittances_usd_bn", 2015)]
    assert row["persistence"] == pytest.approx(4.15)
    assert row["rouble_only"] == pytest.approx(4.15 * rates[2013] / rates[2015])
    assert np.isnan(card.loc[("remittances_usd_bn", 2012), "persistence"])


def test_the_transfer_share_is_compared_over_the_survey_months_only():
    """The survey's rounds ran May-August, and transfers have a season: the model's share is averaged over those
    months, not the year."""
    from analysis import home_validation

    dates = [f"2016-{m:02d}" for m in range(1, 13)]
    frame = pd.DataFrame({"date": dates, **{name: 0.0 for name in home_validation.ANNUAL_OUTPUTS}})
    frame["households_receiving_10_days_share"] = [0.05] * 4 + [0.2] * 4 + [0.05] * 4
    frame["households_receiving_share"] = [0.3] * 12
    means = home_validation.annual_means(frame)
    assert means.loc[2016, "households_receiving_10_days_share"] == pytest.approx(0.2)
    assert means.loc[2016, "households_receiving_share"] == pytest.approx(0.3)


def test_validate_compares_the_home_economy_with_the_surveys_year_by_year(tmp_path):
    """Annual model means against every data row of tajikistan_home_economy.csv the run covers, with the error in
    points and a verdict; only years after 2013 can be missed (earlier ones are in sample)."""
    from analysis import home_validation

    runs = pd.DataFrame([{"replicate": r, "year": y, "unemployment_rate": 0.10, "poverty_rate_people": 0.30,
                          "households_receiving_share": 0.35, "households_receiving_10_days_share": 0.137,
                          "youth_unemployment_rate": 0.2,
                          "returnee_unemployment_rate": 0.3, "household_poverty_rate": 0.3,
                          "home_employed": 1e6 * (1 + (y == 2016) * 0.1), "home_employed_wage": 6e5,
                          "home_employed_plot": 4e5 * (1 + (y == 2016) * 0.25),
                          "home_currency_per_usd": 4.76 * 1.04 ** (y - 2013)}
                         for r in range(2) for y in range(2010, 2025)])
    fields, table = home_validation.compare(runs)
    rows = {(row["series"], row["year"]): row for row in fields["years"]}
    assert rows[("unemployment_ilo", 2013)]["verdict"] == "in sample"
    assert rows[("unemployment_ilo", 2019)]["error_pp"] == pytest.approx(100 * (0.10 - 0.076))
    assert rows[("unemployment_ilo", 2019)]["verdict"] == "within"  # 2.4 pp, inside +-3 pp
    assert rows[("poverty_rate_national", 2024)]["verdict"] == "MISSED"  # 30% against 20%
    # The survey's question (a 10-day window), not the month's share.
    assert rows[("households_receiving_10_days", 2016)]["error_pp"] == pytest.approx(0.0)
    assert rows[("households_receiving_10_days", 2015)]["error_pp"] == pytest.approx(100 * (0.137 - 0.114))
    assert fields["employment_change_2013_2016"] == pytest.approx(0.1)
    assert fields["employment_change_2013_2016_by_sector"]["household_plot"] == pytest.approx(0.25)
    assert fields["employment_change_2013_2016_by_sector"]["wage"] == pytest.approx(0.0)
    assert ("unemployment_registered", 2016) not in rows  # the registered rate is another definition
    lines = home_validation.verdict_lines(fields)
    assert any("poverty_rate_national" in line and "2024" in line and "MISSED" in line for line in lines)
    # The somoni, 2014-2019 only: 4.76 x 1.04 = 4.950 against 4.94 in 2014; 4.76 x 1.04^3 = 5.354 against 7.84.
    somoni = {row["year"]: row for row in fields["somoni"]}
    assert sorted(somoni) == list(range(2014, 2020))
    assert somoni[2014]["error_pct"] == pytest.approx(100 * (4.76 * 1.04 / 4.94 - 1))
    assert somoni[2014]["verdict"] == "within" and somoni[2016]["verdict"] == "MISSED"
    assert fields["out_of_sample_within"]["somoni_per_usd"] is False
    assert set(table["series"]) >= {"somoni_per_usd", "unemployment_ilo"}
    assert any("somoni_per_usd" in line and "2016" in line and "MISSED" in line for line in lines)


def _history_cut_short(directory, months):
    """A scenario file that is the checkout's history with a shorter horizon."""
    path = directory / "history_short.toml"
    path.write_text(f'[scenario]\nname = "history_short"\nextends = "{(calibration.ROOT / HISTORY).as_posix()}"\n'
                    f"months = {months}\n")
    return path


def _refusal(monkeypatch, capsys, argv):
    """Run a command in this process with the model and the fit switched off, so that input refused before any run
    is the only way to finish quickly: the exit status and standard error."""
    from analysis import cli

    def no_run(*args, **kwargs):
        raise AssertionError("the model ran before the input was checked")

    monkeypatch.setattr(validation, "hindcast", no_run)
    monkeypatch.setattr(calibration.Simulator, "__call__", no_run)
    monkeypatch.setattr(calibration, "run_abc", no_run)
    status = cli.main(argv)
    return status, capsys.readouterr().err


def test_the_coverage_checks_name_the_years_a_scenario_misses():
    history = scenario.load(HISTORY)
    assert validation.coverage_problem(history) is None
    assert calibration.coverage_problem(history) is None
    # The fit runs to 2013-12 whatever the scenario's months; the validation runs the scenario's own months.
    short = dataclasses.replace(history, months=48)
    assert calibration.coverage_problem(short) is None
    assert validation.coverage_problem(short).startswith("scenario.months: the scenario runs 2010-01 to 2013-12")
    assert validation.coverage_problem(short).endswith("missing 2014-2019")
    late = dataclasses.replace(history, start="2011-06")
    assert calibration.coverage_problem(late).endswith("target years 2010-2013; missing 2010-2011")
    assert validation.coverage_problem(dataclasses.replace(history, start="2014-01")).startswith("scenario.start")
    assert calibration.year_span([2010, 2011, 2012, 2015]) == "2010-2012, 2015"


@pytest.mark.parametrize(("scenario_file", "key", "missing"), [("baseline", "scenario.start", "2013-2019"),
                                                               ("cut short", "scenario.months", "2014-2019")])
def test_validate_refuses_a_scenario_without_the_years_it_scores_before_any_run(tmp_path, monkeypatch, capsys,
                                                                              scenario_file, key, missing):
    path = "scenarios/baseline.toml" if scenario_file == "baseline" else str(_history_cut_short(tmp_path, 48))
    out = tmp_path / "validation"
    status, err = _refusal(monkeypatch, capsys, ["validate", "--scenario", path, "--posterior", "2", "--scale",
                                                 "400", "--workers", "1", "--no-plots", "--out", str(out)])
    assert status == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: --scenario: {path}: {key}: ")
    assert "needs every month of 2013-2019" in err and err.rstrip().endswith(f"missing {missing}")
    assert not out.exists()


def test_calibrate_refuses_a_scenario_that_starts_after_its_target_years_before_any_run(tmp_path, monkeypatch,
                                                                                         capsys):
    out, write_to = tmp_path / "calibration", tmp_path / "calibrated"
    status, err = _refusal(monkeypatch, capsys, ["calibrate", "--scenario", "scenarios/baseline.toml", "--out",
                                                 str(out), "--write-to", str(write_to), "--no-plots"])
    assert status == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: --scenario: scenarios/baseline.toml: scenario.start: 2025-01")
    assert "target years 2010-2013" in err and err.rstrip().endswith("missing 2010-2013")
    assert not out.exists() and not write_to.exists()


@pytest.mark.parametrize("name", ["tajikistan_posterior.csv", "tajikistan_posterior.json",
                                  "tajikistan_posterior.png"])
def test_calibrate_never_replaces_a_posterior_file_it_did_not_write(tmp_path, monkeypatch, capsys, name):
    write_to = tmp_path / "mine"
    write_to.mkdir()
    (write_to / name).write_text("my own notes\n", encoding="utf-8")
    out = tmp_path / "calibration"
    status, err = _refusal(monkeypatch, capsys, ["calibrate", "--out", str(out), "--write-to", str(write_to)])
    assert status == 2, err
    assert err == f"error: --write-to: {write_to / name} exists and was not written by this program; choose another " \
                  f"file name\n"
    assert (write_to / name).read_text(encoding="utf-8") == "my own notes\n" and not out.exists()


def test_the_committed_posterior_files_are_recognised_as_a_calibrations():
    for path, signature in calibration.posterior_files(calibration.POSTERIOR_CSV, "png").items():
        check_output_file(path, flag="--write-to", signature=signature)


def test_calibrate_refuses_an_empty_write_to_that_would_mean_the_current_directory(tmp_path, monkeypatch, capsys):
    out = tmp_path / "calibration"
    status, err = _refusal(monkeypatch, capsys, ["calibrate", "--out", str(out), "--write-to", ""])
    assert status == 2 and err.startswith("error: run.py calibrate: argument --write-to: expected a directory name")
    assert not out.exists()


class _FinishedFit:
    """pyabc's History as calibrate reads it after one generation: 4 proposals drawn from the prior to set the
    first tolerance (t = -1), then 12 in generation 0."""

    max_t = 0

    def get_all_populations(self):
        return pd.DataFrame({"t": [-1, 0], "epsilon": [np.inf, 1.0], "samples": [4, 12]})

    def get_distribution(self, m, t):
        particles = pd.DataFrame({f.name: np.linspace(f.low, f.high, 4) for f in calibration.FREE})
        return particles, np.full(4, 0.25)


class _InstantSimulator:
    def __init__(self, scenario, scale, replicates, seed):
        self.moments = calibration.declared_moments()

    def __call__(self, values):
        return {}

    def frames(self, values):
        return []


@pytest.mark.parametrize("figure_flags", [["--no-plots"], ["--format", "svg"]])
def test_calibrate_writes_a_figure_only_without_no_plots_and_counts_every_simulation(tmp_path, monkeypatch, capsys,
                                                                                    figure_flags):
    from analysis import cli

    monkeypatch.setattr(calibration, "Simulator", _InstantSimulator)
    monkeypatch.setattr(calibration, "run_abc", lambda *args, **kwargs: _FinishedFit())
    monkeypatch.setattr(calibration, "simulated_moments", lambda frames, moments: {m.key: m.value for m in moments})
    write_to = tmp_path / "calibrated"
    status = cli.main(["calibrate", "--population", "4", "--generations", "1", "--replicates", "2", "--scale", "4000",
                       "--workers", "1", "--out", str(tmp_path / "calibration"), "--write-to", str(write_to),
                       "--yes", *figure_flags])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    figures = {path.name for path in write_to.iterdir() if path.suffix in (".png", ".svg", ".pdf")}
    assert figures == (set() if "--no-plots" in figure_flags else {"tajikistan_posterior.svg"})
    assert {"tajikistan_posterior.csv", "tajikistan_posterior.json", "tajikistan.toml"} <= set(
        path.name for path in write_to.iterdir())
    # The prior sample's simulations count as the progress bar counts them, each run once per replicate.
    assert calibration.proposals(_FinishedFit()) == 16
    last = captured.out.strip().splitlines()[-1]
    assert "16 proposals, the prior sample included, x 2 replicate(s) = 32 simulations" in last
    assert json.loads((write_to / "tajikistan_posterior.json").read_text())["simulations"] == 32


@pytest.mark.parametrize("command", ["calibrate", "validate"])
def test_an_empty_scenario_name_is_refused_for_what_it_is(tmp_path, monkeypatch, capsys, command):
    # Read as a path, "" is the current directory, and the error would say "is a directory".
    out = tmp_path / "out"
    status, err = _refusal(monkeypatch, capsys, [command, "--scenario", "", "--out", str(out)])
    assert status == 2 and err.startswith(f"error: run.py {command}: argument --scenario: expected a file name, got "
                                          "an empty string")
    assert not out.exists()
