"""Counter-based random numbers: every draw is a pure function of (run key, stream, month, agent slot).

Why not a sequential generator: with a counter-based draw, agent ``slot`` gets the same number for the same
decision in the same month whatever else happens in the run. Two scenarios with the same seed therefore differ
only by policy (common random numbers, as in Starsim), the fast and reference engines can share draws, and the
result does not depend on the order in which agents are visited. The hash is SplitMix64's finaliser (Steele,
Lea & Flood 2014), which passes BigCrush when fed a Weyl sequence, as here.

All keys descend from one 64-bit master key that the model draws from its seeded ``numpy.random.Generator``.
"""

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV_2_53 = 1.0 / 9007199254740992.0

# One stream per decision, so that adding a draw to one mechanism leaves every other mechanism's draws unchanged.
(JOB_ABROAD, WAGE_THEFT, STATUS, REGISTER, CHECK, CHECK_OUTCOME, REGISTER_EXPULSION, SEND, RETURN, OVERSTAY_BAN,
 NATURALISE, DEPART, SCREENING, ARRIVAL_STATUS, HOME_SEPARATION, HOME_HIRE, REWIRE, ENTRANT, AMNESTY,
 EXPULSION_KAZAKHSTAN, DIASPORA_SEND, HOME_PLOT) = range(1, 23)


@njit(cache=True, inline="always")
def mix64(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def stream_key(master, stream, month):
    """The key of one decision in one month. ``month`` is the absolute calendar month."""
    return mix64(np.uint64(master) ^ mix64(np.uint64(stream) * _GOLDEN + np.uint64(month)))


@njit(cache=True, inline="always")
def uniform(key, slot):
    """A uniform number in [0, 1) for agent ``slot`` under ``key``."""
    z = mix64(np.uint64(key) + (np.uint64(slot) + np.uint64(1)) * _GOLDEN)
    return float(z >> _S11) * _INV_2_53


@njit(cache=True, inline="always")
def rows(start, stop):
    """``range(start, stop)`` with an unsigned counter. Numba checks a signed index for being negative on every
    array access; with an unsigned one it need not, and the compiler can then run a loop that starts anywhere on
    several people at once (SIMD). Only index with it, and do arithmetic on it with unsigned numbers: mixing it
    with signed ones gives floats."""
    return range(np.uint64(start), np.uint64(stop))


@njit(cache=True, inline="always")
def unsigned(index):
    """A row or household number read from a column (``rows[k]``, ``people.household[i]``, a contact), as an
    unsigned number to index with: as with ``rows``, the compiler then skips the test for a negative index on every
    access. In the paying loop of the home labour market this took the loop from 23 to 14 ms a month at 1:1."""
    return np.uint64(index)


@njit(cache=True, inline="always")
def lowest_bit(word):
    """Index of the lowest set bit of a non-zero uint64. The passes test a bound for 64 people at a time into a
    word of bits (a loop the compiler can run on several people at once), then visit the few set bits."""
    x = (word & (~word + np.uint64(1))) - np.uint64(1)  # the bits below the lowest set bit
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


def master_key(generator: np.random.Generator) -> np.uint64:
    return np.uint64(generator.integers(0, 2**63, dtype=np.int64))


N_STREAMS = HOME_PLOT + 1


def month_keys(master, month: int) -> np.ndarray:
    """Every stream's key for one month, indexed by stream number."""
    return np.array([stream_key(master, stream, month) for stream in range(N_STREAMS)], dtype=np.uint64)
