"""The model's public API: construction, validation of inputs, and the shape of its results."""

import json
import subprocess
import sys

import pytest

from sim import MigrationModel, outputs, parameters


def test_results_have_one_row_per_month_with_dates_and_every_output():
    model = MigrationModel(scale=2000, rng=1, start="2025-03", spinup_months=2)
    model.run_for(4)
    frame = model.results()
    assert list(frame["date"]) == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert list(frame.columns) == ["date", *outputs.NAMES]
    assert model.date == "2025-07"


def test_levers_table_follows_shocks():
    shock = {"lever": "raid_intensity", "mode": "set", "value": 0.1, "start": "2025-02", "end": "2025-03"}
    model = MigrationModel(scale=2000, rng=1, spinup_months=0, shocks=[shock])
    model.run_for(4)
    base = parameters.BY_NAME["raid_intensity"].default
    assert list(model.levers()["raid_intensity"]) == [base, 0.1, 0.1, base]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"raid_intensty": 0.1}, "unknown parameter 'raid_intensty' (did you mean 'raid_intensity'?)"),
    ({"raid_intensity": 1.5}, "raid_intensity: 1.5 is outside the allowed range 0..1 probability/month"),
    ({"entry_ban_months": 12.5}, "entry_ban_months: must be a whole number of months"),
    ({"patent_fee_rub": float("nan")}, "patent_fee_rub: must be finite"),
    ({"hostility": "high"}, "hostility: expected a number"),
])
def test_invalid_parameters_raise_value_error_naming_parameter_and_range(overrides, message):
    with pytest.raises(ValueError) as error:
        MigrationModel(scale=2000, rng=1, **overrides)
    assert message in str(error.value)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"scale": 0}, "scale: must be a positive number"),
    ({"scale": -5}, "scale: must be a positive number"),
    ({"scale": 1e7}, "leaves only"),
    ({"engine": "turbo"}, "engine: unknown engine 'turbo'"),
    ({"start": "2025-13"}, "month must be 01-12"),
])
def test_invalid_model_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MigrationModel(**{"scale": 2000, "rng": 1, **kwargs})


def test_params_command_prints_table_and_json_matching_the_registry():
    table = subprocess.run([sys.executable, "run.py", "params"], capture_output=True, text=True, check=True).stdout
    for p in parameters.PARAMETERS:
        assert p.name in table
    listing = json.loads(subprocess.run([sys.executable, "run.py", "params", "--json"], capture_output=True,
                                        text=True, check=True).stdout)
    assert [r["name"] for r in listing] == list(parameters.NAMES)
    for record in listing:
        assert {"name", "default", "unit", "low", "high", "source"} <= set(record)
        assert record["low"] <= record["default"] <= record["high"], record["name"]


@pytest.mark.parametrize(("flags", "message"), [
    (["--json", "--markdown"], "error: run.py params: argument --markdown: not allowed with argument --json"),
    (["--group", ""], "error: --group: unknown group ''; groups: "),
])
def test_params_command_refuses_contradictory_or_empty_flags(flags, message, capsys):
    from analysis.cli import main

    assert main(["params", *flags]) == 2
    error = capsys.readouterr().err
    assert error.startswith(message) and error.count("\n") == 1


def test_every_parameter_has_a_source_or_says_calibrated_or_assumed():
    for p in parameters.PARAMETERS:
        assert p.source.strip(), p.name
        assert p.minimum <= p.low <= p.high <= p.maximum, p.name


def test_docs_parameter_table_is_generated_from_the_registry():
    """docs/parameters.md must be regenerated whenever the registry or the calibration changes."""
    from pathlib import Path

    from sim import country

    expected = parameters.markdown(country.calibrated_parameters("tajikistan")) + "\n"
    current = (Path(__file__).resolve().parent.parent / "docs" / "parameters.md").read_text()
    assert current == expected, "run: python run.py params --markdown > docs/parameters.md"


def test_every_source_cites_or_says_calibrated_or_assumed():
    for p in parameters.PARAMETERS:
        source = p.source.lower()
        cites = any(mark in source for mark in ("analysis/data", "law", "facts.md", "(", "statutory", "world bank"))
        assert cites or source.startswith(("calibrated", "assumed")), p.name
