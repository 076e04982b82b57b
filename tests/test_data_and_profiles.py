"""Data in the project and origin-country profiles: every data row has a source, every profile loads,
carries a source for every figure, and runs."""

import csv
from pathlib import Path

import pytest

from sim import MigrationModel, country

DATA = Path(__file__).resolve().parent.parent / "analysis" / "data"


@pytest.mark.parametrize("path", sorted(DATA.glob("*.csv")), ids=lambda p: p.name)
def test_every_data_row_parses_and_has_a_source(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, path
    assert "source" in rows[0] and "note" in rows[0], f"{path.name} needs source and note columns"
    for number, row in enumerate(rows, start=2):
        assert row["source"].strip(), f"{path.name} line {number} has no source"


def test_monthly_rouble_path_covers_the_history_without_gaps():
    with open(DATA / "rub_per_usd_monthly.csv", newline="") as handle:
        dates = [row["date"] for row in csv.DictReader(handle)]
    expected = [f"{year}-{month:02d}" for year in range(2010, 2026) for month in range(1, 13)]
    assert dates == expected


@pytest.mark.parametrize("name", ["tajikistan", "kyrgyzstan", "uzbekistan"])
def test_every_country_profile_loads_and_runs(name):
    profile = country.load(name)
    assert profile.name == name
    assert all(profile.sources[key].strip() for key in profile.sources)
    model = MigrationModel(scale=3000, rng=1, country_profile=name, spinup_months=2)
    model.run_for(3)
    frame = model.results()
    assert (frame.migrants_abroad > 0).all() and (frame.remittances_usd > 0).all()


def test_profiles_differ_by_country_not_by_name_only():
    tj, kg, uz = (country.load(name) for name in ("tajikistan", "kyrgyzstan", "uzbekistan"))
    assert tj.facts != kg.facts != uz.facts
    assert tj.region_names != kg.region_names != uz.region_names
    assert kg.parameter_overrides.get("patent_fee_rub") == 0  # Eurasian Economic Union: no patent in Russia


def test_unknown_country_is_refused_with_a_suggestion():
    with pytest.raises(country.ProfileError, match="did you mean 'tajikistan'"):
        country.load("tajikstan")
