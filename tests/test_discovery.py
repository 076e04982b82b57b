"""Scenario discovery: outcome expressions are parsed safely, PRIM recovers a known box, policy packages are
compared condition by condition, a killed discovery resumes from its store, and bad input is refused with one
line and nothing written."""

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import design, discovery
from analysis.cli import main
from sim import parameters

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios" / "baseline.toml")
POLICY = str(ROOT / "scenarios" / "summit_safeguards.toml")
# 100 design points x 1 replicate of 13 months at 1:2000, ~0.05 s a run; the outcome holds at about one point in
# ten, so PRIM has something to find. The baseline's remittances grow with the Russian wage trend (a median of about
# +16 % over these 12 months at this scale), so growth below 6 % is a relative fall.
DISCOVER = ["discover", SCENARIO, "--samples", "100", "--replicates", "1", "--scale", "2000", "--months", "13",
            "--params", "raid_intensity,rub_per_usd,hostility", "--outcome", "remittance_change_12m_pct < 6",
            "--seed", "2", "--workers", "2"]


def cli(*args):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


# ---------------------------------------------------------------------------------------------- outcome
def test_an_outcome_is_evaluated_on_the_scalars_it_names():
    cases = pd.DataFrame({"remittance_change_12m_pct": [-40.0, -10.0, 5.0],
                          "peak_unemployment_rate": [0.25, 0.1, 0.3]})
    outcome = discovery.parse_outcome("remittance_change_12m_pct < -33 or peak_unemployment_rate > 0.2", 13)
    assert outcome.names == ("remittance_change_12m_pct", "peak_unemployment_rate")
    assert outcome.holds(cases).tolist() == [True, False, True]
    assert outcome.score(cases) is None  # a compound condition has no single quantity
    both = discovery.parse_outcome("not (remittance_change_12m_pct / 100 >= -0.2) and peak_unemployment_rate > 0.2", 13)
    assert both.holds(cases).tolist() == [True, False, False]


def test_a_threshold_turns_a_quantity_into_a_condition_and_sets_the_good_side():
    cases = pd.DataFrame({"peak_unemployment_rate": [0.25, 0.1]})
    outcome = discovery.parse_outcome("peak_unemployment_rate", 13, threshold="> 0.2")
    assert outcome.holds(cases).tolist() == [True, False]
    assert outcome.score(cases).tolist() == [-0.25, -0.1]  # lower unemployment is the good side
    flipped = discovery.parse_outcome("0.2 < peak_unemployment_rate", 13)
    assert flipped.holds(cases).tolist() == [True, False] and flipped.score(cases).tolist() == [-0.25, -0.1]
    assert flipped.quantity_text == "peak_unemployment_rate"


@pytest.mark.parametrize("text, flag, key", [
    ("remittances_change_24m < -0.33", "--outcome", "remittances_change_24m"),
    ("__import__('os').system('true') < 1", "--outcome", "__import__"),
    ("exposed_mean_per_100k.real > 1", "--outcome", "exposed_mean_per_100k.real"),
    ("exposed_mean_per_100k", "--outcome", "is a quantity"),
    ("exposed_mean_per_100k > 'a'", "--outcome", "'a'"),
    ("remittances_final_12m_usd_bn < 3", "--outcome", "needs --months of at least 12"),
    ("exposed_mean_per_100k / (2 - 2) > 1", "--outcome", "division by zero"),
])
def test_outcomes_outside_the_grammar_are_refused_naming_the_flag_and_key(text, flag, key):
    with pytest.raises(discovery.DiscoveryError) as error:
        discovery.parse_outcome(text, 6)
    message = str(error.value)
    assert message.startswith(flag) and key in message and "\n" not in message


# ---------------------------------------------------------------------------------------------- PRIM and CART
def test_prim_recovers_a_known_box():
    """The outcome holds exactly when raid_intensity > 0.08 and rub_per_usd < 90; the other two parameters are
    noise. PRIM must restrict those two parameters only, to within 3 % of their ranges of the true limits, and CART
    must agree with it."""
    factors = [design.factor(n) for n in ("raid_intensity", "rub_per_usd", "hostility", "network_contacts")]
    x = design.latin_hypercube(factors, 400, seed=3).points()[[f.name for f in factors]]
    y = ((x["raid_intensity"] > 0.08) & (x["rub_per_usd"] < 90)).to_numpy()
    found = discovery.prim(x, y, factors)
    box = found.boxes.set_index("parameter")
    assert set(box.index) == {"raid_intensity", "rub_per_usd"}
    assert abs(box.loc["raid_intensity", "low"] - 0.08) < 0.03 * (0.15 - 0.01)
    assert box.loc["raid_intensity", "high"] == 0.15 and not box.loc["raid_intensity", "high_restricted"]
    assert abs(box.loc["rub_per_usd", "high"] - 90) < 0.03 * (130 - 60)
    assert box.loc["rub_per_usd", "low"] == 60 and not box.loc["rub_per_usd", "low_restricted"]
    assert (box["coverage"] > 0.95).all() and (box["density"] > 0.95).all()
    assert (box[["qp_low", "qp_high"]].min(axis=1) < 1e-6).all()
    chosen = found.trajectory[found.trajectory["chosen"]]
    assert len(chosen) == 1 and chosen["density"].iloc[0] == found.trajectory["density"].max()
    leaves = discovery.cart(x, y)
    assert discovery.cart_agreement(x, y, found.limits[0], leaves, 0.05)["cases_classified_alike"] > 0.97
    pd.testing.assert_frame_equal(leaves, discovery.cart(x, y))  # CART's ties are broken the same way every time


def test_robustness_counts_good_conditions_and_regret_against_the_best_package():
    outcome = discovery.parse_outcome("remittance_change_12m_pct < -33", 13)
    base = pd.DataFrame({"point_id": [0, 1, 2], "remittance_change_12m_pct": [-40.0, -20.0, -35.0]})
    package = base.assign(remittance_change_12m_pct=[-30.0, -25.0, -50.0])
    summary, regret = discovery.robustness(outcome, {"base": base, "package": package})
    summary = summary.set_index("scenario")
    assert summary.loc["base", "good_share"] == pytest.approx(1 / 3)
    assert summary.loc["package", "good_share"] == pytest.approx(2 / 3)
    assert regret["base_regret"].tolist() == [10.0, 0.0, 0.0]
    assert regret["package_regret"].tolist() == [0.0, 5.0, 15.0]
    assert regret["best"].tolist() == ["package", "base", "base"]
    assert summary.loc["package", "regret_max"] == 15.0


# ---------------------------------------------------------------------------------------------- command
@pytest.fixture(scope="module")
def discovered(tmp_path_factory):
    out = tmp_path_factory.mktemp("discover") / "out"
    result = cli(*DISCOVER, "--policies", POLICY, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def test_discover_writes_boxes_trajectory_figures_and_robustness(discovered):
    out, result = discovered
    assert "PRIM box 1: coverage" in result.stdout and "CART cross-check" in result.stdout
    for name in ("cases.csv", "boxes.csv", "trajectory.csv", "cart.csv", "robustness.csv", "regret.csv",
                 "discovery.json", "prim_tradeoff.png", "prim_box.png", "prim_pairs.png", "robustness.png",
                 "report.html"):
        assert (out / name).is_file(), name
    record = json.loads((out / "discovery.json").read_text())
    assert record["kind"] == "discovery" and record["samples"] == 100 and record["policies"] == ["summit_safeguards"]
    assert set(record["stores"]) == {"baseline", "summit_safeguards"}
    cases = pd.read_csv(out / "cases.csv")
    assert len(cases) == 100 and 0 < cases["of_interest"].sum() < 100
    assert cases["of_interest"].tolist() == (cases["remittance_change_12m_pct"] < 6).tolist()
    boxes = pd.read_csv(out / "boxes.csv")
    assert {"low", "high", "range_low", "range_high", "coverage", "density", "mass", "qp_low", "qp_high"} <= set(
        boxes.columns)
    assert boxes["parameter"].isin(["raid_intensity", "rub_per_usd", "hostility"]).all()
    trajectory = pd.read_csv(out / "trajectory.csv")
    assert trajectory["chosen"].sum() == boxes["box"].nunique()
    robustness = pd.read_csv(out / "robustness.csv")
    assert robustness["scenario"].tolist() == ["baseline", "summit_safeguards"]
    assert ((robustness["good_share"] >= 0) & (robustness["good_share"] <= 1)).all()
    regret = pd.read_csv(out / "regret.csv")
    assert (regret[["baseline_regret", "summit_safeguards_regret"]].min(axis=1) == 0).all()
    page = (out / "report.html").read_text()
    assert page.count("<img") == 4 and "Scenario discovery" in page and "PRIM boxes" in page


def test_a_new_outcome_reuses_the_runs(discovered, tmp_path, capsys):
    out = tmp_path / "again"
    shutil.copytree(discovered[0], out)
    median = float(pd.read_csv(out / "cases.csv")["remittance_change_12m_pct"].median())
    assert main([*DISCOVER, "--policies", POLICY, "--out", str(out), "--outcome", "remittance_change_12m_pct",
                 "--threshold", f"< {median!r}", "--no-plots"]) == 0
    assert capsys.readouterr().out.count("100 done, 0 to run") == 2
    assert pd.read_csv(out / "cases.csv")["of_interest"].sum() == 50
    assert json.loads((out / "discovery.json").read_text())["outcome"] == f"remittance_change_12m_pct < {median!r}"


def test_a_killed_discovery_resumes_from_its_store(discovered, tmp_path):
    out = tmp_path / "killed"
    arguments = [*DISCOVER, "--out", str(out), "--part-runs", "3", "--no-plots"]
    process = subprocess.Popen([sys.executable, "run.py", *arguments], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    runs = out / "runs" / "baseline" / "runs"
    try:
        deadline = time.monotonic() + 120
        while not (runs.exists() and len(list(runs.glob("part-*.parquet"))) >= 2):
            assert process.poll() is None, "the discovery ended before it could be killed"
            assert time.monotonic() < deadline, "no parts appeared"
            time.sleep(0.005)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not (out / "boxes.csv").exists()
    result = cli(*arguments)
    assert result.returncode == 0, result.stderr
    assert "done," in result.stdout and "to run" in result.stdout
    for name in ("cases.csv", "boxes.csv", "trajectory.csv", "cart.csv"):  # the base scenario's analysis
        pd.testing.assert_frame_equal(pd.read_csv(out / name), pd.read_csv(discovered[0] / name), check_exact=True)


# ---------------------------------------------------------------------------------------------- bad input
def refused(capsys, *args) -> str:
    """Run the command in this process (bad input is refused before any model runs); return its one error line."""
    assert main(list(args)) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("extra, flag, key", [
    (["--outcome", "remittances_change_24m < -0.33"], "--outcome", "remittances_change_24m"),
    (["--samples", "50"], "--samples", "at least 100"),
    (["--params", "raid_intensity,rubles"], "--params", "rubles"),
    (["--threshold", "< -5"], "--threshold", "already is a condition"),
    (["--policies", str(ROOT / "scenarios" / "history_2010_2024.toml")], "--policies", "start"),
    (["--policies", str(ROOT / "tests" / "fixtures" / "kyrgyz_2025.toml")], "--policies", "one country"),
    # Refused before the output directory is made, not by the pilot run once it exists.
    (["--scale", "1e9"], "--scale", "only 2 agents"),
    (["--bounds", "hostility=0.1:0.2", "--bounds", "hostility=0.2:0.3"], "--bounds", "given twice"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, extra, flag, key):
    out = tmp_path / "out"
    message = refused(capsys, *DISCOVER, "--out", str(out), *extra)
    assert message.startswith(f"error: {flag}") and key in message
    assert not out.exists()


def test_the_cart_cross_check_works_with_a_single_parameter():
    x = pd.DataFrame({"rub_per_usd": np.linspace(60, 130, 40)})
    leaves = discovery.cart(x, (x["rub_per_usd"] > 95).to_numpy(), mass_min=0.1)
    dense = leaves[leaves["density"] == 1.0]
    assert len(dense) == 1 and dense.iloc[0]["coverage"] == 1.0
    assert dense.iloc[0]["limits"].startswith("rub_per_usd >= 9")


def test_posterior_draws_reach_the_runs(tmp_path, capsys):
    """With --posterior the parameters outside the design run at posterior draws, as the help says, not at the point
    estimate."""
    from analysis import posterior

    out = tmp_path / "out"
    assert main(["discover", SCENARIO, "--samples", "10", "--mass-min", "0.5", "--replicates", "1", "--scale", "4000",
                 "--months", "12", "--params", "rub_per_usd", "--outcome", "remittances_final_12m_usd_bn < 4.5",
                 "--posterior", "2", "--workers", "1", "--no-plots", "--out", str(out)]) == 0, capsys.readouterr().err
    record = json.loads((out / "runs" / "baseline" / "design.json").read_text(encoding="utf-8"))
    assert record["replicates"] == 2
    assert record["posterior_draws"] == [dict(d) for d in posterior.load().draws(2, 1)]
    assert json.loads((out / "discovery.json").read_text(encoding="utf-8"))["posterior_draws"] == 2


@pytest.mark.parametrize("outcome, expected", [
    ("remittance_change_12m_pct < -99", ["--outcome: no case satisfies", "runs from"]),
    # A scalar that is zero at some design point: the quantity would run from inf to inf.
    ("remittance_change_12m_pct / (peak_unemployment_rate - peak_unemployment_rate) < -1",
     ["--outcome: remittance_change_12m_pct / (peak_unemployment_rate - peak_unemployment_rate) is not a finite "
      "number at "]),
])
def test_an_outcome_the_cases_cannot_answer_is_refused_and_writes_no_analysis(discovered, tmp_path, capsys, outcome,
                                                                               expected):
    out = tmp_path / "reanalysed"
    shutil.copytree(discovered[0] / "runs", out / "runs")
    shutil.copy(discovered[0] / ".tajmig", out / ".tajmig")
    message = refused(capsys, *DISCOVER, "--policies", POLICY, "--out", str(out), "--outcome", outcome)
    assert all(part in message for part in expected), message
    assert sorted(p.name for p in out.iterdir()) == [".tajmig", "runs"]


def test_a_directory_that_is_not_a_discovery_is_left_alone(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    message = refused(capsys, *DISCOVER, "--out", str(out))
    assert "--out" in message and "was not written by this program" in message
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_a_parameter_without_a_range_is_refused(monkeypatch, tmp_path, capsys):
    flat = dataclasses.replace(parameters.BY_NAME["hostility"], low=0.3, high=0.3)
    monkeypatch.setitem(parameters.BY_NAME, "hostility", flat)
    out = tmp_path / "out"
    message = refused(capsys, *DISCOVER, "--out", str(out))
    assert message.startswith("error: --params: hostility has no plausible range") and "--bounds" in message
    assert not out.exists()


def test_help_lists_the_scalars_and_says_where_the_ranges_come_from(capsys):
    with pytest.raises(SystemExit) as done:
        main(["discover", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for name in ("remittance_change_12m_pct", "peak_unemployment_rate", "remittances_final_12m_usd_bn"):
        assert name in text
    assert "calibrated parameters in --params too" in text and "at posterior draws with --posterior" in text


def test_min_samples_follows_the_smallest_box():
    assert discovery.min_samples(0.05) == 100 and discovery.min_samples(0.1) == 50
    assert np.isclose(discovery.min_samples(0.05) * 0.05, discovery.MIN_CASES_PER_BOX)
