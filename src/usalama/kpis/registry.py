"""Every indicator, defined once: what it means, its unit, which way is better, where its
figures come from, who owns it and at which levels it exists. ``docs/kpis.md`` is written from
this list (``usalama kpis catalogue``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from usalama.data.areas import COUNTY, NATIONAL, STATION, SUBCOUNTY, WARD

HIGHER = "higher"
LOWER = "lower"
ALL_PLACES = (NATIONAL, COUNTY, SUBCOUNTY, WARD, STATION)
GEOGRAPHIC = (NATIONAL, COUNTY, SUBCOUNTY, WARD)


@dataclass(frozen=True)
class Indicator:
    key: str
    name: object  # a lazily translated string
    definition: object
    unit: object
    direction: str  # HIGHER or LOWER is better
    source: str  # the source function in usalama.kpis.sources that yields it
    query: str  # the records it counts, in words (for the catalogue)
    owner: str  # the role that answers for it
    levels: tuple[str, ...]
    family: str  # police, community, justice, oversight (the dashboards' groups)
    drill: str = ""  # "incidents" when the records behind a figure are incidents


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "response_median_minutes",
        _("Response time, median"),
        _(
            "Median minutes from a call's receipt to the first unit's arrival, over calls "
            "received in the month that have an arrival time."
        ),
        _("minutes"),
        LOWER,
        "incidents",
        "policing.Incident: arrived_at − received_at, received_at in the month",
        "commander",
        ALL_PLACES,
        "police",
        "incidents",
    ),
    Indicator(
        "response_p90_minutes",
        _("Response time, 90th percentile"),
        _(
            "Minutes within which 90 per cent of the month's calls saw a unit arrive (linear "
            "interpolation)."
        ),
        _("minutes"),
        LOWER,
        "incidents",
        "policing.Incident: arrived_at − received_at, received_at in the month",
        "commander",
        ALL_PLACES,
        "police",
        "incidents",
    ),
    Indicator(
        "incidents_received",
        _("Calls for service received"),
        _("Incidents (calls for service and Occurrence Book entries) received in the month."),
        _("incidents"),
        LOWER,
        "incidents",
        "policing.Incident: count, received_at in the month",
        "commander",
        ALL_PLACES,
        "police",
        "incidents",
    ),
    Indicator(
        "clearance_rate",
        _("Incidents cleared"),
        _("Share of the month's incidents that are cleared or closed (detection and clearance)."),
        _("%"),
        HIGHER,
        "incidents",
        "policing.Incident: cleared_at set or status closed / all, received_at in the month",
        "commander",
        ALL_PLACES,
        "police",
        "incidents",
    ),
    Indicator(
        "forecast_hit_rate",
        _("Forecast hit rate"),
        _(
            "Share of the month's located incidents, received after a hotspot forecast was made "
            "and within its horizon, that fell inside the forecast's hotspot cells (every "
            "finished forecast whose horizon overlaps the month, pooled)."
        ),
        _("%"),
        HIGHER,
        "forecasts",
        "policing.ForecastRun (done) × policing.Incident of its collection: received after "
        "the forecast was made, within its horizon and the month; inside its cells / all",
        "analyst",
        (NATIONAL,),
        "police",
    ),
    Indicator(
        "forecast_pai",
        _("Forecast accuracy index (PAI)"),
        _(
            "Predictive accuracy index: the forecast hit rate divided by the share of the study "
            "area its hotspot cells cover (1 is no better than chance; higher is better)."
        ),
        _("ratio"),
        HIGHER,
        "forecasts",
        "policing.ForecastRun × policing.Incident: hits / Σ (incidents × cells / study cells)",
        "analyst",
        (NATIONAL,),
        "police",
    ),
    Indicator(
        "reports_received",
        _("Citizen reports received"),
        _("Identified reports received from citizens (web, SMS, USSD) in the month."),
        _("reports"),
        HIGHER,
        "intake",
        "intake.Report: count, created_at in the month, placed by its ward",
        "commander",
        GEOGRAPHIC,
        "community",
    ),
    Indicator(
        "tips_received",
        _("Anonymous tips received"),
        _("Anonymous tips received in the month."),
        _("tips"),
        HIGHER,
        "intake",
        "intake.Tip: count, created_at in the month, placed by its ward",
        "commander",
        GEOGRAPHIC,
        "community",
    ),
    Indicator(
        "intake_converted_rate",
        _("Reports and tips converted to incidents"),
        _("Share of the month's reports and tips that became an incident in the Occurrence Book."),
        _("%"),
        HIGHER,
        "intake",
        "intake.Report + intake.Tip: converted_at set / all, created_at in the month",
        "commander",
        GEOGRAPHIC,
        "community",
    ),
    Indicator(
        "watchlist_hits",
        _("Watchlist hits"),
        _(
            "Watchlist alerts raised in the month (screening, number-plate sightings, "
            "subscriptions)."
        ),
        _("alerts"),
        HIGHER,
        "watchlists",
        "watchlists.WatchlistAlert: count, created_at in the month",
        "supervisor",
        (NATIONAL,),
        "police",
    ),
    Indicator(
        "court_within_24h_rate",
        _("Arrests in court within 24 hours"),
        _(
            "Share of the month's arrests whose first court appearance came within 24 hours "
            "(Constitution Art. 49(1)(f))."
        ),
        _("%"),
        HIGHER,
        "justice",
        "cases.ChainEvent through analysis.justice.compute_kpis: court_within_24h_rate",
        "prosecutor",
        (NATIONAL,),
        "justice",
    ),
    Indicator(
        "court_clearance_rate",
        _("Court clearance rate"),
        _("Judgments in the month per accused charged in the month (analysis.justice)."),
        _("%"),
        HIGHER,
        "justice",
        "cases.ChainEvent through analysis.justice.compute_kpis: clearance_rate",
        "prosecutor",
        (NATIONAL,),
        "justice",
    ),
    Indicator(
        "conviction_rate",
        _("Conviction rate"),
        _("Share of the month's judgments that convicted (analysis.justice)."),
        _("%"),
        HIGHER,
        "justice",
        "cases.ChainEvent through analysis.justice.compute_kpis: conviction_rate",
        "prosecutor",
        (NATIONAL,),
        "justice",
    ),
    Indicator(
        "s25_breaches",
        _("Late s. 25 notifications"),
        _(
            "Deaths and serious injuries from police action in the month that were reported to "
            "IPOA after the 24-hour deadline, or not yet reported once it passed (IPOA Act s. "
            "25)."
        ),
        _("notifications"),
        LOWER,
        "oversight",
        "oversight.Notification: occurred_at in the month, reported late or not at all",
        "oversight_investigator",
        (NATIONAL,),
        "oversight",
    ),
    Indicator(
        "complaints_stalled",
        _("Complaints without an outcome after 90 days"),
        _(
            "Complaints received in the month that had not reached an outcome (or been found "
            "inadmissible) 90 days after receipt, counted once 90 days have passed."
        ),
        _("complaints"),
        LOWER,
        "oversight",
        "oversight.Complaint + StageChange: created_at in the month, no outcome within 90 days",
        "oversight_investigator",
        (NATIONAL,),
        "oversight",
    ),
)
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
FAMILIES = {
    "police": _("Police response"),
    "community": _("Citizens' reports and tips"),
    "justice": _("Justice chain"),
    "oversight": _("Oversight clocks"),
}
# The dashboard each role opens on (the Inspector-General's and commanders' view is
# "police"; ODPP's is "justice"; IPOA's is "oversight").
ROLE_FAMILY = {
    "commander": "police",
    "supervisor": "police",
    "analyst": "police",
    "desk_officer": "community",
    "prosecutor": "justice",
    "oversight_investigator": "oversight",
}
