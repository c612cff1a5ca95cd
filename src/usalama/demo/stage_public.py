"""Demo stage: three months of citizen reports behind us, and those months published on the
public portal (``/public/``) after the disclosure check.

The reports go in through the intake service like any web report (audited, classified), then
take the time they were made: spread over the three complete months before today, across
Nairobi, Mombasa and Kisumu, more in some wards than others, so the portal shows real drill
-down, and real suppression where a ward has only a few reports of a kind.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from usalama.audit.services import Actor
from usalama.data.geo import read_geo_csv
from usalama.demo.stages import DemoContext, Tip
from usalama.intake import services as intake
from usalama.intake.categories import CATEGORIES
from usalama.intake.models import Report, Status
from usalama.public import schedule
from usalama.public import services as public

MONTHS = 3
COUNTIES = {"Nairobi": 190, "Mombasa": 70, "Kisumu": 40}  # reports a month
CATEGORY_WEIGHTS = {
    "stealing": 30,
    "breakings": 14,
    "assault": 14,
    "robbery": 10,
    "dangerous_drugs": 7,
    "traffic": 6,
    "criminal_damage": 5,
    "economic": 4,
    "corruption": 3,
    "vehicle_theft": 3,
    "morality": 2,
    "homicide": 1,
    "other": 5,
}
TEXTS = {
    "en": "Reported through the public form: {what} near {ward}.",
    "sw": "Imeripotiwa kupitia fomu ya umma: {what} karibu na {ward}.",
}
MARKER = "public form:"


def _first_of_month(day: dt.date, back: int) -> dt.date:
    first = day.replace(day=1)
    for _ in range(back):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def _months(today: dt.date) -> list[dt.date]:
    return [_first_of_month(today, back) for back in range(MONTHS, 0, -1)]


def _history(seed: int, today: dt.date) -> list[tuple[dt.datetime, str, tuple[str, str, str]]]:
    rng = random.Random(f"{seed}:public")
    wards = read_geo_csv("kenya_wards.csv")
    plan = []
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    for county, per_month in COUNTIES.items():
        places = [(r["county_name"], r["constituency_name"], r["ward_name"]) for r in wards]
        places = [p for p in places if p[0] == county]
        rng.shuffle(places)
        # a few busy wards, a long tail of quiet ones
        ward_weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(places))]
        for first in _months(today):
            following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            days = (following - first).days
            for _ in range(per_month + rng.randint(-10, 10)):
                place = rng.choices(places, weights=ward_weights)[0]
                moment = timezone.make_aware(
                    dt.datetime.combine(first, dt.time(6))
                    + dt.timedelta(days=rng.randrange(days), minutes=rng.randrange(16 * 60))
                )
                plan.append((moment, rng.choices(categories, weights=weights)[0], place))
    return plan


def populate(context: DemoContext) -> list[Tip]:
    today = timezone.localdate()
    months = _months(today)
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time()))
    if not Report.objects.filter(description__contains=MARKER, created_at__gte=start).exists():
        names = {c.code: {"en": c.name("en").lower(), "sw": c.name("sw")} for c in CATEGORIES}
        for moment, category, (county, sub, ward) in _history(context.seed, today):
            language = "sw" if moment.minute % 3 == 0 else "en"
            report = intake.submit_report(
                intake.SubmissionInput(
                    category=category,
                    description=TEXTS[language].format(what=names[category][language], ward=ward),
                    channel="web",
                    language=language,
                    county=county,
                    sub_county=sub,
                    ward=ward,
                    occurred_at=moment - dt.timedelta(hours=2),
                )
            )
            # past work: handled and closed, so the desk's queue holds today's reports only
            Report.objects.filter(pk=report.pk).update(
                created_at=moment, updated_at=moment, status=Status.CLOSED
            )
    published = []
    for first in months:
        label = f"{first:%Y-%m}"
        if label not in public.months():
            public.publish_month(Actor(name="demo"), label)
        published.append(label)
    schedule.ensure_scheduled()  # each month from now on publishes itself
    newest = published[-1]
    return [
        Tip(
            "nps.commander",
            f"Public portal (no login): /public/?month={newest} — reports by county, "
            f"sub-county and ward with small counts withheld; /public/?lang=sw in Swahili; "
            f"/api/v1/public/statistics?level=ward&month={newest}",
        )
    ]
