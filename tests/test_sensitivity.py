"""Global sensitivity analysis: Sobol and Morris end to end, and the guards against SALib's silent pitfalls."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from analysis import design, scalars, sensitivity, sweep
from analysis.backends import LocalBackend
from analysis.cli import main
from analysis.sensitivity import SensitivityError
from analysis.store import Store
from sim import scenario as scenarios

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios" / "baseline.toml")
# risk_young_max_age only sets who counts in the exposure components (sim/mechanisms/indicators.py): it changes
# nothing else.
PARAMS = "raid_intensity,rub_per_usd,risk_young_max_age"
INERT = "risk_young_max_age"


def cli(*args):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sobol_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sobol") / "out"
    result = cli("sensitivity", SCENARIO, "--method", "sobol", "--samples", "8", "--params", PARAMS,
                 "--replicates", "2", "--scale", "3000", "--months", "13", "--workers", "2", "--out", str(out),
                 "--no-plots")
    assert result.returncode == 0, result.stderr
    return out


def test_sobol_end_to_end_writes_indices(sobol_run):
    out = sobol_run
    record = json.loads((out / "design.json").read_text())
    assert record["kind"] == "sensitivity" and record["method"] == "sobol" and record["N"] == 8
    assert record["calc_second_order"] is False and record["points"] == 8 * (3 + 2) and record["runs"] == 80
    # An integer parameter's range is sampled half a unit wider at each end.
    assert [(p["name"], p["sample_low"], p["sample_high"]) for p in record["parameters"]] == [
        ("raid_intensity", 0.01, 0.15), ("rub_per_usd", 60, 130), ("risk_young_max_age", 23.5, 34.5)]
    indices = pd.read_csv(out / "indices.csv")
    assert list(indices.columns) == ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(indices) == len(scalars.NAMES) * 3
    assert np.isfinite(indices[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy()).all()
    by = indices.set_index(["output", "parameter"])
    # An output a parameter cannot touch has a total-order index of exactly zero: replicate r of every design
    # point shares its random numbers, so f(A with B's column i) equals f(A) bit for bit.
    for output in ("deportations_per_year", "migrants_abroad_at_horizon", "remittances_final_12m_usd_bn"):
        assert by.loc[(output, INERT), "ST"] == 0
    assert by.loc[("deportations_per_year", "raid_intensity"), "ST"] > 0.2
    assert by.loc[("exposed_mean_per_100k", INERT), "ST"] > 0

    over_time = pd.read_csv(out / "indices_time.csv")
    assert list(over_time.columns) == ["output", "series", "month", "date", "parameter", "ST", "ST_conf"]
    assert sorted(over_time["month"].unique()) == [3, 6, 9, 12, 13]
    assert set(over_time["output"]) == set(scalars.NAMES)
    assert over_time.loc[over_time["month"] == 13, "date"].unique().tolist() == ["2026-01"]

    assert len(pd.read_csv(out / "summary.csv")) == 40 and len(pd.read_csv(out / "scalars.csv")) == 80
    noise = pd.read_csv(out / "noise.csv").set_index("output")
    assert set(noise.index) == set(scalars.NAMES) and (noise["replicates"] == 2).all()
    assert (noise["noise_share"] >= 0).all() and (noise["noise_share_of_means"] >= 0).all()


def test_a_finished_analysis_resumes_to_the_same_indices(tmp_path, sobol_run):
    out = tmp_path / "copy"
    shutil.copytree(sobol_run, out)
    assert main(["sensitivity", SCENARIO, "--method", "sobol", "--samples", "8", "--params", PARAMS,
                 "--replicates", "2", "--scale", "3000", "--months", "13", "--out", str(out), "--no-plots"]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out / "indices.csv"), pd.read_csv(sobol_run / "indices.csv"))


@pytest.fixture(scope="module")
def morris_store(tmp_path_factory):
    """A small Morris sweep, run in this process."""
    out = tmp_path_factory.mktemp("morris") / "out"
    factors = [design.factor("raid_intensity"), design.factor("network_contacts"), design.factor(INERT)]
    plan = sensitivity.plan(scenarios.load(SCENARIO), "morris", 4, factors, replicates=1, seed=2, scale=5000,
                            months=4)
    sweep.run(plan, out, backend=LocalBackend(1), progress=False, echo=lambda *_: None)
    return out


def test_morris_end_to_end(morris_store):
    results = sensitivity.analyse(morris_store)
    indices = results["indices"]
    assert list(indices.columns) == ["output", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
    by = indices.set_index(["output", "parameter"])
    assert by.loc[("migrants_abroad_at_horizon", INERT), "mu_star"] == 0
    assert by.loc[("deportations_per_year", "raid_intensity"), "mu_star"] > 0
    assert set(results["indices_time"].columns) >= {"mu_star", "mu_star_conf"}
    assert (results["noise"]["replicates"] == 1).all() and results["noise"]["noise_share"].isna().all()


def copy_store(source, tmp_path) -> Path:
    out = tmp_path / "store"
    shutil.copytree(source, out)
    return out


def rewrite_part(out, part, table) -> None:
    """Replace ``part`` by ``table`` through the store, so the manifest records the new part's checksum; runs
    left out of ``table`` become pending."""
    store = Store(out)
    done = {run_id: where for run_id, where in store.recorded().items() if where[0] != part.name}
    part.unlink()
    store.write_part(table, store.runs(), done)


def test_a_damaged_part_stops_the_analysis(tmp_path, morris_store):
    out = copy_store(morris_store, tmp_path)
    part = Store(out).part_paths()[0]
    part.write_bytes(part.read_bytes()[:100])
    with pytest.raises(SensitivityError, match=f"{part.name}: its checksum does not match manifest.csv"):
        sensitivity.analyse(out)


def test_nan_outputs_stop_the_analysis_and_name_the_runs(tmp_path, morris_store):
    out = copy_store(morris_store, tmp_path)
    part = Store(out).part_paths()[0]
    table = pq.read_table(part)
    victim = table.column("run_id")[0].as_py()
    hit = pc.equal(table.column("run_id"), victim)
    column = table.column("deportations")
    table = table.set_column(table.schema.get_field_index("deportations"), "deportations",
                             pc.if_else(hit, pa.scalar(float("nan")), column))
    rewrite_part(out, part, table)
    with pytest.raises(SensitivityError, match=rf"deportations_per_year is NaN in 1 runs \(run ids {victim}\)"):
        sensitivity.analyse(out)


def test_missing_runs_stop_the_analysis_and_name_them(tmp_path, morris_store):
    out = copy_store(morris_store, tmp_path)
    part = Store(out).part_paths()[0]
    table = pq.read_table(part)
    lost = sorted(set(table.column("run_id").to_pylist()))
    rewrite_part(out, part, table.filter(pc.invert(pc.is_in(table.column("run_id"), pa.array(lost[:2])))))
    with pytest.raises(SensitivityError, match=rf"2 of the design's 16 runs have no results \(run ids "
                                               rf"{lost[0]}, {lost[1]}\)"):
        sensitivity.analyse(out)


def test_results_from_outside_the_design_are_refused(tmp_path, morris_store):
    out = copy_store(morris_store, tmp_path)
    store = Store(out)
    table = pq.read_table(store.part_paths()[0]).slice(0, 4)
    store.write_part(table.set_column(0, "run_id", pa.array([999] * 4, type=pa.int64())))
    with pytest.raises(SensitivityError, match="run ids 999, which are not in the design"):
        sensitivity.analyse(out)


def test_an_edited_design_is_refused(tmp_path, morris_store):
    out = copy_store(morris_store, tmp_path)
    record = json.loads((out / "design.json").read_text())
    record["parameters"][0]["sample_high"] = 0.3
    (out / "design.json").write_text(json.dumps(record))
    with pytest.raises(SensitivityError, match="fingerprint"):
        sensitivity.analyse(out)


def test_sobol_guards():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    rng = np.random.default_rng(0)
    with pytest.raises(design.DesignError, match="power of 2 of at least 2, got 100; the nearest is 128"):
        sensitivity.sobol_indices(problem, rng.random(100 * 5), 100, False)
    # A sample made for second-order indices (N (2D + 2) points) analysed without them, and the reverse.
    with pytest.raises(SensitivityError, match="64 output values for a Sobol design with N=8, 3 parameters and "
                                               "calc_second_order=False, which has 40 points"):
        sensitivity.sobol_indices(problem, rng.random(64), 8, False)
    with pytest.raises(SensitivityError, match="which has 64 points"):
        sensitivity.sobol_indices(problem, rng.random(40), 8, True)
    y = rng.random(40)
    y[[3, 17]] = np.nan
    with pytest.raises(SensitivityError, match="NaN or infinite at design points 3, 17"):
        sensitivity.sobol_indices(problem, y, 8, False)
    assert sensitivity.sobol_indices(problem, np.ones(40), 8, False)["constant"]


def test_morris_guards():
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}
    x = np.random.default_rng(0).random((12, 2))
    with pytest.raises(SensitivityError, match="do not belong to this design"):
        sensitivity.morris_indices(problem, x, np.ones(11), 4, 4)
    with pytest.raises(SensitivityError, match="sample does not belong"):
        sensitivity.morris_indices(problem, x[:9], np.ones(9), 4, 4)


def test_nearest_powers_of_two():
    assert design.nearest_powers_of_two(100) == [128]
    assert design.nearest_powers_of_two(90) == [64]
    assert design.nearest_powers_of_two(96) == [64, 128]
    assert design.nearest_powers_of_two(3) == [2, 4]


@pytest.mark.parametrize("flags, message", [
    (["--method", "sobol", "--samples", "100"], "--samples: Sobol sampling needs N to be a power of 2 of at least 2, "
                                               "got 100; the nearest is 128"),
    (["--method", "sobol", "--samples", "1"], "--samples: Sobol sampling needs N to be a power of 2 of at least 2, "
                                             "got 1; the nearest is 2"),
    (["--method", "morris", "--samples", "4", "--second-order"], "only for --method sobol"),
    (["--method", "morris", "--samples", "4", "--levels", "3"], "--levels"),
    (["--method", "sobol", "--samples", "8", "--levels", "6"], "--levels: only for --method morris"),
    (["--method", "morris", "--samples", "4", "--params", "raid_intensity,"], "a comma too many"),
    (["--method", "morris", "--samples", "4", "--outputs", "remittances_final_12m_usd_bn,,"],
     "--outputs: an empty name in 'remittances_final_12m_usd_bn,,' (a comma too many?)"),
    (["--method", "sobol", "--samples", "8", "--outputs", "remittance_change_12m_pct", "--months", "6"],
     "needs --months of at least 13"),
    (["--method", "sobol", "--samples", "8", "--outputs", "peak_unemployment"], "did you mean"),
    (["--method", "sobol", "--samples", "8", "--params", "hostility,hostility"], "listed twice"),
    (["--method", "morris", "--samples", "4", "--params", "hostility", "--bounds", "hostility=0.1:0.2", "--bounds",
      "hostility=0.1:0.3"], "--bounds: hostility is given twice"),
    (["--method", "morris", "--samples", "4", "--params", "hostility", "--scale", "1e9"], "--scale: 1e+09"),
])
def test_bad_flags_get_one_line_and_no_output(tmp_path, capsys, flags, message):
    out = tmp_path / "out"
    assert main(["sensitivity", SCENARIO, *flags, "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists()
