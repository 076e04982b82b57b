"""``run.py run`` and ``run.py compare`` as a user runs them: subprocesses, coarse scale, few months."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import provenance
from analysis.cli import main
from sim import outputs, parameters, scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
CROCUS = str(ROOT / "scenarios" / "crocus_crackdown.toml")
QUICK = ["--scale", "2000", "--no-plots"]
PROVENANCE = {"package_version", "git_commit", "git_dirty", "model_version", "scenario_sha256", "parameters_sha256",
              "seed", "created", "command_line"}
RUN_KEYS = {"kind", "scenario", "description", "scenario_text", "scenario_sha256", "parameters", "shocks", "seed",
            "seeds", "replicates", "scale", "months", "engine", "wall_time_s", *PROVENANCE}


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "baseline-run"
    result = cli("run", BASELINE, "--months", "3", "--replicates", "2", "--seed", "4", "--workers", "1",
                 "--out", str(out), *QUICK)
    assert result.returncode == 0, result.stderr
    return out, result


def test_run_writes_the_contract_files(run_dir):
    out, _ = run_dir
    assert sorted(p.name for p in out.iterdir()) == [".tajmig", "run.json", "summary.csv", "timeseries.csv"]
    series = pd.read_csv(out / "timeseries.csv")
    assert list(series.columns) == ["replicate", "seed", "date", *outputs.NAMES]
    assert list(series["date"]) == ["2025-01", "2025-02", "2025-03"] * 2
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["metric"]) == list(outputs.NAMES)
    assert list(summary.columns)[:8] == ["metric", "unit", "median", "p05", "p95", "mean", "mean_ci_low",
                                         "mean_ci_high"]
    manifest = json.loads((out / "run.json").read_text())
    assert RUN_KEYS <= set(manifest)
    assert manifest["kind"] == "run" and manifest["scenario"] == "baseline"
    assert (manifest["replicates"], manifest["months"], manifest["scale"], manifest["seed"]) == (2, 3, 2000, 4)
    assert list(series.drop_duplicates("replicate")["seed"]) == manifest["seeds"]
    assert manifest["scenario_text"] == Path(BASELINE).read_text()
    assert set(manifest["parameters"]) == set(parameters.NAMES)
    assert manifest["parameters_sha256"] == provenance.parameters_sha256(manifest["parameters"])
    assert manifest["scenario_sha256"] == scenario.load(BASELINE).sha256
    assert "nothing is steered toward a target" in manifest["starting_state"]


def test_run_prints_a_readable_summary_and_a_progress_bar(run_dir):
    _, result = run_dir
    assert "migrants_abroad" in result.stdout and "remittances_usd" in result.stdout
    assert "2 replicates at scale 2000" in result.stdout
    assert "runs:" in result.stderr  # the progress bar
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("executor", [["--workers", "2"], ["--dask", "local", "--workers", "2"]])
def test_results_do_not_depend_on_the_number_of_workers_or_the_backend(run_dir, tmp_path, executor):
    out, _ = run_dir
    result = cli("run", BASELINE, "--months", "3", "--replicates", "2", "--seed", "4", *executor,
                 "--out", str(tmp_path / "two"), *QUICK)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "two" / "timeseries.csv").read_bytes() == (out / "timeseries.csv").read_bytes()


def test_run_defaults_to_results_slash_scenario_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", BASELINE, "--months", "2", "--replicates", "1", "--workers", "1", *QUICK]) == 0
    assert (tmp_path / "results" / "baseline" / "run.json").exists()
    assert f"wrote {Path('results') / 'baseline'}/" in capsys.readouterr().out


def test_compare_writes_each_run_and_the_paired_differences(tmp_path):
    result = cli("compare", BASELINE, CROCUS, "--months", "12", "--replicates", "2", "--workers", "1", *QUICK,
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "results" / "compare-baseline-vs-crocus_crackdown"
    assert sorted(p.name for p in out.iterdir()) == [".tajmig", "baseline", "compare.json", "comparison.csv",
                                                      "crocus_crackdown", "differences.csv"]
    info = json.loads((out / "compare.json").read_text())
    assert (info["kind"], info["base"], info["alternatives"]) == ("compare", "baseline", ["crocus_crackdown"])
    assert PROVENANCE <= set(info) and info["seed"] == 1 and info["command_line"].startswith("run.py compare")
    base = pd.read_csv(out / "baseline" / "timeseries.csv")
    alt = pd.read_csv(out / "crocus_crackdown" / "timeseries.csv")
    assert (base["seed"] == alt["seed"]).all(), "common random numbers: the same seed per replicate"
    differences = pd.read_csv(out / "differences.csv")
    assert list(differences.columns) == ["alternative", "replicate", "date", *outputs.NAMES]
    assert (differences["deportations"].to_numpy() ==
            alt["deportations"].to_numpy() - base["deportations"].to_numpy()).all()
    table = pd.read_csv(out / "comparison.csv")
    assert len(table) == len(outputs.NAMES)
    row = table.set_index("metric").loc["remittances_usd"]
    assert row["horizon_date"] == "2025-12" and row["diff_mean"] < 0, "a crackdown cuts remittances"
    assert "crocus_crackdown - base" in result.stdout and "remittances_usd" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["run", BASELINE, "--replicates", "-1"],
     "error: run.py run: argument --replicates: must be at least 1, got -1"),
    (["run", BASELINE, "--replicates", "0"], "error: run.py run: argument --replicates: must be at least 1, got 0"),
    (["run", BASELINE, "--scale", "0"], "error: run.py run: argument --scale: must be a positive finite number, got 0"),
    (["run", BASELINE, "--engine", "turbo"],
     "error: run.py run: argument --engine: invalid choice: 'turbo' (choose from 'fast', 'reference')"),
    (["run", "scenarios/no_such_file.toml"], "error: scenarios/no_such_file.toml: file not found"),
    (["run", BASELINE, "--months", "601"], "error: --months: must be 1..600 months (at most 50 years), got 601"),
    (["run", BASELINE, "--seed", "-3"], "error: run.py run: argument --seed: must be 0 or more, got -3"),
    (["run", BASELINE, "--scale", "1e7", "--months", "1", "--workers", "1"],
     "error: --scale: 1e+07 persons per agent leaves baseline with only 2 agents; use a scale that gives at least "
     "200"),
    (["compare", BASELINE, str(ROOT / "scenarios" / "history_2010_2024.toml")],
     f"error: {ROOT / 'scenarios' / 'history_2010_2024.toml'}: scenario.start: 2010-01 differs from the base "
     f"scenario's start 2025-01; compared scenarios must start in the same month"),
    (["compare", BASELINE, BASELINE],
     f"error: {BASELINE}: scenario.name: 'baseline' is also the name of {BASELINE}; compared scenarios need "
     f"different names (each gets OUT/<name>/)"),
    (["run", "tests/fixtures/bad_scenarios/shock_unknown_lever.toml"],
     "error: tests/fixtures/bad_scenarios/shock_unknown_lever.toml: shocks[0].lever: unknown lever "
     "'raid_intensty' (did you mean 'raid_intensity'?)"),
    (["run", ""], "error: SCENARIO: expected a scenario file, got an empty string"),
    (["run", BASELINE, "--posterior", "10000000", "--replicates", "2", "--scale", "200"],
     "error: --replicates, --posterior: the runs (10,000,000 runs, 2 at a time) need about"),
    (["run", "tests/fixtures/bad_scenarios/extends_cycle.toml"],
     "error: tests/fixtures/bad_scenarios/parents/cycle_b.toml: scenario.extends: extends cycle: "
     "tests/fixtures/bad_scenarios/extends_cycle.toml -> tests/fixtures/bad_scenarios/parents/cycle_b.toml -> "
     "tests/fixtures/bad_scenarios/extends_cycle.toml"),
])
def test_bad_input_is_one_line_exit_two_and_nothing_written(args, message, tmp_path, monkeypatch, capsys):
    """In-process through analysis.cli.main, the same code path as run.py (subprocess cases follow)."""
    monkeypatch.chdir(ROOT)
    status = main([*args, "--out", str(tmp_path / "out"), "--no-plots", "--workers", "2"])
    captured = capsys.readouterr()
    if message.endswith("need about"):  # the memory needed and the machine's follow
        assert (status, captured.out) == (2, "") and captured.err.startswith(message)
        assert captured.err.count("\n") == 1
    else:
        assert (status, captured.err, captured.out) == (2, message + "\n", "")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["run", BASELINE, "--scale", "0"], "error: run.py run: argument --scale: must be a positive finite number, got 0"),
    (["compare", BASELINE, "scenarios/no_such_file.toml"], "error: scenarios/no_such_file.toml: file not found"),
    (["run", "tests/fixtures/bad_scenarios/parameter_nan.toml"],
     "error: tests/fixtures/bad_scenarios/parameter_nan.toml: parameters.raid_intensity: must be a finite number, "
     "got nan"),
])
def test_bad_input_from_the_shell_has_no_traceback(args, message, tmp_path):
    result = cli(*args, "--out", str(tmp_path / "out"), "--no-plots")
    assert (result.returncode, result.stderr, result.stdout) == (2, message + "\n", "")
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("not a directory")
    assert main(["run", BASELINE, "--months", "1", "--out", str(target), *QUICK]) == 2
    assert capsys.readouterr().err == f"error: --out: {target} exists and is not a directory\n"
    assert target.read_text() == "not a directory"


def test_run_warns_once_when_a_scenario_sets_a_patent_fee_its_country_does_not_pay(tmp_path, capsys):
    kyrgyz = tmp_path / "kyrgyz_summit.toml"
    kyrgyz.write_text(f'[scenario]\nname = "kyrgyz_summit"\nextends = "{ROOT / "scenarios" / "summit_safeguards.toml"}"'
                      '\ncountry = "kyrgyzstan"\n')
    out = tmp_path / "out"
    assert main(["run", str(kyrgyz), "--months", "3", "--replicates", "1", "--workers", "1", "--point-estimate",
                 "--out", str(out), *QUICK]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "patent_fee_rub" in line]
    assert warnings == [f"warning: {kyrgyz}: patent_fee_rub does not reach migrants from kyrgyzstan from 2015-08: "
                        "they need no patent (Eurasian Economic Union)"]
    assert json.loads((out / "run.json").read_text())["patent_free_from"] == "2015-08"
    assert main(["run", str(ROOT / "scenarios" / "summit_safeguards.toml"), "--months", "3", "--replicates", "1",
                 "--workers", "1", "--point-estimate", "--out", str(tmp_path / "tajik"), *QUICK]) == 0
    assert "patent_fee_rub" not in capsys.readouterr().err


def test_an_empty_out_is_refused_not_taken_for_the_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status = main(["run", BASELINE, "--out", "", "--months", "1", *QUICK])
    assert (status, capsys.readouterr().err) == (2, "error: run.py run: argument --out: expected a directory name, got "
                                                    "an empty string\n")
    assert list(tmp_path.iterdir()) == []


def test_more_posterior_draws_than_replicates_say_so(tmp_path, capsys):
    status = main(["run", BASELINE, "--posterior", "3", "--replicates", "1", "--months", "2", "--workers", "1",
                   "--out", str(tmp_path / "out"), *QUICK])
    captured = capsys.readouterr()
    assert status == 0
    assert "note: --posterior 3 runs 3 replicates, one per draw (--replicates was 1)" in captured.err
    assert json.loads((tmp_path / "out" / "run.json").read_text())["replicates"] == 3


def test_a_twelve_month_summary_shows_its_horizon_once():
    from analysis import ensemble

    summary = pd.DataFrame([{"metric": "remittances_usd", "unit": "USD/month", "start_mean": 1.0,
                             **{f"{prefix}{stat}": 2.0 for prefix in ("", "m12_") for stat in ("median", "p05",
                                                                                                   "p95")}}])
    assert ensemble.summary_text(summary, "2025-12", "2025-12").splitlines()[0].count("2025-12") == 1
    assert ensemble.summary_text(summary, "2026-12", "2025-12").splitlines()[0].count("median") == 2


def test_run_warns_once_about_shocks_after_its_last_month(tmp_path, capsys):
    history = str(ROOT / "scenarios" / "history_2010_2024.toml")
    status = main(["run", history, "--months", "12", "--replicates", "1", "--workers", "1", "--out",
                   str(tmp_path / "out"), *QUICK])
    late = [line for line in capsys.readouterr().err.splitlines() if "after the last simulated month" in line]
    assert status == 0 and len(late) == 1
    assert late[0].startswith(f"warning: {history}: shocks[2] (2014-01)") and "(2010-12)" in late[0]
