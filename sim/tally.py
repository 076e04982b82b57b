"""Names of the monthly event counts both engines keep (in agents; money in USD per agent)."""

NAMES = (
    "jobs_found_abroad", "jobs_lost_abroad", "wage_thefts", "lapses", "regularisations", "listings", "checks",
    "extortions", "deportations", "register_expulsions", "remittances_formal_usd", "remittances_informal_usd",
    "senders", "returns_voluntary", "overstay_bans", "naturalisations", "departures_russia",
    "departures_kazakhstan", "departures_other", "entry_refusals", "stayers_employed", "stayers_jobless",
    "rewired", "retirements", "retirements_abroad",
)
(JOBS_FOUND_ABROAD, JOBS_LOST_ABROAD, WAGE_THEFTS, LAPSES, REGULARISATIONS, LISTINGS, CHECKS, EXTORTIONS,
 DEPORTATIONS, REGISTER_EXPULSIONS, REMITTANCES_FORMAL_USD, REMITTANCES_INFORMAL_USD, SENDERS, RETURNS_VOLUNTARY,
 OVERSTAY_BANS, NATURALISATIONS, DEPARTURES_RUSSIA, DEPARTURES_KAZAKHSTAN, DEPARTURES_OTHER, ENTRY_REFUSALS,
 STAYERS_EMPLOYED, STAYERS_JOBLESS, REWIRED, RETIREMENTS, RETIREMENTS_ABROAD) = range(len(NAMES))
