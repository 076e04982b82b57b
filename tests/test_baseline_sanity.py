"""Baseline sanity: a 12-month run from 2025-01 with the defaults reproduces the orders of magnitude in the data.
Run at 1:20 to stay fast."""

from sim import MigrationModel


def test_baseline_orders_of_magnitude():
    model = MigrationModel(scale=20, rng=1)
    model.run_for(12)
    frame = model.results()
    # Stock ~1.0-1.2M on average, with its seasonal swing (facts.md: 1.2M present Sep 2014; >1M Oct 2025; seed
    # article: 1.2M).
    assert 1.0e6 <= frame.migrants_abroad.mean() <= 1.2e6
    assert 0.9e6 <= frame.migrants_abroad.min() and frame.migrants_abroad.max() <= 1.3e6
    assert frame.migrants_abroad.max() - frame.migrants_abroad.min() > 0.1e6
    # Annual remittances of the order of 2023-24 (World Bank/KNOMAD 4.6-5.8 bn USD, tajikistan_annual.csv).
    assert 3.5e9 <= frame.remittances_usd.sum() <= 6.5e9
    # Deportations of the order of 2023-24 (~11k in 2023, 17.1k in H1 2024).
    assert 10_000 <= frame.deportations.sum() <= 60_000
