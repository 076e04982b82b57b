"""Sweeps: the design's points become model runs with those parameter values, and the model's documented
responses show up across a grid."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import design, scalars, sweep
from analysis.backends import LocalBackend
from analysis.cli import main
from analysis.runner import replicate_seed, simulate
from analysis.store import Store
from sim import outputs, parameters
from sim import scenario as scenarios

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios" / "baseline.toml")


def cli(*args):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    out = tmp_path_factory.mktemp("grid") / "out"
    result = cli("sweep", SCENARIO, "--vary", "raid_intensity=0.01:0.15:3", "--vary", "rub_per_usd=60:130:3",
                 "--replicates", "2", "--scale", "2000", "--months", "13", "--out", str(out), "--no-plots")
    assert result.returncode == 0, result.stderr
    return out, result


def test_grid_sweep_writes_the_documented_files(grid):
    out, result = grid
    assert "18 runs (9 points x 2 replicates" in result.stdout and "estimated" in result.stdout
    record = json.loads((out / "design.json").read_text())
    assert record["kind"] == "sweep" and record["method"] == "grid" and record["seed"] == 1
    assert [p["name"] for p in record["parameters"]] == ["raid_intensity", "rub_per_usd"]
    assert record["scenario"]["sha256"] == scenarios.load(SCENARIO).sha256
    assert {"package_version", "git_commit", "git_dirty", "model_version", "parameters_sha256", "created",
            "command_line"} <= set(record)
    points = pd.read_csv(out / "points.csv")
    assert sorted(points["raid_intensity"].unique()) == [0.01, 0.08, 0.15]
    assert sorted(points["rub_per_usd"].unique()) == [60, 95, 130]
    runs = Store(out).read_runs()
    assert list(runs.columns) == ["run_id", "point_id", "replicate", "date", *outputs.NAMES]
    assert len(runs) == 18 * 13 and runs["date"].iloc[0] == "2025-01" and runs["date"].iloc[12] == "2026-01"
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 9 and (summary["replicates"] == 2).all()
    for name in scalars.available(13):
        assert (summary[f"{name}_p05"] <= summary[f"{name}_median"]).all()
        assert (summary[f"{name}_median"] <= summary[f"{name}_p95"]).all()
    assert len(pd.read_csv(out / "scalars.csv")) == 18


def test_raids_raise_deportations_and_a_weaker_rouble_lowers_dollar_remittances(grid):
    """docs/ODD.md §7.4 and the registry: raid_intensity is the monthly chance of a police check, which for irregular
    migrants can end in expulsion; rub_per_usd converts rouble earnings into dollars."""
    summary = pd.read_csv(grid[0] / "summary.csv")
    deportations = summary.pivot(index="rub_per_usd", columns="raid_intensity",
                                 values="deportations_per_year_median")
    assert (np.diff(deportations.to_numpy(), axis=1) > 0).all(), deportations
    remittances = summary.pivot(index="raid_intensity", columns="rub_per_usd",
                                values="remittances_final_12m_usd_bn_median")
    assert (np.diff(remittances.to_numpy(), axis=1) < 0).all(), remittances


def test_a_sweep_run_is_the_scenario_run_with_the_points_values_as_overrides(tmp_path):
    s = scenarios.load(SCENARIO)
    factors = [design.factor("raid_intensity"), design.factor("network_contacts")]
    plan = sweep.Sweep("sweep", s, design.latin_hypercube(factors, 3, seed=4), replicates=2, seed=9, scale=5000,
                       months=3)
    sweep.run(plan, tmp_path / "out", backend=LocalBackend(1), progress=False, echo=lambda *_: None)
    runs = Store(tmp_path / "out").read_runs()
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv")
    for row in manifest.itertuples(index=False):
        assert row.seed == replicate_seed(9, row.replicate)
        assert float(row.network_contacts).is_integer()
        expected = simulate(s, row.seed, 5000, 3, overrides={"raid_intensity": row.raid_intensity,
                                                             "network_contacts": row.network_contacts}).frame()
        stored = runs[runs["run_id"] == row.run_id]
        assert np.array_equal(stored[list(outputs.NAMES)].to_numpy(), expected[list(outputs.NAMES)].to_numpy())
        assert stored["date"].tolist() == expected["date"].tolist()


def test_latin_hypercube_puts_one_point_in_each_slice_of_every_range():
    factors = [design.factor("raid_intensity"), design.factor("hostility", 0.2, 0.6)]
    d = design.latin_hypercube(factors, 10, seed=2)
    for j, f in enumerate(factors):
        slices = np.floor((d.sample[:, j] - f.low) / (f.high - f.low) * 10).astype(int)
        assert sorted(slices) == list(range(10))
    assert np.array_equal(design.latin_hypercube(factors, 10, seed=2).sample, d.sample)
    assert not np.array_equal(design.latin_hypercube(factors, 10, seed=3).sample, d.sample)


def test_integer_parameters_run_with_every_whole_value_of_their_range():
    f = design.factor("network_contacts")
    points = design.latin_hypercube([f], 40, seed=1).points()
    assert sorted(points["network_contacts"].unique()) == [2, 3, 4, 5]
    assert np.bincount(points["network_contacts"])[2:].tolist() == [10, 10, 10, 10]
    for value in points["network_contacts"]:
        assert parameters.check_value("network_contacts", value) == value
    grid_values = design.grid([(f, 4)]).points()["network_contacts"].tolist()
    assert grid_values == [2, 3, 4, 5]


def test_scalars_follow_their_definitions():
    s = scenarios.load(SCENARIO)
    frame = simulate(s, 3, 5000, 13).frame()
    values = scalars.of_run(frame)
    r = frame["remittances_usd"].to_numpy()
    assert values["remittance_change_12m_pct"] == pytest.approx(100 * (r[12] / r[0] - 1))
    assert values["remittances_final_12m_usd_bn"] == pytest.approx(r[1:].sum() / 1e9)
    assert values["peak_unemployment_rate"] == frame["unemployment_rate"].max()
    assert values["deportations_per_year"] == pytest.approx(frame["deportations"].sum() * 12 / 13)
    assert values["migrants_abroad_at_horizon"] == frame["migrants_abroad"].iloc[-1]
    assert set(scalars.available(12)) == set(scalars.NAMES) - {"remittance_change_12m_pct"}


@pytest.mark.parametrize("flags, message", [
    (["--vary", "raid_intensty=0.01:0.1:3"], "did you mean 'raid_intensity'"),
    (["--vary", "raid_intensity=0.01:0.1"], "NAME=LOW:HIGH:STEPS"),
    (["--vary", "raid_intensity=0.01:1.5:3"], "outside the allowed range"),
    (["--vary", "raid_intensity=0.01:0.1:1"], "at least 2 steps"),
    (["--vary", "network_contacts=2.5:4:3"], "whole number"),
    (["--lhs", "5"], "--params"),
    (["--lhs", "5", "--params", "hostility", "--bounds", "hostility=0.8:0.2"], "below the high bound"),
    (["--lhs", "5", "--params", "hostility", "--bounds", "raid_intensity=0.1:0.2"], "not among"),
    (["--vary", "hostility=0:1:3", "--lhs", "4"], "cannot be combined"),
    ([], "give a design"),
    (["--lhs", "5", "--params", "hostility", "--dask", "nowhere"], "--dask"),
    (["--lhs", "5", "--params", "hostility", "--bounds", "hostility=0.1:0.2", "--bounds", "hostility=0.3:0.4"],
     "--bounds: hostility is given twice"),
    (["--vary", "hostility=0:1:3", "--scale", "1e9"], "error: --scale: 1e+09 persons per agent leaves baseline"),
])
def test_bad_flags_get_one_line_and_no_output(tmp_path, capsys, flags, message):
    """In process (``analysis.cli.main`` is what run.py calls) to keep the suite fast; the subprocess path is
    exercised by the grid fixture above and by tests/test_store.py."""
    out = tmp_path / "out"
    assert main(["sweep", SCENARIO, *flags, "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists()


def test_a_sweep_warns_when_it_varies_a_patent_fee_its_country_does_not_pay(tmp_path, capsys):
    kyrgyz = tmp_path / "kyrgyz.toml"
    kyrgyz.write_text(f'[scenario]\nname = "kyrgyz"\nextends = "{SCENARIO}"\ncountry = "kyrgyzstan"\n')
    assert main(["sweep", str(kyrgyz), "--vary", "patent_fee_rub=4000:8000:2", "--replicates", "1", "--scale",
                 "4000", "--months", "2", "--workers", "1", "--no-plots",
                 "--out", str(tmp_path / "out")]) == 0
    assert "patent_fee_rub does not reach migrants from kyrgyzstan from 2015-08" in capsys.readouterr().err


def test_a_sweep_refuses_points_that_the_scenarios_shock_pushes_out_of_bounds(tmp_path, capsys):
    # The scenario triples raids; a swept value of 0.5 would make a chance of 1.5.
    tripled = tmp_path / "tripled.toml"
    tripled.write_text(f'[scenario]\nname = "tripled"\nextends = "{SCENARIO}"\n\n[[shocks]]\nlever = "raid_intensity"\n'
                       f'mode = "scale"\nvalue = 3.0\nstart = "2025-02"\n')
    out = tmp_path / "out"
    assert main(["sweep", str(tripled), "--vary", "raid_intensity=0.1:0.5:3", "--replicates", "1", "--scale", "4000",
                 "--months", "2", "--workers", "1", "--no-plots", "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: design point 2 (raid_intensity=0.5): the scenario's shock takes raid_intensity "
                               "to 1.5 in 2025-02")
    assert lines[0].endswith("narrow its range (--vary, --bounds)")
    assert not out.exists()
