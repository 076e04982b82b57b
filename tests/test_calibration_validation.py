"""Calibration and validation: the pipeline runs end to end, uses data up to 2013 only, and validate
computes every field from a run."""

import json
import subprocess
import sys
import tomllib

import numpy as np
import pandas as pd
import pytest

from analysis import calibration, validation
from sim import scenario

HISTORY = "scenarios/history_2010_2024.toml"


def test_no_target_is_from_2014_or_later():
    targets = calibration.targets()
    assert targets and max(t.year for t in targets) <= 2013
    assert {t.name for t in targets} >= {"remittances_usd_bn", "migrants_abroad", "departures", "returns_voluntary"}


def test_target_distance_is_zero_inside_the_band_and_grows_outside():
    target = calibration.Target("x", 2011, 10.0, 9.0, 11.0, "test")
    assert target.distance(10.5) == 0
    assert 0 < target.distance(11.5) < target.distance(12.0)
    assert target.distance(8.0) < 0


def test_calibration_pipeline_runs_end_to_end_with_a_tiny_budget(tmp_path):
    output = tmp_path / "tajikistan.toml"
    completed = subprocess.run([sys.executable, "run.py", "calibrate", "--budget", "3", "--scale", "4000",
                                "--replicates", "1", "--output", str(output)], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    written = tomllib.loads(output.read_text())
    assert set(written["parameters"]) == {f.name for f in calibration.FREE}
    assert written["calibration"]["evaluations"] == 3
    assert {"package_version", "model_version", "scenario_sha256", "parameters_sha256", "seed", "created",
            "command_line"} <= set(written["calibration"])
    assert max(written["calibration"]["target_years"]) <= 2013
    assert len(written["fit"]) == len(calibration.targets())


def test_the_committed_calibration_file_is_loaded_by_default():
    from sim import MigrationModel, country

    estimates = country.calibrated_parameters("tajikistan")
    assert set(estimates) == {f.name for f in calibration.FREE}
    model = MigrationModel(scale=4000, rng=1)
    for name, value in estimates.items():
        assert model.values[name] == pytest.approx(value)
    assert MigrationModel(scale=4000, rng=1, calibrated=False).values["return_base_prob"] != \
        pytest.approx(estimates["return_base_prob"])


def test_validate_computes_every_field_from_a_run(tmp_path):
    out = tmp_path / "validation"
    completed = subprocess.run([sys.executable, "run.py", "validate", "--replicates", "2", "--scale", "4000",
                                "--workers", "1", "--no-plots", "--out", str(out)], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    fields = json.loads((out / "validation.json").read_text())
    for key in ("obs_change_2013_2016", "sim_change_2013_2016", "obs_change_2013_2016_cbr",
                "sim_change_2013_2016_formal", "abm_mape_2014_2019", "naive_rouble_mape_2014_2019",
                "naive_persistence_mape_2014_2019", "calibration_years", "validation_years", "known_misses"):
        assert key in fields, key
    assert fields["kind"] == "validation"
    assert {"package_version", "git_commit", "git_dirty", "model_version", "scenario_sha256", "parameters_sha256",
            "seed", "created", "command_line"} <= set(fields)
    assert fields["calibration_years"] == [2010, 2011, 2012, 2013]
    assert fields["validation_years"] == [2014, 2015, 2016, 2017, 2018, 2019]
    assert fields["obs_change_2013_2016"] == pytest.approx(1.87 / 4.15 - 1)
    assert all(np.isfinite(fields[k]) for k in ("sim_change_2013_2016", "abm_mape_2014_2019"))
    table = pd.read_csv(out / "hindcast.csv")
    assert {"year", "model_median", "model_p05", "model_p95", "data", "data_low", "data_high"} <= set(table)
    assert "2022" in fields["known_misses"] and "not migrants' money" in fields["known_misses"]["2022"]["why"]
    assert "within 10 pp" in completed.stdout or "MISSED" in completed.stdout
    assert "unemployment_ilo" in fields["home_economy"]["out_of_sample_within"]
    assert "unemployment_ilo" in completed.stdout and (out / "home_economy.csv").exists()


def test_naive_baselines_follow_their_definitions():
    """Rouble-only: the 2013 USD level held constant in roubles; persistence: the 2013 level carried forward."""
    runs = pd.DataFrame([{"replicate": 0, "year": y, "remittances_usd_bn": 2.0, "remittances_formal_usd_bn": 1.5}
                         for y in range(2013, 2020)])
    fields, table = validation.compare(runs)
    data = validation.data_table()
    years = list(range(2014, 2020))
    rouble = 4.15 * data.loc[2013, "rub_per_usd"] / data.loc[years, "rub_per_usd"]
    expected = float((abs(rouble - data.loc[years, "remit_usd_bn"]) / data.loc[years, "remit_usd_bn"]).mean())
    assert fields["naive_rouble_mape_2014_2019"] == pytest.approx(expected)
    persistence = float((abs(4.15 - data.loc[years, "remit_usd_bn"]) / data.loc[years, "remit_usd_bn"]).mean())
    assert fields["naive_persistence_mape_2014_2019"] == pytest.approx(persistence)
    assert fields["sim_change_2013_2016"] == pytest.approx(0.0)


def test_history_scenario_is_the_calibration_scenario():
    assert scenario.load(HISTORY).start == "2010-01"


def test_validate_compares_the_home_economy_with_the_surveys_year_by_year(tmp_path):
    """Annual model means against every data row of tajikistan_home_economy.csv the run covers, with the error in
    points and a verdict; only years after 2013 can be missed (earlier ones are in sample)."""
    from analysis import home_validation

    runs = pd.DataFrame([{"replicate": r, "year": y, "unemployment_rate": 0.10, "poverty_rate_people": 0.30,
                          "households_receiving_share": 0.15, "youth_unemployment_rate": 0.2,
                          "returnee_unemployment_rate": 0.3, "household_poverty_rate": 0.3,
                          "home_employed": 1e6 * (1 + (y == 2016) * 0.1), "home_employed_wage": 6e5,
                          "home_employed_plot": 4e5 * (1 + (y == 2016) * 0.25)}
                         for r in range(2) for y in range(2010, 2025)])
    fields, table = home_validation.compare(runs)
    rows = {(row["series"], row["year"]): row for row in fields["years"]}
    assert rows[("unemployment_ilo", 2013)]["verdict"] == "in sample"
    assert rows[("unemployment_ilo", 2019)]["error_pp"] == pytest.approx(100 * (0.10 - 0.076))
    assert rows[("unemployment_ilo", 2019)]["verdict"] == "within"  # 2.4 pp, inside +-3 pp
    assert rows[("poverty_rate_national", 2024)]["verdict"] == "MISSED"  # 30% against 20%
    assert rows[("households_receiving_month", 2016)]["error_pp"] == pytest.approx(0.0)
    assert fields["employment_change_2013_2016"] == pytest.approx(0.1)
    assert fields["employment_change_2013_2016_by_sector"]["household_plot"] == pytest.approx(0.25)
    assert fields["employment_change_2013_2016_by_sector"]["wage"] == pytest.approx(0.0)
    assert ("unemployment_registered", 2016) not in rows  # the registered rate is another definition
    lines = home_validation.verdict_lines(fields)
    assert any("poverty_rate_national" in line and "2024" in line and "MISSED" in line for line in lines)
