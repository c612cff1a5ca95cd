"""A labelled test set for screening: watchlist persons, and records that are planted
variants of them, decoys sharing their names, or unrelated people.

Variants are what registers really do to a name: a letter wrong, parts in another order,
parts reduced to initials, a middle name dropped, another transliteration (Mohamed/Muhammad),
a particle or title added, the birth date or nationality missing. Decoys share an entry's
name (maybe reordered) but have another birth year and nationality: two people, one name.
The transliteration table here is written independently of the matcher's variant table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

_FIRST_NAMES = (
    "John James Peter Paul Joseph David Daniel Samuel Stephen Michael George Francis "
    "Charles Patrick Kennedy Collins Brian Kevin Dennis Victor Eric Felix Moses Isaac Simon "
    "Wilson Mary Grace Faith Jane Lucy Esther Mercy Ann Rose Caroline Beatrice Joyce Winnie "
    "Nancy Agnes Purity Sharon Diana Irene Lilian Judith Emily Alice Teresa Rebecca Ruth "
    "Naomi Mohamed Ahmed Ali Hassan Hussein Omar Abdi Yusuf Ibrahim Ismail Abdullahi "
    "Abdirahman Fatuma Amina Halima Khadija Zainab Mariam Aisha Hawa Asha Sahra Hodan "
    "Faduma Idil Wanjiru Achieng Akinyi Atieno Nyambura Wairimu Chebet Jepkosgei Nekesa "
    "Kerubo Moraa Kiprono Kipchumba Kibet Cheruiyot Barasa Wafula Ouma Omondi Onyango "
    "Otieno Mutua Musyoka"
)
FIRST: tuple[str, ...] = tuple(_FIRST_NAMES.split())
_LAST_NAMES = (
    "Kamau Njoroge Mwangi Kariuki Maina Wambugu Githinji Kimani Ndungu Gachanja Mugo Waweru "
    "Kinyua Gitau Macharia Karanja Ngugi Muriuki Nyaga Mbugua Otieno Odhiambo Ochieng Owino "
    "Okoth Oduya Onyango Omondi Wekesa Wanyama Simiyu Barasa Masinde Wafula Juma Makokha "
    "Kiprotich Koech Rotich Kipkemboi Langat Kirui Chepkwony Mutai Bett Sang Ruto Kosgei "
    "Mutua Musyoka Mwendwa Kilonzo Nzioki Muthama Kioko Wambua Nyamweya Ogeto Nyakundi "
    "Mogaka Ombati Ondieki Hassan Mohamed Abdi Ali Farah Omar Ahmed Yusuf Warsame Nur Adan "
    "Gedi Hussein Jama Osman Ibrahim Abdullahi Mohamud Dahir Aden Guled Haji Bashir Keinan "
    "Lokwawi Ekai Lomuria Ewoton Lemayian Sankale Parsimei Letoole Lekishon Mwakio Mwamburi "
    "Kazungu Charo Kahindi Baya Katana Mramba Chengo Sifuna Nabwera Kibisu Opiyo Achola"
)
LAST: tuple[str, ...] = tuple(_LAST_NAMES.split())
COUNTRIES = ("ke", "ke", "ke", "ke", "ke", "so", "ug", "tz", "et", "ss", "rw", "cd", "bi")
# another transliteration of the same name, written independently of core.names.VARIANTS
TRANSLIT = {
    "Mohamed": ("Mohammed", "Muhammad", "Mohamad", "Mohammad"),
    "Ahmed": ("Ahmad", "Ahmet"),
    "Hassan": ("Hasan", "Hassani"),
    "Hussein": ("Husein", "Hussain", "Husain"),
    "Omar": ("Omari", "Umar"),
    "Yusuf": ("Yussuf", "Yusufu", "Yousuf"),
    "Ibrahim": ("Ibrahimu", "Ebrahim"),
    "Ismail": ("Ismael",),
    "Abdullahi": ("Abdullah", "Abdalla", "Abdallah"),
    "Abdirahman": ("Abdulrahman", "Abdurahman", "Abdul Rahman"),
    "Fatuma": ("Fatma", "Fatima"),
    "Mariam": ("Maryam", "Miriam"),
    "Aisha": ("Aysha",),
    "Khadija": ("Hadija", "Khadijah"),
    "Zainab": ("Zeinab", "Zaynab"),
    "Osman": ("Othman", "Usman"),
    "Stephen": ("Steven",),
    "Odhiambo": ("Odiambo",),
    "Mohamud": ("Mahmoud", "Mahmud"),
}
PARTICLES = ("wa", "bin", "arap")
TITLES = ("Mr", "Mzee", "Sheikh", "Bi", "Dr", "Haji")


@dataclass(frozen=True, slots=True)
class TestSet:
    entries: list[dict[str, Any]]
    records: list[dict[str, Any]]
    truth: frozenset[tuple[str, str]]  # (record id, entry id) that are the same person


def _person(
    entity_id: str, name: str, birth: str | None, country: str | None, id_number: str | None = None
) -> dict[str, Any]:
    props: dict[str, list[str]] = {"name": [name]}
    if birth:
        props["birthDate"] = [birth]
    if country:
        props["nationality"] = [country]
    if id_number:
        props["idNumber"] = [id_number]
    return {"id": entity_id, "schema": "Person", "properties": props}


def _birth(rng: random.Random) -> str:
    return f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


_SYLLABLE_TEXT = (
    "ka ma ri ngu wa ki mu ti no ya ra ze ba la go shi ndi mbe chi ku to ne pa si fu ho ja"
)
_SYLLABLES = tuple(_SYLLABLE_TEXT.split())


def coined_surnames(count: int, seed: int) -> tuple[str, ...]:
    """Surnames made of two to four syllables: the diversity of a national register, which
    the fixed pools above (about a hundred names each) lack at 100,000 entries."""
    rng = random.Random(seed)
    made: set[str] = set()
    while len(made) < count:
        made.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize())
    return tuple(sorted(made))


def _name(rng: random.Random, last: tuple[str, ...] = LAST) -> list[str]:
    parts = [rng.choice(FIRST), rng.choice(last)]
    if rng.random() < 0.6:
        parts.insert(1, rng.choice(FIRST + last))
    return parts


def _misspell(rng: random.Random, part: str) -> str:
    if len(part) < 4:
        return part
    i = rng.randint(1, len(part) - 2)
    op = rng.choice(("swap", "drop", "double", "replace"))
    if op == "swap":
        return part[:i] + part[i + 1] + part[i] + part[i + 2 :]
    if op == "drop":
        return part[:i] + part[i + 1 :]
    if op == "double":
        return part[:i] + part[i] + part[i:]
    vowels = "aeiou"
    if part[i] in vowels:
        return part[:i] + rng.choice(vowels.replace(part[i], "")) + part[i + 1 :]
    return part[:i] + part[i] + "h" + part[i + 1 :] if part[i] in "kst" else part


def vary(rng: random.Random, parts: list[str]) -> str:
    """One to two realistic changes to a written name."""
    parts = list(parts)
    changes = rng.sample(
        ("misspell", "swap", "initials", "drop_middle", "translit", "particle", "title", "case"),
        k=rng.randint(1, 2),
    )
    for change in changes:
        if change == "misspell":
            i = rng.randrange(len(parts))
            parts[i] = _misspell(rng, parts[i])
        elif change == "swap":
            parts = parts[-1:] + parts[:-1]
        elif change == "initials" and len(parts) >= 2:
            parts[0] = parts[0][0] + "."
        elif change == "drop_middle" and len(parts) == 3:
            parts.pop(1)
        elif change == "translit":
            options = [i for i, p in enumerate(parts) if p in TRANSLIT]
            if options:
                i = rng.choice(options)
                parts[i] = rng.choice(TRANSLIT[parts[i]])
            else:
                i = rng.randrange(len(parts))
                parts[i] = _misspell(rng, parts[i])
        elif change == "particle" and len(parts) >= 2:
            parts.insert(len(parts) - 1, rng.choice(PARTICLES))
        elif change == "title":
            parts.insert(0, rng.choice(TITLES))
        elif change == "case":
            parts = [p.upper() for p in parts]
    return " ".join(parts)


def generate(
    persons: int = 2000,
    records: int = 50_000,
    seed: int = 17,
    planted_share: float = 0.5,
    decoy_share: float = 0.25,
    coined: int = 0,
) -> TestSet:
    """``coined`` adds that many made-up surnames to the pool (for benchmarks at scale)."""
    rng = random.Random(seed)
    last = LAST + coined_surnames(coined, seed) if coined else LAST
    entries: list[dict[str, Any]] = []
    people: list[tuple[list[str], str | None, str, str | None]] = []
    for n in range(persons):
        parts = _name(rng, last)
        birth = _birth(rng) if rng.random() < 0.9 else None
        country = rng.choice(COUNTRIES)
        id_number = str(rng.randint(10_000_000, 39_999_999)) if rng.random() < 0.3 else None
        people.append((parts, birth, country, id_number))
        entries.append(_person(f"wl-{n}", " ".join(parts), birth, country, id_number))
    out: list[dict[str, Any]] = []
    truth: set[tuple[str, str]] = set()
    for n, (parts, birth, country, id_number) in enumerate(people):
        if len(out) >= records:
            break
        if rng.random() < planted_share:
            for _copy in range(rng.randint(1, 2)):
                rid = f"rec-{len(out)}"
                r_birth = birth if rng.random() < 0.7 else None
                if r_birth and rng.random() < 0.1:
                    r_birth = r_birth[:4]
                r_country = country if rng.random() < 0.7 else None
                r_id = id_number if id_number and rng.random() < 0.3 else None
                out.append(_person(rid, vary(rng, parts), r_birth, r_country, r_id))
                truth.add((rid, f"wl-{n}"))
        if rng.random() < decoy_share:
            rid = f"rec-{len(out)}"
            other_year = _birth(rng)
            while birth and other_year[:4] == birth[:4]:
                other_year = _birth(rng)
            other_country = rng.choice([c for c in COUNTRIES if c != country])
            name = " ".join(parts if rng.random() < 0.5 else parts[::-1])
            out.append(_person(rid, name, other_year, other_country))
    taken = {" ".join(sorted(p[0])) for p in people}
    while len(out) < records:
        parts = _name(rng, last)
        if " ".join(sorted(parts)) in taken:
            continue
        rid = f"rec-{len(out)}"
        out.append(_person(rid, " ".join(parts), _birth(rng), rng.choice(COUNTRIES)))
    rng.shuffle(out)
    return TestSet(entries, out, frozenset(truth))
