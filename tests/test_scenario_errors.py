"""Malformed scenario files: each fixture in tests/fixtures/bad_scenarios/ states its exact error on its first line
(``# expect: <message>``, with ``{dir}`` for the fixtures directory). Through the CLI every one must give that single
line on stderr, exit status 2, print nothing on stdout and write nothing. Cases that need a data file beside the
scenario are written to a temporary directory."""

import warnings
from pathlib import Path

import pytest

from analysis.cli import main
from sim import scenario

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures/bad_scenarios")
BAD = sorted(p.name for p in (ROOT / FIXTURES).glob("*.toml"))


def expected_message(name: str) -> str:
    first = (ROOT / FIXTURES / name).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{name} must state its error on its first line"
    return first.removeprefix("# expect: ").replace("{dir}", str(FIXTURES))


def test_there_are_at_least_thirty_malformed_fixtures():
    assert len(BAD) >= 30


@pytest.mark.parametrize("name", BAD)
def test_run_reports_exactly_one_line_and_writes_nothing(name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    status = main(["run", str(FIXTURES / name), "--out", str(out), "--no-plots", "--workers", "1"])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err == f"error: {expected_message(name)}\n"
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", BAD)
def test_loader_raises_the_same_message(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.load(FIXTURES / name)
    assert str(error.value) == expected_message(name)
    assert "\n" not in str(error.value)


def test_compare_reports_a_bad_alternative_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    status = main(["compare", "scenarios/baseline.toml", str(FIXTURES / "shock_unknown_lever.toml"),
                   "--out", str(out), "--no-plots"])
    assert status == 2
    assert capsys.readouterr().err == f"error: {expected_message('shock_unknown_lever.toml')}\n"
    assert list(tmp_path.iterdir()) == []


HEAD = '[scenario]\nname = "case"\nstart = "2025-01"\nmonths = 12\n'


def load_error(path) -> str:
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.load(path)
    return str(error.value)


@pytest.mark.parametrize("mode", ["scale", "pulse"])
def test_a_value_that_overflows_gives_the_range_error_and_no_numpy_warning(mode, tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(HEAD + f'[[shocks]]\nlever = "rub_per_usd"\nmode = "{mode}"\nvalue = 1e308\n'
                           f'start = "2025-03"\nend = "2025-05"\n', encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        message = load_error(path)
    assert message.startswith(f"{path}: shocks[0]: takes rub_per_usd to inf in 2025-03, outside its allowed range")
    assert [str(w.message) for w in caught] == []


def csv_shock_error(tmp_path, csv_text: str) -> str:
    (tmp_path / "rates.csv").write_text(csv_text, encoding="utf-8")
    path = tmp_path / "case.toml"
    path.write_text(HEAD + '[[shocks]]\nlever = "rub_per_usd"\nmode = "path"\nfile = "rates.csv"\n', encoding="utf-8")
    return load_error(path)


def test_a_csv_row_with_more_fields_than_the_header_is_refused(tmp_path):
    assert csv_shock_error(tmp_path, "date,v\n2025-01,90\n2025-02,90,5\n") == (
        f"{tmp_path / 'case.toml'}: shocks[0].file: {tmp_path / 'rates.csv'} line 3: 3 fields, but the header has 2 "
        f"(date, v)")


def test_csv_dates_out_of_order_name_the_csv_and_its_line(tmp_path):
    assert csv_shock_error(tmp_path, "date,v\n2025-06,90\n2025-01,95\n") == (
        f"{tmp_path / 'case.toml'}: shocks[0].file: {tmp_path / 'rates.csv'} line 3: dates must increase: 2025-01 "
        f"follows 2025-06")
