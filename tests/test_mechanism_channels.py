"""Known answers for the channel choice (sim/mechanisms/channels.py)."""

import math

import pytest

from sim import parameters
from sim.mechanisms import channels


def values(**overrides):
    return parameters.Values(**parameters.resolve(overrides))


def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


def test_the_formal_share_is_the_binary_logit_of_the_cost_gap():
    v = values(channel_formal_asc=2.0, channel_cost_coef=0.5, transfer_fee_formal=0.02, formal_exchange_spread=0.03,
               transfer_fee_informal=0.01, channel_irregular_penalty=1.0, informal_channel_push=0.0)
    # Formal costs 2% + 3% spread against 1% informally: 4 percentage points dearer.
    assert channels.formal_share(True, False, v) == pytest.approx(logistic(2.0 - 0.5 * 4))
    assert channels.formal_share(False, False, v) == pytest.approx(logistic(2.0 - 0.5 * 4 - 1.0))


def test_costs_spreads_restrictions_status_and_the_register_all_move_the_share_the_right_way():
    base = dict(channel_formal_asc=3.0, channel_cost_coef=0.5, transfer_fee_formal=0.02, transfer_fee_informal=0.03,
                formal_exchange_spread=0.0, informal_channel_push=0.0, channel_irregular_penalty=1.5)
    share = channels.formal_share(True, False, values(**base))
    assert channels.formal_share(True, False, values(**{**base, "transfer_fee_formal": 0.04})) < share
    assert channels.formal_share(True, False, values(**{**base, "formal_exchange_spread": 0.05})) < share
    assert channels.formal_share(True, False, values(**{**base, "transfer_fee_informal": 0.06})) > share
    assert channels.formal_share(False, False, values(**base)) < share
    pushed = channels.formal_share(True, False, values(**{**base, "informal_channel_push": 0.25}))
    assert pushed == pytest.approx(0.75 * share)
    assert channels.formal_share(True, True, values(**base)) == 0.0


def test_the_months_table_of_formal_shares_is_the_rule_for_each_status():
    v = values(channel_formal_asc=2.0, channel_cost_coef=0.5, channel_irregular_penalty=1.0)
    table = channels.formal_shares(v)
    assert table.shape == (2, 2)
    for documented in (False, True):
        for on_register in (False, True):
            assert table[int(documented), int(on_register)] == channels.formal_share(documented, on_register, v)
    assert table[1, 0] > table[0, 0] > 0.0 == table[0, 1] == table[1, 1]
