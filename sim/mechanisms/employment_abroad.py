"""Employment abroad: jobless migrants find work, employed migrants lose it (docs/ODD.md §3 step 2, §7.1).

In Russia the chance of finding work scales with labour demand, is cut by regional job bans and, for irregular
migrants, by ``irregular_job_penalty``; job bans also lay off migrants in the banned sectors. Kazakhstan and the
other destinations have no bans and labour demand 1.
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t


@njit(cache=True, inline="always")
def job_find_prob(base, labour_demand, job_ban_share, irregular, irregular_penalty):
    p = base * labour_demand * (1.0 - job_ban_share)
    if irregular:
        p *= 1.0 - irregular_penalty
    return min(max(p, 0.0), 1.0)


@njit(cache=True, inline="always")
def job_loss_prob(base, job_ban_share, displacement):
    return min(base + job_ban_share * displacement, 1.0)


@njit(cache=True, inline="always")
def update(people, i, v, in_russia, keys, tally):
    u = rs.uniform(keys[rs.JOB_ABROAD], i)
    bans = v.job_ban_share if in_russia else 0.0
    if people.employed[i]:
        if u < job_loss_prob(v.abroad_job_loss_prob, bans, v.job_ban_displacement):
            people.employed[i] = False
            tally[t.JOBS_LOST_ABROAD] += 1
    elif u < job_find_prob(v.abroad_job_find_prob, v.russia_labour_demand if in_russia else 1.0, bans,
                           not people.documented[i], v.irregular_job_penalty):
        people.employed[i] = True
        tally[t.JOBS_FOUND_ABROAD] += 1
