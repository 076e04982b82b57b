"""Responsible design (docs/ethics.md): nothing the model or the CLI writes holds data per person, so no
risk value can be traced to an individual. The test runs the commands and scans every file they write."""

import json
import subprocess
import sys

import pandas as pd

from sim import outputs

PERSON_KEYS = ("slot", "person", "agent_id", "unique_id", "household_id", "grievance_of", "risk_score",
               "exposure_of", "exposed_person", "exposure_score")


def run(*args):
    completed = subprocess.run([sys.executable, "run.py", *args], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    return completed


def columns_of(path):
    if path.suffix == ".csv":
        return pd.read_csv(path), True
    if path.suffix == ".parquet":
        return pd.read_parquet(path), True
    return None, False


def scan(directory, max_rows):
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert files
    for path in files:
        frame, tabular = columns_of(path)
        if tabular:
            lowered = [str(c).lower() for c in frame.columns]
            assert not any(key in c for c in lowered for key in PERSON_KEYS), (path, lowered)
            assert len(frame) <= max_rows, f"{path} has {len(frame)} rows: more than runs x months"
        elif path.suffix == ".json":
            text = path.read_text()
            assert not any(f'"{key}"' in text for key in PERSON_KEYS), path
            json.loads(text)


def test_run_compare_and_sweep_write_no_person_level_data(tmp_path):
    months, replicates = 3, 2
    run("run", "scenarios/baseline.toml", "--scale", "4000", "--replicates", str(replicates), "--months",
        str(months), "--workers", "1", "--out", str(tmp_path / "run"))
    run("compare", "scenarios/baseline.toml", "scenarios/crocus_crackdown.toml", "--scale", "4000", "--replicates",
        str(replicates), "--months", str(months), "--workers", "1", "--no-plots", "--out", str(tmp_path / "compare"))
    run("sweep", "scenarios/baseline.toml", "--vary", "raid_intensity=0.02:0.08:2", "--scale", "4000",
        "--replicates", str(replicates), "--months", str(months), "--workers", "1", "--no-plots",
        "--out", str(tmp_path / "sweep"))
    # Generous bound: every table has at most one row per run, month and metric or parameter.
    bound = 4 * replicates * months * 60
    for name in ("run", "compare", "sweep"):
        scan(tmp_path / name, bound)
    timeseries = pd.read_csv(tmp_path / "run" / "timeseries.csv")
    assert len(timeseries) == replicates * months
    # The exposure components are in the scanned files, as aggregate columns only.
    assert set(outputs.EXPOSURES) <= set(timeseries.columns)
