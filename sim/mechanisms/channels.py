"""The channel choice: formal (banks, money-transfer systems, bank cards) or informal (carried cash, hawala,
card-to-card through third parties) (docs/ODD.md §7.6).

Each transfer is split between the channels by a binary logit (McFadden 1974), the expected share of a sender facing
that choice. Formal channels win on safety and convenience (``channel_formal_asc``) and lose on cost: their fee plus
the exchange-rate spread they pay out at, against the informal courier's fee, in percentage points of the amount
(``channel_cost_coef``; Freund and Spatafora 2008 find that transfer costs push remittances into informal channels).
Migrants without valid documents use formal channels less (``channel_irregular_penalty``; Amuedo-Dorantes and Bansak
2006 find legal status raises the use of formal transfer services). Restrictions (``informal_channel_push``) push a
share of what would go formally into informal channels, and a person on the register has no bank access at all.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def formal_share(documented, on_register, v):
    """The share of a transfer sent through formal channels."""
    if on_register:
        return 0.0
    cost_gap_pp = 100.0 * (v.transfer_fee_formal + v.formal_exchange_spread - v.transfer_fee_informal)
    utility = v.channel_formal_asc - v.channel_cost_coef * cost_gap_pp
    if not documented:
        utility -= v.channel_irregular_penalty
    return (1.0 - v.informal_channel_push) / (1.0 + math.exp(-utility))


def formal_shares(v) -> np.ndarray:
    """This month's ``formal_share`` by [documented, on the register], the same for every sender: looked up per
    transfer rather than taking an exponential for each (a fifth of the cost of everyone abroad at 1:1)."""
    return np.array([[formal_share(documented, on_register, v) for on_register in (False, True)]
                     for documented in (False, True)])
