"""A flat, large table of person records with ground truth, for resolution benchmarks.

:func:`generate_person_table` is vectorised with numpy and Polars (no FtM objects): a
million rows take a few seconds. Only the duplicate rows (other agencies' copies)
go through the Python name-variant functions of :mod:`usalama.demo.names`.
"""

from __future__ import annotations

import random

import numpy as np
import polars as pl

from usalama.demo import geo
from usalama.demo.names import (
    CHRISTIAN_FEMALE,
    CHRISTIAN_MALE,
    COMMUNITIES,
    NameParts,
    initials,
    name_variant,
)

__all__ = ["TABLE_AGENCIES", "TABLE_COLUMNS", "generate_person_table"]

TABLE_COLUMNS = (
    "record_id",
    "true_id",
    "agency",
    "given_name",
    "middle_name",
    "surname",
    "full_name",
    "date_of_birth",
    "national_id",
    "kra_pin",
    "phone",
    "email",
    "county",
    "town",
)
TABLE_AGENCIES = ("NPS", "DCI", "ODPP", "IPOA", "FRC", "UPF", "TPF")
_KENYAN_HOME_P = np.array([0.34, 0.24, 0.12, 0.1, 0.2])
_WEIGHTS = {
    "kikuyu": 20,
    "luo": 13,
    "luhya": 14,
    "kalenjin": 13,
    "kamba": 10,
    "kisii": 6,
    "meru": 6,
    "mijikenda": 5,
    "somali": 5,
    "swahili": 3,
    "arab": 1,
    "ganda": 2.5,
    "tanzania": 2.5,
}
_MUSLIM = {"somali", "swahili", "arab"}
_DOMAINS = np.array(["gmail.com", "yahoo.com", "outlook.com"])


def _unique_numbers(rng: np.random.Generator, count: int, space: int) -> np.ndarray:
    """``count`` distinct integers in ``[0, space)``, random-looking, via an affine
    bijection ``(a*i + b) mod space`` with ``a`` coprime to ``space``."""
    a = int(rng.integers(space // 3, space // 2)) | 1
    while np.gcd(a, space) != 1:
        a += 2
    b = int(rng.integers(0, space))
    idx = rng.permutation(count).astype(np.int64)
    return (idx * a + b) % space


def _names(
    rng: np.random.Generator,
    community: np.ndarray,
    male: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = len(community)
    given = np.empty(m, dtype=object)
    middle = np.full(m, None, dtype=object)
    surname = np.empty(m, dtype=object)
    for ci, c in enumerate(COMMUNITIES):
        for is_male in (True, False):
            sel = np.flatnonzero((community == ci) & (male == is_male))
            k = len(sel)
            if not k:
                continue
            own = np.array(c.male if is_male else c.female, dtype=object)
            christian = np.array(CHRISTIAN_MALE if is_male else CHRISTIAN_FEMALE, dtype=object)
            surnames = np.array(c.surnames, dtype=object)
            surname[sel] = surnames[rng.integers(0, len(surnames), k)]
            if c.key in _MUSLIM:
                given[sel] = own[rng.integers(0, len(own), k)]
                fathers = np.array(c.male, dtype=object)
                middle[sel] = fathers[rng.integers(0, len(fathers), k)]
                continue
            use_christian = rng.random(k) < c.christian_share
            first = np.where(
                use_christian,
                christian[rng.integers(0, len(christian), k)],
                own[rng.integers(0, len(own), k)],
            )
            mid = own[rng.integers(0, len(own), k)]
            has_mid = rng.random(k) < np.where(use_christian, 0.8, 0.4)
            has_mid &= mid != first
            given[sel] = first
            middle[sel] = _blank(mid, ~has_mid)
    return given, middle, surname


def generate_person_table(n: int, seed: int = 7, duplicate_share: float = 0.3) -> pl.DataFrame:
    """``n`` person records (rows) with their true identity, for resolution benchmarks.

    About ``duplicate_share`` of the true people have two or more records (in
    different agencies; 75% two, 25% three); the copies vary the name (spelling
    variants, typos, swapped order, initials, no middle name), change the phone and
    leave out date of birth, ID number, KRA PIN or email now and then. Columns are
    :data:`TABLE_COLUMNS`; ``true_id`` is the ground truth. Rows come in random order
    and ``record_id`` says nothing about the true id. Same ``seed`` → same table.
    """
    if n < 0 or not 0.0 <= duplicate_share <= 1.0:
        raise ValueError("n must be >= 0 and duplicate_share between 0 and 1")
    rng = np.random.default_rng(seed)
    people = max(1, round(n / (1 + 1.25 * duplicate_share))) if n else 0
    people = min(people, n)
    extra_rows = n - people
    dup_people = min(round(duplicate_share * people), extra_rows)
    dup_set = (
        rng.choice(people, size=dup_people, replace=False)
        if dup_people
        else np.array([], dtype=np.int64)
    )
    extra_owner = np.concatenate(
        [
            dup_set,
            rng.choice(dup_set, size=extra_rows - dup_people)
            if extra_rows > dup_people and dup_people
            else np.array([], dtype=np.int64),
        ]
    ).astype(np.int64)
    if extra_owner.size < extra_rows:  # no duplicates allowed: keep row count anyway
        people, extra_owner = n, np.array([], dtype=np.int64)

    # -- true people ---------------------------------------------------------------
    weights = np.array([_WEIGHTS[c.key] for c in COMMUNITIES], dtype=float)
    community = rng.choice(len(COMMUNITIES), size=people, p=weights / weights.sum())
    male = rng.random(people) < 0.5
    given, middle, surname = _names(rng, community, male)
    country = np.array([c.country for c in COMMUNITIES], dtype=object)[community]
    kenyan = country == "KE"
    dob_days = rng.integers(-7300, 13880, size=people)  # 1950 .. 2007 (days from 1970)
    order = np.argsort(dob_days, kind="stable")
    rank = np.empty(people, dtype=np.int64)
    rank[order] = np.arange(people)
    spacing = max(1, 38_000_000 // max(people, 1))
    national = 1_500_000 + rank * spacing + rng.integers(0, spacing, size=people)
    national_id = _blank(national.astype(str), ~kenyan)
    pin_digits = _unique_numbers(rng, people, 1_000_000_000)
    pin_letter = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))[rng.integers(0, 26, people)]
    kra = np.char.add(np.char.add("A", np.char.zfill(pin_digits.astype(str), 9)), pin_letter)
    kra_pin = _blank(kra, ~(kenyan & (rng.random(people) < 0.7)))
    has_email = rng.random(people) < 0.3
    county, town = _places(rng, kenyan, country)
    home = np.where(
        country == "UG",
        5,
        np.where(country == "TZ", 6, rng.choice(5, size=people, p=_KENYAN_HOME_P)),
    )

    # -- rows: one per person, plus the copies -------------------------------------
    owner = np.concatenate([np.arange(people), extra_owner])
    is_copy = np.arange(len(owner)) >= people
    agency_idx = home[owner].copy()
    shift = rng.integers(1, len(TABLE_AGENCIES), size=len(owner))
    agency_idx[is_copy] = (agency_idx[is_copy] + shift[is_copy]) % len(TABLE_AGENCIES)
    g, mi, s = given[owner].copy(), middle[owner].copy(), surname[owner].copy()
    full = np.empty(len(owner), dtype=object)
    prng = random.Random(seed)
    for row in np.flatnonzero(is_copy):
        parts = NameParts(g[row], mi[row], s[row])
        _kind, varied = name_variant(parts, prng)
        if varied is None:
            full[row] = initials(parts)
            g[row], mi[row], s[row] = (
                parts.given[0],
                parts.middle[0] if parts.middle else (None),
                parts.surname,
            )
        else:
            g[row], mi[row], s[row] = varied.given, varied.middle, varied.surname
    u = rng.random((len(owner), 5))
    drop_dob = is_copy & (u[:, 0] < 0.3)
    drop_id = is_copy & (u[:, 1] < 0.35)
    drop_pin = is_copy & (u[:, 2] < 0.6) & (agency_idx != 4)
    drop_email = is_copy & (u[:, 3] < 0.5)
    new_phone = is_copy & (u[:, 4] < 0.25)
    numbers = _phone_numbers(rng, np.concatenate([country, country[owner[new_phone]]]))
    row_phone = numbers[:people][owner]
    row_phone[new_phone] = numbers[people:]

    perm = rng.permutation(len(owner))
    frame = pl.DataFrame(
        {
            "true_id": pl.Series([f"p{seed}-{i:07d}" for i in owner], dtype=pl.Utf8),
            "agency": _text(np.array(TABLE_AGENCIES, dtype=object)[agency_idx]),
            "given_name": _text(g),
            "middle_name": _text(mi),
            "surname": _text(s),
            "full_initials": _text(full),
            "dob_days": pl.Series(dob_days[owner].astype(np.int32)),
            "_drop_dob": pl.Series(drop_dob),
            "national_id": _text(_blank(national_id[owner], drop_id)),
            "kra_pin": _text(_blank(kra_pin[owner], drop_pin)),
            "phone": _text(row_phone),
            "email_domain": _text(_blank(_DOMAINS[owner % 3], ~has_email[owner] | drop_email)),
            "email_n": pl.Series((owner % 97 + 1).astype(np.int32)),
            "county": _text(county[owner]),
            "town": _text(town[owner]),
            "_order": pl.Series(perm),
            "_given0": _text(given[owner]),
            "_surname0": _text(surname[owner]),
        }
    )
    frame = frame.sort("_order").with_columns(
        pl.format("r{}-{}", pl.lit(seed), pl.int_range(pl.len()).cast(pl.Utf8).str.zfill(8)).alias(
            "record_id"
        ),
        pl.coalesce(
            "full_initials",
            pl.concat_str(
                ["given_name", "middle_name", "surname"], separator=" ", ignore_nulls=True
            ),
        ).alias("full_name"),
        pl.when(~pl.col("_drop_dob")).then(pl.col("dob_days").cast(pl.Date)).alias("date_of_birth"),
        pl.when(pl.col("email_domain").is_not_null())
        .then(
            pl.concat_str(
                [
                    pl.concat_str(["_given0", pl.lit("."), "_surname0"])
                    .str.to_lowercase()
                    .str.replace_all(r"[^a-z.]", ""),
                    pl.col("email_n").cast(pl.Utf8),
                    pl.lit("@"),
                    "email_domain",
                ]
            )
        )
        .alias("email"),
    )
    return frame.select(TABLE_COLUMNS)


_PHONE_SPACE = {"KE": 100_000_000, "UG": 10_000_000, "TZ": 100_000_000}


def _phone_numbers(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """Distinct valid mobile numbers (E.164) for people of the given countries: Kenya
    +2547… and +25411…, Uganda +25677… (MTN), Tanzania +2557…."""
    out = np.empty(len(countries), dtype=object)
    for code, space in _PHONE_SPACE.items():
        sel = np.flatnonzero(countries == code)
        if not len(sel):
            continue
        value = _unique_numbers(rng, len(sel), space)
        if code == "KE":
            low = value < 10_000_000  # +25411x xxx xxx (Safaricom), the rest +2547…
            digits = np.where(
                low,
                np.char.zfill((value % 10_000_000).astype(str), 7),
                np.char.zfill(value.astype(str), 8),
            )
            out[sel] = np.char.add(np.where(low, "+25411", "+2547"), digits).astype(object)
        elif code == "UG":
            out[sel] = np.char.add("+25677", np.char.zfill(value.astype(str), 7)).astype(object)
        else:
            out[sel] = np.char.add("+2557", np.char.zfill(value.astype(str), 8)).astype(object)
    return out


def _blank(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """An object copy of ``values`` with ``None`` where ``mask`` is true."""
    out = values.astype(object)
    out[mask] = None
    return out


def _text(values: np.ndarray) -> pl.Series:
    """A string Series from a numpy object array (``None`` → null)."""
    return pl.Series(values.tolist(), dtype=pl.Utf8)


def _places(
    rng: np.random.Generator,
    kenyan: np.ndarray,
    country: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    m = len(kenyan)
    counties = geo.counties()
    towns = geo.towns_by_county()
    wards = geo.wards()
    ward_county = np.array([w.county for w in wards], dtype=object)
    county = ward_county[rng.integers(0, len(wards), m)]
    town = np.empty(m, dtype=object)
    for name in counties:
        sel = np.flatnonzero(county == name)
        names = np.array([t.name for t in towns[name]], dtype=object)
        town[sel] = names[rng.integers(0, len(names), len(sel))]
    for code in ("UG", "TZ"):
        sel = np.flatnonzero(country == code)
        places = geo.places(code)
        picked = rng.integers(0, len(places), len(sel))
        town[sel] = np.array([p.name for p in places], dtype=object)[picked]
        county[sel] = np.array([p.admin1 for p in places], dtype=object)[picked]
    return county, town
