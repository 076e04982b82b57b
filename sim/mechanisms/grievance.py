"""Grievance: accumulated harm (raids, extortion, detention, deportation, wage theft, refusals, joblessness).

Grievance lives in [0, 1]. An event of size ``x`` closes a share ``x`` of the gap to 1, so repeated harm saturates
rather than overflowing, and every month a share ``grievance_decay`` fades. Abroad in Russia it also grows with the
hostility climate; at home it grows with long unemployment (collective grievances at home, doi:10.1353/apr.2022.0019).
Event increments are applied by the mechanisms where the events happen; this file holds the rule and the monthly
drift, applied after enforcement (DESIGN §3, step 2).
"""

from numba import njit


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
def update(people, i, v, in_russia, long_unemployed_at_home):
    people.grievance[i] = drift(people.grievance[i], v.grievance_decay, in_russia, v.grievance_hostility_rate,
                                v.hostility, long_unemployed_at_home, v.grievance_job_loss_home)
