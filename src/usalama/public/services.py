"""Publishing a month (build every table, check it, store it) and serving what is stored.

The portal pages, the API, the CSV and GeoJSON downloads all read :func:`served`, so a
withheld value is withheld everywhere. A table that fails the disclosure check is never
stored; a stored table is served only if its digest still matches, it was checked at the
threshold in force now (or a stricter one), and no count in it lies from 1 to k−1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import statistics
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from usalama.analysis.disclosure import Protected, build_table, check_k, protect
from usalama.analysis.disclosure.audit import audit
from usalama.analysis.disclosure.suppress import equations
from usalama.audit.services import Actor, record
from usalama.core.errors import IntegrityFailure, InvalidInput
from usalama.public import sources
from usalama.public.areas import LEVELS, NATION, areas
from usalama.public.models import Kind, PublishedTable

log = logging.getLogger("usalama.public")

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
CACHE_SECONDS = 300
JUSTICE_COUNTS = ("charged", "judgments", "convictions", "pending_at_end")
JUSTICE_RATES = {
    # rate: the counts it is computed from (published only when both are)
    "clearance_rate": ("judgments", "charged"),
    "conviction_rate": ("convictions", "judgments"),
    "disposition_time_days": ("pending_at_end", "judgments"),
    "median_days_report_to_charge": ("charged", "charged"),
}


def threshold() -> int:
    """k in force (``USALAMA_PUBLIC_K``, default 5); below 3 it is refused, not lowered."""
    return check_k(int(getattr(settings, "USALAMA_PUBLIC_K", 5)))


def parse_month(text: str | None, name: str = "month") -> dt.date:
    match = MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise InvalidInput(f"{name}: give a month as YYYY-MM, not {str(text)[:20]!r}")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _month(first: dt.date) -> sources.Month:
    zone = ZoneInfo(settings.TIME_ZONE)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return sources.Month(
        dt.datetime.combine(first, dt.time(), zone),
        dt.datetime.combine(following, dt.time(), zone),
        first,
    )


def digest(rows: Sequence[Mapping[str, Any]]) -> str:
    text = json.dumps(list(rows), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


# --- building the tables ----------------------------------------------------------------------


def _checked(protected: Protected) -> dict[tuple[str, str | None], int | None]:
    """The published values, once the auditor's last run over exactly these values (inside
    :func:`protect`) found nothing; a table it could not clear is refused."""
    published = protected.published_values()
    failing = list(protected.failures) or audit_result(protected, published)
    if failing:
        raise IntegrityFailure(
            f"disclosure check failed for {len(failing)} cells; nothing was published"
        )
    return published


def audit_result(
    protected: Protected, published: Mapping[tuple[str, str | None], int | None]
) -> list[tuple[str, str | None]]:
    """The auditor's verdict on the published values. ``protect`` ends with this same audit,
    so only a table changed after it (or a primary cell left in) is audited again here."""
    k = protected.k
    small = [c for c, v in published.items() if v is not None and 1 <= v <= k - 1]
    if small or protected.suppressed != frozenset(c for c, v in published.items() if v is None):
        return small or audit(protected.table.equations(), published, k)
    return []


def counts_rows(month: sources.Month, k: int) -> tuple[list[dict[str, Any]], int]:
    leaves, _unplaced = sources.reports_by_ward(month)
    every = areas()
    table = build_table(leaves, {key: a.parent for key, a in every.items()}, sources.CATEGORIES)
    protected = protect(table, k)
    published = _checked(protected)
    rows = []
    for key in table.parent:
        area = every[key]
        for category in (*sources.CATEGORIES, None):
            rows.append(
                {
                    "key": key,
                    "parent": area.parent,
                    "level": area.level,
                    "area_code": area.code,
                    "area_name": area.name,
                    "category": category,
                    "count": published[(key, category)],
                }
            )
    return rows, len(protected.suppressed)


def _one_way(counts: Mapping[str, int], groups: Sequence[str], k: int) -> Protected:
    table = build_table({(NATION, g): n for g, n in counts.items()}, {NATION: None}, tuple(groups))
    return protect(table, k)


def response_rows(month: sources.Month, k: int) -> tuple[list[dict[str, Any]], int]:
    minutes = sources.response_minutes(month)
    groups = (*sources.PRIORITIES, sources.OTHER_PRIORITY)
    protected = _one_way({g: len(v) for g, v in minutes.items()}, groups, k)
    published = _checked(protected) if protected.table.parent else {}
    rows = []
    everything = [m for g in groups for m in minutes[g]]
    for group in (*groups, None):
        values = minutes[group] if group is not None else everything
        count = published.get((NATION, group), 0) if values else 0
        shown = count is not None and count > 0
        rows.append(
            {
                "group": group,
                "count": count,
                "median_minutes": round(statistics.median(values), 1) if shown else None,
                "p90_minutes": (
                    round(statistics.quantiles(values, n=10)[-1], 1)
                    if shown and len(values) > 1
                    else None
                ),
            }
        )
    return rows, len(protected.suppressed)


def complaints_rows(month: sources.Month, k: int) -> tuple[list[dict[str, Any]], int]:
    counts = sources.complaints_by_outcome(month)
    protected = _one_way(counts, sources.COMPLAINT_GROUPS, k)
    published = _checked(protected) if protected.table.parent else {}
    rows = [
        {"group": group, "count": published.get((NATION, group), 0)}
        for group in (*sources.COMPLAINT_GROUPS, None)
    ]
    return rows, len(protected.suppressed)


def justice_rows(month: sources.Month, k: int) -> tuple[list[dict[str, Any]], int]:
    kpis = sources.justice_kpis(month, settings.TIME_ZONE)
    judgments = int(kpis["judgments"])
    raw = {
        "charged": int(kpis["charged"]),
        "judgments": judgments,
        "convictions": round((kpis["conviction_rate"] or 0) * judgments),
        "pending_at_end": int(kpis["pending_at_end"]),
    }
    counts = {name: (None if 1 <= n <= k - 1 else n) for name, n in raw.items()}
    rows: list[dict[str, Any]] = [
        {"measure": name, "count": counts[name], "value": counts[name]} for name in JUSTICE_COUNTS
    ]
    for rate, needs in JUSTICE_RATES.items():
        usable = all(counts[n] for n in needs)  # published and non-zero
        value = kpis[rate] if usable else None
        rows.append(
            {
                "measure": rate,
                "count": None,
                "value": round(float(value), 3) if value is not None else None,
            }
        )
    return rows, sum(1 for n in counts.values() if n is None)


BUILDERS = {
    Kind.COUNTS: counts_rows,
    Kind.RESPONSE: response_rows,
    Kind.COMPLAINTS: complaints_rows,
    Kind.JUSTICE: justice_rows,
}


def _small(rows: Sequence[Mapping[str, Any]], k: int) -> bool:
    return any(isinstance(r.get("count"), int) and 1 <= r["count"] <= k - 1 for r in rows)


def publish_month(
    actor: Actor | Any, month_text: str, *, now: dt.datetime | None = None
) -> list[PublishedTable]:
    """Build, check and store every table of a complete month (replacing an earlier run)."""
    first = parse_month(month_text)
    today = timezone.localdate(now or timezone.now())
    if first >= today.replace(day=1):
        raise InvalidInput(
            f"month: {first:%Y-%m} is not over yet; only complete months are published"
        )
    k = threshold()
    month = _month(first)
    built = {}
    for kind, builder in BUILDERS.items():
        rows, withheld = builder(month, k)
        if _small(rows, k):
            raise IntegrityFailure(f"the {kind} table still holds a count below {k}")
        built[kind] = (rows, withheld)
    stored = []
    with transaction.atomic():
        for kind, (rows, withheld) in built.items():
            table, _created = PublishedTable.objects.update_or_create(
                month=first,
                kind=kind,
                defaults={
                    "k": k,
                    "rows": rows,
                    "digest": digest(rows),
                    "withheld": withheld,
                    "published_at": timezone.now(),
                    "published_by": getattr(actor, "name", "") or getattr(actor, "username", ""),
                },
            )
            stored.append(table)
        record(
            actor,
            "public.publish",
            object_type="public_month",
            object_id=f"{first:%Y-%m}",
            details={"k": k, "withheld": {kind: w for kind, (_r, w) in built.items()}},
        )
    return stored


def complete_months_with_data(now: dt.datetime | None = None) -> list[str]:
    """Months before the current one that have any citizen report (what the demo publishes)."""
    from usalama.intake.models import Report, Tip

    today = timezone.localdate(now or timezone.now())
    found: set[dt.date] = set()
    for model in (Report, Tip):
        for moment in model.objects.values_list("created_at", flat=True).iterator():
            local = timezone.localtime(moment).date().replace(day=1)
            if local < today.replace(day=1):
                found.add(local)
    return [f"{first:%Y-%m}" for first in sorted(found)]


# --- serving ---------------------------------------------------------------------------------


def _cache_key(first: dt.date, kind: str, digest_hex: str) -> str:
    return f"usalama.public.table:{first:%Y-%m}:{kind}:{digest_hex}"


def served(first: dt.date, kind: str) -> list[dict[str, Any]] | None:
    """The stored rows of a month's table, or None when it is not published or fails a check.

    The cache is keyed by the stored digest (one small query), so a month published again is
    served anew at once, by every process.
    """
    stored = PublishedTable.objects.filter(month=first, kind=kind).values_list("digest", "k")
    found = stored.first()
    if found is None:
        return None
    key = _cache_key(first, kind, found[0])
    k = threshold()
    cached = cache.get(key)
    if cached is not None and found[1] >= k:
        return list(cached)
    table = PublishedTable.objects.get(month=first, kind=kind)
    rows = list(table.rows)
    if table.k < k or digest(rows) != table.digest or _small(rows, k):
        log.warning("public table %s fails its check; not served", table)
        return None
    cache.set(key, rows, CACHE_SECONDS)
    return rows


def months() -> list[str]:
    """Months with every table published, newest first."""
    seen: dict[dt.date, set[str]] = {}
    for first, kind in PublishedTable.objects.values_list("month", "kind"):
        seen.setdefault(first, set()).add(kind)
    return [f"{m:%Y-%m}" for m in sorted(seen, reverse=True) if seen[m] == set(Kind.values)]


def counts(first: dt.date) -> list[dict[str, Any]]:
    rows = served(first, Kind.COUNTS)
    if rows is None:
        raise InvalidInput(f"month: {first:%Y-%m} is not published (see /api/v1/public/months)")
    return rows


def statistics_rows(level: str, month_text: str, category: str | None) -> list[dict[str, Any]]:
    """The API's rows: every area of the level with any report, one row per category (all of
    them and the total, or the one asked for)."""
    if level not in LEVELS:
        raise InvalidInput(f"level: one of {', '.join(LEVELS)}, not {level[:20]!r}")
    if category is not None and category not in sources.CATEGORIES:
        raise InvalidInput(f"category: unknown category {category[:40]!r}")
    first = parse_month(month_text)
    label = f"{first:%Y-%m}"
    return [
        {
            "area_code": row["area_code"],
            "area_name": row["area_name"],
            "level": row["level"],
            "month": label,
            "category": row["category"],
            "count": row["count"],
        }
        for row in counts(first)
        if row["level"] == level and (category is None or row["category"] == category)
    ]


def recheck(first: dt.date) -> list[tuple[str, str | None]]:
    """Run the LP auditor again on a stored counts table (``usalama public verify``)."""
    rows = counts(first)
    parent = {row["key"]: row["parent"] for row in rows}
    published = {(row["key"], row["category"]): row["count"] for row in rows}
    return audit(equations(parent, sources.CATEGORIES), published, threshold())
