"""Grievance: accumulated harm (raids, extortion, detention, deportation, wage theft, refusals, joblessness).

Grievance lives in [0, 1]. An event of size ``x`` closes a share ``x`` of the gap to 1, so repeated harm saturates
rather than overflowing, and every month a share ``grievance_decay`` fades. Abroad in Russia it also grows with the
hostility climate; at home it grows with long unemployment (collective grievances at home, doi:10.1353/apr.2022.0019).
Event increments are applied by the mechanisms where the events happen; this file holds the rule and the monthly
drift, applied at the month's end after ageing (docs/ODD.md §3 step 7, §7.5).
"""

from numba import njit

from sim import random_streams as rs
from sim.population import GONE, HOME, RUSSIA


@njit(cache=True, inline="always")
def aggrieve(grievance, increment):
    return grievance + increment * (1.0 - grievance)


@njit(cache=True, inline="always")
def drift(grievance, decay, in_russia, hostility_rate, hostility, long_unemployed_at_home, joblessness_increment):
    grievance = grievance * (1.0 - decay)
    if in_russia:
        grievance = grievance + hostility_rate * hostility * (1.0 - grievance)
    if long_unemployed_at_home:
        grievance = grievance + joblessness_increment * (1.0 - grievance)
    return grievance


@njit(cache=True, inline="always")
def update(people, v, start, stop):
    """The monthly drift for everyone active among rows ``start`` to ``stop - 1``."""
    for i in rs.rows(start, stop):
        where = people.location[i]
        if where >= GONE:
            continue
        long_unemployed_at_home = where == HOME and not people.employed[i] and \
            people.unemployed_months[i] >= v.long_unemployed_months
        people.grievance[i] = drift(people.grievance[i], v.grievance_decay, where == RUSSIA,
                                    v.grievance_hostility_rate, v.hostility, long_unemployed_at_home,
                                    v.grievance_job_loss_home)
