"""East African name pools and the pure functions that vary a name the way records do.

Each :class:`Community` has given names per gender and surnames. Kenyans very often
carry a Christian/English given name followed by a community name ("John Kamau
Mwangi", "Mary Akinyi Otieno"), Somali names are patronymic (given, father's,
grandfather's name: "Mohamed Abdi Hassan"), coastal Swahili and Arabic-origin names
follow the Muslim pattern. Only *genuine* spelling/transliteration variants appear in
:data:`SPELLING_VARIANTS` (Mohamed/Mohammed/Muhammad, Chege/Cege in Gĩkũyũ
orthography, Ochieng/Ochieng', Ssemakula/Semakula, Geoffrey/Geofrey, ...). Different
names are never treated as variants of each other (Achieng and Akinyi are distinct
Luo names; Mohamud is the Somali form of Mahmoud, not of Mohamed).

The variant functions take a :class:`random.Random` and are pure otherwise: the same
generator state gives the same result, and they never return an empty name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "CHRISTIAN_FEMALE",
    "CHRISTIAN_MALE",
    "COMMUNITIES",
    "SPELLING_VARIANTS",
    "Community",
    "NameParts",
    "drop_middle",
    "initials",
    "name_variant",
    "spelling_variant",
    "swap_order",
    "typo",
]


@dataclass(frozen=True)
class Community:
    """A naming community: its given names by gender, surnames and home counties."""

    key: str
    label: str
    country: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    counties: tuple[str, ...]
    christian_share: float  # chance the first given name is a Christian/English one


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CHRISTIAN_MALE = _t(
    "John Peter James Joseph David Daniel Samuel Paul Stephen Michael George Francis "
    "Patrick Charles Dennis Kevin Brian Collins Victor Evans Geoffrey Wilson Moses Simon "
    "Isaac Emmanuel Philip Anthony Benson Edwin"
)
CHRISTIAN_FEMALE = _t(
    "Mary Grace Faith Mercy Jane Ann Esther Lucy Elizabeth Joyce Caroline Nancy Purity "
    "Sharon Winnie Beatrice Margaret Susan Catherine Eunice Rose Emily Ruth Naomi Janet "
    "Irene Lilian Damaris"
)

COMMUNITIES: tuple[Community, ...] = (
    Community(
        "kikuyu",
        "Kikuyu",
        "KE",
        _t(
            "Kamau Njoroge Mwangi Kariuki Githinji Gitau Macharia Waweru Kimani Ngugi "
            "Muriuki Karanja Njenga Kinyua Maina Ndungu Mugo Chege Wachira Nganga"
        ),
        _t(
            "Wanjiku Wanjiru Nyambura Wambui Njeri Wairimu Wangari Muthoni Wanjira "
            "Nyokabi Wangui Njoki Waithera Wacera Gathoni Wacheke"
        ),
        _t(
            "Kamau Mwangi Njoroge Kariuki Maina Kimani Ngugi Githinji Macharia Waweru "
            "Gitau Mbugua Njuguna Kinyanjui Chege Wachira Nganga Karanja Ndungu Kiarie"
        ),
        ("Nairobi", "Kiambu", "Murang'a", "Nyeri", "Kirinyaga", "Nyandarua", "Nakuru", "Laikipia"),
        0.8,
    ),
    Community(
        "luo",
        "Luo",
        "KE",
        _t(
            "Otieno Odhiambo Ochieng Omondi Onyango Owino Okoth Ouma Oduor Opiyo Odongo "
            "Okello Ogola Oloo"
        ),
        _t("Achieng Akinyi Atieno Adhiambo Anyango Awino Akoth Auma Apiyo Aoko"),
        _t(
            "Otieno Odhiambo Ochieng Omondi Onyango Owino Okoth Ouma Oduor Opiyo Ogutu "
            "Obiero Ojwang Oketch Nyongo Ogola Oloo Okello"
        ),
        ("Kisumu", "Siaya", "Homa Bay", "Migori", "Nairobi"),
        0.8,
    ),
    Community(
        "luhya",
        "Luhya",
        "KE",
        _t(
            "Wekesa Wafula Barasa Wanjala Simiyu Makokha Wanyama Juma Shikuku Masinde "
            "Khaemba Wamalwa Mukhwana Wasike"
        ),
        _t("Nafula Nekesa Nanjala Naliaka Nasimiyu Nabwire Nelima Nanzala"),
        _t(
            "Wekesa Wafula Barasa Wanjala Simiyu Makokha Wanyama Masinde Khaemba Wamalwa "
            "Mukhwana Shikuku Were Wasike Namwamba Lusweti Mulongo"
        ),
        ("Kakamega", "Bungoma", "Vihiga", "Busia", "Trans Nzoia", "Nairobi"),
        0.8,
    ),
    Community(
        "kalenjin",
        "Kalenjin",
        "KE",
        _t(
            "Kipchoge Kiprono Kipkemboi Kiprotich Kibet Cheruiyot Kiptoo Kipruto Kemboi "
            "Kiplagat Kipkorir Kiprop"
        ),
        _t(
            "Chebet Jepkosgei Jepchirchir Chepkoech Jeptoo Chelangat Cherono Chepngetich "
            "Jelagat Chepkemoi"
        ),
        _t(
            "Koech Rotich Kiprop Langat Kirui Ruto Kosgei Cheruiyot Kiptoo Kemboi Biwott "
            "Korir Bett Tanui Sang Kiplagat"
        ),
        ("Uasin Gishu", "Nandi", "Kericho", "Bomet", "Baringo", "Elgeyo-Marakwet"),
        0.75,
    ),
    Community(
        "kamba",
        "Kamba",
        "KE",
        _t(
            "Mutua Musyoka Mwendwa Kioko Muthama Kilonzo Mutuku Munyao Nzioka Kyalo Makau "
            "Mulwa Muli Wambua"
        ),
        _t("Mwikali Ndinda Mumbua Syokau Kalekye Mwende Mutheu Nduku Kanini Wayua Ndunge Mueni"),
        _t(
            "Mutua Musyoka Kioko Kilonzo Mutuku Wambua Muli Mulwa Nzioka Kyalo Makau "
            "Ndambuki Mbithi Musau Kitonga"
        ),
        ("Machakos", "Kitui", "Makueni", "Nairobi"),
        0.8,
    ),
    Community(
        "kisii",
        "Kisii (Abagusii)",
        "KE",
        _t(
            "Nyamweya Omwenga Mogaka Ondieki Nyakundi Momanyi Ombati Onchiri Ogeto "
            "Onyancha Mose Obare"
        ),
        _t("Moraa Kemunto Nyaboke Kerubo Bochaberi Kwamboka Nyanchama Bosibori Nyamoita Kemuma"),
        _t(
            "Nyamweya Mogaka Ondieki Nyakundi Momanyi Ombati Onchiri Ogeto Onyancha Mose "
            "Obare Nyangau Omwoyo Mokaya Ongeri Makori Matara"
        ),
        ("Kisii", "Nyamira", "Nairobi"),
        0.8,
    ),
    Community(
        "meru",
        "Meru",
        "KE",
        _t(
            "Mwiti Kirimi Mutuma Gitonga Murithi Kinoti Mugambi Muriuki Kimathi Koome "
            "Mbaabu Kaberia Mwenda Kobia Kiogora Mutwiri"
        ),
        _t("Kendi Nkatha Karimi Kawira Makena Kagendo Gatwiri Kananu Nkirote"),
        _t(
            "Mwiti Kirimi Mutuma Gitonga Murithi Kinoti Mugambi Koome Mbaabu Kaberia "
            "Mwenda Kobia Kiogora Mutwiri"
        ),
        ("Meru", "Tharaka-Nithi", "Isiolo", "Embu"),
        0.8,
    ),
    Community(
        "mijikenda",
        "Mijikenda",
        "KE",
        _t(
            "Kazungu Karisa Baya Kahindi Charo Kenga Katana Kalama Ngala Chengo Kitsao "
            "Tsuma Mramba Menza Kombe Nzai Jefwa Ngumbao"
        ),
        _t("Kadzo Kadii Sidi Dama Kahaso Kanze Kache Riziki Mbeyu"),
        _t(
            "Kazungu Karisa Baya Kahindi Charo Kenga Katana Kalama Ngala Chengo Kitsao "
            "Tsuma Mramba Menza Kombe Nzai Jefwa Ngumbao Mwaringa"
        ),
        ("Kilifi", "Kwale", "Mombasa"),
        0.65,
    ),
    Community(
        "somali",
        "Somali",
        "KE",
        _t(
            "Mohamed Abdi Hassan Ahmed Ali Abdullahi Ibrahim Omar Yusuf Farah Aden Hussein "
            "Abdirahman Abdiaziz Mahmoud Ismail Osman Dahir Warsame Guled Bashir Abdikadir"
        ),
        _t(
            "Fatuma Amina Halima Hodan Sahra Asha Khadija Ubah Ifrah Hawa Mariam Nasra "
            "Sagal Deeqa Istahil"
        ),
        # Somali names are patronymic: the "surname" is the grandfather's given name.
        _t(
            "Mohamed Abdi Hassan Ahmed Ali Abdullahi Ibrahim Omar Yusuf Farah Aden Hussein "
            "Abdirahman Ismail Osman Dahir Warsame Guled Bashir Abdikadir Mahmoud"
        ),
        ("Garissa", "Wajir", "Mandera", "Nairobi", "Isiolo"),
        0.0,
    ),
    Community(
        "swahili",
        "Coastal Swahili",
        "KE",
        _t(
            "Bakari Juma Hamisi Rashid Salim Athumani Mwinyi Shabani Omar Mbarak Said "
            "Hamadi Swaleh Ramadhani Mselem"
        ),
        _t("Mwanaisha Zawadi Rehema Mwanajuma Riziki Saumu Mariamu Tatu Mwanamisi Zuhura Halima"),
        _t(
            "Bakari Juma Hamisi Rashid Salim Athumani Mwinyi Shabani Omar Mbarak Said "
            "Hamadi Swaleh Ramadhani Mohamed Ali"
        ),
        ("Mombasa", "Lamu", "Kwale", "Kilifi", "Tana River"),
        0.05,
    ),
    Community(
        "arab",
        "Arabic-origin (coast)",
        "KE",
        _t(
            "Abdallah Ahmed Khalid Hussein Ali Abubakar Yahya Twaha Faisal Mahmoud Hassan "
            "Said Nasir Zubeir Salim"
        ),
        _t("Aisha Fatma Khadija Zainab Mariam Salma Nuru Nasra Latifa Shamsa Raya"),
        _t("Mazrui Barwani Busaidy Shatry Bajaber Basheikh Hinawy Mahdi Jahadhmy Bakathir"),
        ("Mombasa", "Lamu", "Kilifi"),
        0.0,
    ),
    Community(
        "ganda",
        "Baganda / Banyankole (Uganda)",
        "UG",
        _t(
            "Mukasa Kato Nsubuga Ssekandi Kiggundu Lubega Mugisha Byaruhanga Tumusiime "
            "Twinomujuni Ssemakula Wasswa"
        ),
        _t("Nakato Babirye Namubiru Namutebi Nalubega Ainembabazi Kyomuhendo Natukunda Nakimera"),
        _t(
            "Mukasa Ssemakula Nsubuga Ssekandi Kiggundu Lubega Mugisha Byaruhanga "
            "Tumusiime Twinomujuni Ahimbisibwe Kizza Ssenyonga"
        ),
        (),
        0.8,
    ),
    Community(
        "tanzania",
        "Chagga / Sukuma (Tanzania)",
        "TZ",
        _t("Baraka Juma Hamisi Daudi Yusuph Masanja Kulwa Doto Imani Shija"),
        _t("Neema Rehema Upendo Anna Imani Zawadi Happiness Agnes"),
        _t(
            "Mushi Massawe Mrema Kimaro Shirima Swai Lema Mbwambo Masanja Mabula Shija "
            "Mollel Nkwabi"
        ),
        (),
        0.7,
    ),
)

# Groups of genuine spellings/transliterations of one name. Every member maps to the
# whole group (see _VARIANT_INDEX), so a variant is always another member.
_VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Mohamed", "Mohammed", "Muhammad", "Mohammad", "Mohamad"),
    ("Mahmoud", "Mahmud", "Mohamud", "Mahamud"),
    ("Abdullahi", "Abdallah", "Abdulla", "Abdalla"),
    ("Abdirahman", "Abdulrahman", "Abdurahman"),
    ("Abdiaziz", "Abdulaziz", "Abdulazizi"),
    ("Abdikadir", "Abdulkadir", "Abdiqadir"),
    ("Ahmed", "Ahmad"),
    ("Hussein", "Husein", "Hussain", "Hussien"),
    ("Hassan", "Hasan"),
    ("Yusuf", "Yussuf", "Yousuf", "Yusuph"),
    ("Omar", "Omari", "Umar"),
    ("Osman", "Othman", "Usman"),
    ("Athumani", "Athman", "Athuman"),
    ("Ibrahim", "Ibrahimu", "Ebrahim"),
    ("Ismail", "Ismael", "Ismahil"),
    ("Abubakar", "Abubakari", "Abubaker"),
    ("Fatuma", "Fatma", "Fatima", "Faduma"),
    ("Khadija", "Khadijah", "Hadija"),
    ("Mariam", "Maryam", "Mariamu", "Maryan"),
    ("Halima", "Halimah"),
    ("Aisha", "Aysha", "Asha"),
    ("Zainab", "Zeinab", "Zainabu"),
    ("Said", "Saidi", "Saeed"),
    ("Rashid", "Rashidi", "Rasheed"),
    ("Salim", "Salimu", "Saleem"),
    ("Hamisi", "Hamis", "Khamis"),
    ("Shabani", "Shaban", "Shaaban"),
    ("Ramadhani", "Ramadhan"),
    ("Swaleh", "Saleh", "Salah"),
    ("Mbarak", "Mubarak"),
    ("Busaidy", "Busaidi", "Al-Busaidy"),
    ("Mazrui", "Mazrouei", "Al-Mazrui"),
    ("Chege", "Cege"),
    ("Wachira", "Wacira"),
    ("Wacheke", "Waceke"),
    ("Wacera", "Wachera"),
    ("Nganga", "Ng'ang'a"),
    ("Kimani", "Kĩmani"),
    ("Muthoni", "Mũthoni"),
    ("Wanjiku", "Wanjikũ"),
    ("Ochieng", "Ochieng'"),
    ("Nyongo", "Nyong'o"),
    ("Odhiambo", "Odiambo"),
    ("Cheruiyot", "Cheruyot"),
    ("Kosgei", "Kosgey"),
    ("Jepkosgei", "Chepkosgei"),
    ("Jepchirchir", "Chepchirchir"),
    ("Chebet", "Jebet"),
    ("Ssemakula", "Semakula"),
    ("Ssekandi", "Sekandi"),
    ("Kiggundu", "Kigundu"),
    ("Massawe", "Masawe"),
    ("Geoffrey", "Geofrey", "Jeffrey"),
    ("Stephen", "Steven"),
    ("Catherine", "Katherine", "Cathrine"),
    ("Ann", "Anne"),
    ("Philip", "Phillip"),
    ("Isaac", "Isaack"),
    ("Dennis", "Denis"),
    ("Caroline", "Carolyne"),
    ("Collins", "Colins"),
    ("Evans", "Evance"),
    ("Winnie", "Winny"),
    ("Emmanuel", "Emanuel"),
    ("Esther", "Ester"),
    ("Elizabeth", "Elisabeth"),
    ("Lilian", "Lillian"),
)
_VARIANT_INDEX: dict[str, tuple[str, ...]] = {
    name: group for group in _VARIANT_GROUPS for name in group
}
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    name: tuple(other for other in group if other != name) for name, group in _VARIANT_INDEX.items()
}
"""Each name with a genuine variant → its other spellings."""


@dataclass(frozen=True)
class NameParts:
    """A person's name as a record holds it: given, optional middle, surname."""

    given: str
    middle: str | None
    surname: str

    @property
    def full(self) -> str:
        """The name in the usual order, "given middle surname"."""
        return " ".join(p for p in (self.given, self.middle, self.surname) if p)


def spelling_variant(name: str, rng: random.Random) -> str:
    """Another genuine spelling of ``name``, or ``name`` itself if it has none."""
    others = SPELLING_VARIANTS.get(name)
    return rng.choice(others) if others else name


_KEYBOARD_NEIGHBOURS = {
    "a": "sq",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "w",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "x",
}


def typo(name: str, rng: random.Random) -> str:
    """``name`` with one clerical slip: a neighbouring key, a dropped, doubled or swapped
    letter. Names of three letters or fewer are returned unchanged (a slip there makes
    a different name, not a misspelling)."""
    if len(name) <= 3:
        return name
    i = rng.randrange(1, len(name))  # keep the first letter: clerks rarely miss it
    kind = rng.randrange(4)
    ch = name[i]
    if kind == 0 and ch.lower() in _KEYBOARD_NEIGHBOURS:
        repl = rng.choice(_KEYBOARD_NEIGHBOURS[ch.lower()])
        return name[:i] + (repl.upper() if ch.isupper() else repl) + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + ch + name[i:]
    if i < len(name) - 1 and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i + 1 :]


def initials(parts: NameParts) -> str:
    """Given and middle names as initials: "Mohamed Abdi Hassan" → "M. A. Hassan"."""
    letters = [f"{p[0]}." for p in (parts.given, parts.middle) if p]
    return " ".join([*letters, parts.surname])


def swap_order(parts: NameParts) -> NameParts:
    """The last two names swapped, as often happens when a form asks for "surname":
    "Mohamed Abdi Hassan" → "Mohamed Hassan Abdi". Without a middle name, the given
    name and surname swap."""
    if parts.middle:
        return NameParts(parts.given, parts.surname, parts.middle)
    return NameParts(parts.surname, None, parts.given)


def drop_middle(parts: NameParts) -> NameParts:
    """The name without its middle name."""
    return NameParts(parts.given, None, parts.surname)


def _vary_one(parts: NameParts, rng: random.Random, change: object) -> NameParts:
    fields = [parts.given, parts.middle, parts.surname]
    slots = [i for i, value in enumerate(fields) if value]
    i = rng.choice(slots)
    value = fields[i]
    assert value is not None
    fields[i] = spelling_variant(value, rng) if change == "spelling" else typo(value, rng)
    return NameParts(fields[0] or parts.given, fields[1], fields[2] or parts.surname)


def name_variant(parts: NameParts, rng: random.Random) -> tuple[str, NameParts | None]:
    """How another agency might record the same name.

    Returns ``(kind, parts)`` where ``kind`` is one of ``"exact"``, ``"spelling"``,
    ``"typo"``, ``"no_middle"``, ``"swap"`` or ``"initials"``. For ``"initials"`` the
    second item is ``None`` and the caller renders the name with :func:`initials`;
    a name with a spelling variant prefers the ``"spelling"`` kind.
    """
    fields = [parts.given, parts.middle, parts.surname]
    with_variant = [i for i, p in enumerate(fields) if p and p in SPELLING_VARIANTS]
    roll = rng.random()
    if with_variant and roll < 0.35:
        idx = rng.choice(with_variant)
        fields[idx] = spelling_variant(str(fields[idx]), rng)
        return "spelling", NameParts(
            fields[0] or parts.given, fields[1], fields[2] or parts.surname
        )
    roll = rng.random()
    if roll < 0.25:
        return "exact", parts
    if roll < 0.45:
        return "typo", _vary_one(parts, rng, "typo")
    if roll < 0.65 and parts.middle:
        return "no_middle", drop_middle(parts)
    if roll < 0.85:
        return "swap", swap_order(parts)
    if roll < 0.93:
        return "initials", None
    varied = _vary_one(parts, rng, "spelling")
    return ("spelling" if varied != parts else "exact"), varied
