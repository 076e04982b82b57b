"""Shock semantics, month by month, for every mode: set, scale, add, ramp, pulse and path (docs/scenario-format.md).

Each case is written as a scenario file, loaded through the validator, and the lever's monthly values are read
from the timeline the model uses; one case also runs the model and reads ``MigrationModel.levers()``."""

import textwrap

import pytest

from sim import scenario
from sim.calendar import format_month, parse_month
from sim.timeline import Timeline

HEAD = """\
[scenario]
name = "case"
start = "2025-01"
months = {months}

[parameters]
raid_intensity = 0.03
"""


def write(tmp_path, body: str, months: int = 8, name: str = "case.toml"):
    path = tmp_path / name
    path.write_text(HEAD.format(months=months) + textwrap.dedent(body), encoding="utf-8")
    return scenario.load(path)


def monthly(s, lever, months=None):
    months = months or s.months
    timeline = Timeline(scenario.base_values(s.country, s.parameters), s.shocks, first_month=parse_month(s.start))
    return [round(float(v), 10) for v in timeline.path(lever, months)]


def test_set_holds_a_value_over_its_window_inclusive(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "hostility"
        mode = "set"
        value = 0.5
        start = "2025-03"
        end = "2025-05"
        note = "test"
    """)
    assert monthly(s, "hostility") == [0.3, 0.3, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3]


def test_set_without_end_lasts_to_the_horizon(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "patent_fee_rub"
        mode = "set"
        value = 10000
        start = "2025-06"
    """)
    assert monthly(s, "patent_fee_rub") == [8900] * 5 + [10000] * 3


def test_scale_multiplies_the_lever(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "raid_intensity"
        mode = "scale"
        value = 2.0
        start = "2025-02"
        end = "2025-03"
    """)
    assert monthly(s, "raid_intensity") == [0.03, 0.06, 0.06, 0.03, 0.03, 0.03, 0.03, 0.03]


def test_add_adds_to_the_lever(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "job_ban_share"
        mode = "add"
        value = 0.1
        start = "2025-07"
    """)
    assert monthly(s, "job_ban_share") == [0.05] * 6 + [0.15] * 2


def test_ramp_moves_linearly_from_the_month_before_start_to_value_at_end_then_holds(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "hostility"
        mode = "ramp"
        value = 0.6
        start = "2025-02"
        end = "2025-04"
    """)
    assert monthly(s, "hostility") == [0.3, 0.4, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6]


def test_ramp_starts_from_the_value_earlier_shocks_left(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "hostility"
        mode = "set"
        value = 0.5
        start = "2025-01"
        [[shocks]]
        lever = "hostility"
        mode = "ramp"
        value = 0.1
        start = "2025-03"
        end = "2025-06"
    """)
    assert monthly(s, "hostility") == [0.5, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1]


def test_pulse_multiplies_by_value_at_start_and_fades_linearly_to_one_at_end(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "raid_intensity"
        mode = "pulse"
        value = 3.0
        start = "2025-02"
        end = "2025-06"
    """)
    # multipliers 3, 2.5, 2, 1.5, 1 over February..June, then the base again
    assert monthly(s, "raid_intensity") == [0.03, 0.09, 0.075, 0.06, 0.045, 0.03, 0.03, 0.03]


def test_path_interpolates_between_points_and_reverts_after_its_end(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "rub_per_usd"
        mode = "path"
        points = [["2025-02", 80.0], ["2025-04", 100.0], ["2025-05", 110.0]]
    """)
    assert monthly(s, "rub_per_usd") == [83.3, 80.0, 90.0, 100.0, 110.0, 83.3, 83.3, 83.3]


def test_path_with_an_end_holds_its_last_point(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "rub_per_usd"
        mode = "path"
        end = "2025-07"
        points = [["2025-02", 80.0], ["2025-04", 100.0]]
    """)
    assert monthly(s, "rub_per_usd") == [83.3, 80.0, 90.0, 100.0, 100.0, 100.0, 100.0, 83.3]


def test_path_reads_points_from_a_csv_file_relative_to_the_scenario(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "rates.csv").write_text("date,rate,source\n2025-01,90,test\n2025-03,110,test\n2025-04,120,test\n")
    s = write(tmp_path, """
        [[shocks]]
        lever = "rub_per_usd"
        mode = "path"
        file = "data/rates.csv"
        end = "2025-08"
    """)
    assert monthly(s, "rub_per_usd") == [90.0, 100.0, 110.0, 120.0, 120.0, 120.0, 120.0, 120.0]
    assert [p for p, _ in s.data_files] == [str(tmp_path / "data" / "rates.csv")]
    before = s.sha256
    (data / "rates.csv").write_text("date,rate,source\n2025-01,91,test\n2025-03,110,test\n2025-04,120,test\n")
    assert scenario.load(tmp_path / "case.toml").sha256 != before, "the hash must cover the data file"


def test_shocks_on_one_lever_compose_in_file_order(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "raid_intensity"
        mode = "set"
        value = 0.05
        start = "2025-02"
        [[shocks]]
        lever = "raid_intensity"
        mode = "scale"
        value = 2.0
        start = "2025-04"
        end = "2025-05"
        [[shocks]]
        lever = "raid_intensity"
        mode = "add"
        value = 0.01
        start = "2025-05"
        end = "2025-06"
    """, months=7)
    assert monthly(s, "raid_intensity") == [0.03, 0.05, 0.05, 0.1, 0.11, 0.06, 0.05]


def test_the_model_applies_the_scenario_timeline(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "raid_intensity"
        mode = "pulse"
        value = 3.0
        start = "2025-02"
        end = "2025-04"
        [[shocks]]
        lever = "border_open"
        mode = "ramp"
        value = 0.25
        start = "2025-03"
        end = "2025-05"
    """, months=6)
    model = s.model(scale=2000, rng=1)
    model.run_for(6)
    levers = model.levers()
    assert list(levers["date"]) == [format_month(parse_month("2025-01") + i) for i in range(6)]
    assert [round(v, 10) for v in levers["raid_intensity"]] == [0.03, 0.09, 0.06, 0.03, 0.03, 0.03]
    assert [round(v, 10) for v in levers["border_open"]] == [1.0, 1.0, 0.75, 0.5, 0.25, 0.25]


def test_a_shock_starting_before_the_scenario_applies_from_the_first_month(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "hostility"
        mode = "set"
        value = 0.6
        start = "2024-06"
        end = "2025-02"
    """, months=4)
    assert monthly(s, "hostility") == [0.6, 0.6, 0.3, 0.3]


def test_with_months_extends_the_horizon_and_checks_shocks_over_it(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "raid_intensity"
        mode = "add"
        value = 0.5
        start = "2025-02"
        [[shocks]]
        lever = "raid_intensity"
        mode = "add"
        value = 0.6
        start = "2025-10"
    """, months=8)
    assert scenario.with_months(s, 3).months == 3
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.with_months(s, 12)
    assert str(error.value) == (f"{tmp_path / 'case.toml'}: shocks[1]: with --months 12, takes raid_intensity to "
                                f"1.13 in 2025-10, outside its allowed range 0..1 probability/month")
    with pytest.raises(scenario.ScenarioError, match="--months: must be 1..600 months"):
        scenario.with_months(s, 601)


def test_shocks_starting_after_the_horizon_are_one_warning_line_until_a_longer_run_reaches_them(tmp_path):
    s = write(tmp_path, """
        [[shocks]]
        lever = "hostility"
        mode = "set"
        value = 0.6
        start = "2025-03"
        [[shocks]]
        lever = "hostility"
        mode = "set"
        value = 0.7
        start = "2030-01"
        [[shocks]]
        lever = "hostility"
        mode = "set"
        value = 0.8
        start = "2031-01"
    """, months=12)
    assert s.warnings() == [f"warning: {tmp_path / 'case.toml'}: shocks[1] (2030-01), shocks[2] (2031-01): start "
                            f"after the last simulated month (2025-12), so they have no effect in this run"]
    assert scenario.with_months(s, 61).warnings() == [
        f"warning: {tmp_path / 'case.toml'}: shocks[2] (2031-01): starts after the last simulated month (2030-01), "
        f"so it has no effect in this run"]
    assert scenario.with_months(s, 73).warnings() == []


def test_a_byte_order_mark_is_accepted_at_the_start_of_a_csv(tmp_path):
    (tmp_path / "rates.csv").write_text("\ufeffdate,rate\n2025-01,90\n2025-03,110\n", encoding="utf-8")
    s = write(tmp_path, """
        [[shocks]]
        lever = "rub_per_usd"
        mode = "path"
        file = "rates.csv"
    """, months=4)
    assert monthly(s, "rub_per_usd") == [90.0, 100.0, 110.0, 83.3]


def test_a_byte_order_mark_is_accepted_at_the_start_of_a_scenario_file(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text("\ufeff" + HEAD.format(months=4), encoding="utf-8")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert scenario.load(path).months == 4
