"""Swahili texts of the user interface, keyed by the English message id."""

SW: dict[str, str] = {
    "Police": "Polisi",
    "Investigations": "Upelelezi",
    "Prosecution": "Mashtaka",
    "Oversight": "Usimamizi",
    "Financial intelligence unit": "Kitengo cha ujasusi wa kifedha",
    "Partner agency": "Shirika mshirika",
    "Short code, e.g. DCI.": "Kifupisho, mf. DCI.",
    "ISO 3166-1 alpha-2 code, e.g. KE.": "Msimbo wa nchi wa ISO 3166-1, mf. KE.",
    "Analyst": "Mchambuzi",
    "Supervisor": "Msimamizi",
    "Desk officer": "Afisa wa dawati",
    "Commander": "Kamanda",
    "Prosecutor": "Mwendesha mashtaka",
    "Oversight investigator": "Mpelelezi wa usimamizi",
    "Wellness counsellor": "Mshauri wa ustawi",
    "Agency administrator": "Msimamizi wa mfumo wa shirika",
    "System administrator": "Msimamizi wa mfumo",
    "A — completely reliable": "A — inaaminika kabisa",
    "B — usually reliable": "B — kwa kawaida inaaminika",
    "C — not usually reliable": "C — kwa kawaida haiaminiki",
    "X — cannot be assessed": "X — haiwezi kutathminiwa",
    "1 — known to be true without reservation": "1 — inajulikana kuwa kweli bila shaka",
    "2 — known personally to the source": "2 — inajulikana binafsi na chanzo",
    "3 — not known personally but corroborated": "3 — haijulikani binafsi lakini imethibitishwa",
    "4 — cannot be judged": "4 — haiwezi kupimwa",
    "H0 — no restriction beyond the law": "H0 — hakuna kizuizi zaidi ya sheria",
    "H1 — not for use as evidence without the originator's permission":
        "H1 — isitumike kama ushahidi bila idhini ya mwanzilishi",
    "H2 — no onward dissemination without the originator's permission":
        "H2 — isisambazwe zaidi bila idhini ya mwanzilishi",
    "H3 — other restrictions stated by the originator":
        "H3 — vizuizi vingine vilivyotajwa na mwanzilishi",
    "File import": "Uingizaji wa faili",
    "Demo generator": "Kizalishaji cha maonyesho",
    "Entered by hand": "Imeingizwa kwa mkono",
    "File name or description.": "Jina la faili au maelezo.",
    "Set when every record of the source is stored.":
        "Huwekwa kumbukumbu zote za chanzo zinapohifadhiwa.",
    "Row or element number in the source.": "Nambari ya safu au kipengele katika chanzo.",
    "English": "Kiingereza",
    "Kiswahili": "Kiswahili",
    "Name, phone, ID number, KRA PIN, account or wallet":
        "Jina, simu, nambari ya kitambulisho, PIN ya KRA, akaunti au pochi",
    "Type": "Aina",
    "Any": "Yoyote",
    "People": "Watu",
    "Companies": "Kampuni",
    "Organisations": "Mashirika",
    "Accounts": "Akaunti",
    "Crypto wallets": "Pochi za sarafu za kidijitali",
    "Code from your authenticator app": "Msimbo kutoka programu yako ya uthibitishaji",
    "Token name": "Jina la tokeni",
    "Not found": "Haipatikani",
    "There is nothing here that you can see.": "Hakuna kitu hapa unachoweza kuona.",
    "Nothing visible to you matches.": "Hakuna kinacholingana unachoruhusiwa kuona.",
    "Main": "Kuu",
    "Dashboard": "Dashibodi",
    "Search": "Tafuta",
    "API tokens": "Tokeni za API",
    "Language": "Lugha",
    "Switch": "Badilisha",
    "Log out": "Toka",
    "Demo mode: the second factor is switched off. Never run a real service like this.":
        "Hali ya maonyesho: hatua ya pili ya uthibitishaji imezimwa. Usiendeshe huduma halisi "
        "hivi kamwe.",
    "Every look you take is recorded in the audit log.":
        "Kila unachotazama kinarekodiwa katika kumbukumbu ya ukaguzi.",
    "Collections you can see": "Makusanyo unayoweza kuona",
    "Collection": "Mkusanyo",
    "Agency": "Shirika",
    "Entities": "Vitu",
    "Grading": "Daraja",
    "Handling": "Ushughulikiaji",
    "No collections are visible to you. Your role may not include access to records, or your "
    "agency holds none yet.":
        "Huwezi kuona mkusanyo wowote. Huenda jukumu lako halihusishi kumbukumbu, au shirika "
        "lako bado halina kumbukumbu.",
    "Recorded in": "Imerekodiwa katika",
    "What the records say": "Kumbukumbu zinasema nini",
    "Every value is shown with where it came from: agency, collection, source and row, grading "
    "(source reliability and information assessment), handling code, and when it was first and "
    "last seen.":
        "Kila thamani inaonyeshwa pamoja na ilikotoka: shirika, mkusanyo, chanzo na safu, daraja "
        "(uaminifu wa chanzo na tathmini ya taarifa), msimbo wa ushughulikiaji, na ilipoonekana "
        "mara ya kwanza na ya mwisho.",
    "Value": "Thamani",
    "Source": "Chanzo",
    "First seen": "Ilionekana kwanza",
    "Last seen": "Ilionekana mwisho",
    "row": "safu",
    "Source reliability and information assessment": "Uaminifu wa chanzo na tathmini ya taarifa",
    "Relationships": "Mahusiano",
    "Too many attempts": "Majaribio mengi mno",
    "Logins from here are paused after repeated failures. Try again in 15 minutes, or ask your "
    "agency administrator.":
        "Kuingia kutoka hapa kumesitishwa baada ya makosa ya mara kwa mara. Jaribu tena baada "
        "ya dakika 15, au muulize msimamizi wa shirika lako.",
    "Log in": "Ingia",
    "Username": "Jina la mtumiaji",
    "Password": "Nenosiri",
    "Continue": "Endelea",
    "After your password you will be asked for a code from your authenticator app.":
        "Baada ya nenosiri utaombwa msimbo kutoka programu yako ya uthibitishaji.",
    "Second factor": "Hatua ya pili ya uthibitishaji",
    "Verify": "Thibitisha",
    "Your account has no authenticator registered yet. Ask your agency administrator to enrol "
    "one for you.":
        "Akaunti yako bado haina programu ya uthibitishaji iliyosajiliwa. Muulize msimamizi wa "
        "shirika lako akusajilie.",
    "Your new token is shown only once. Copy it now:":
        "Tokeni yako mpya inaonyeshwa mara moja tu. Inakili sasa:",
    "Create token": "Unda tokeni",
    "Name": "Jina",
    "Starts with": "Inaanza na",
    "Created": "Iliundwa",
    "Last used": "Ilitumika mwisho",
    "Revoke": "Batilisha",
    "No active tokens.": "Hakuna tokeni zinazotumika.",
    "That code is not valid. Codes change every 30 seconds.":
        "Msimbo huo si sahihi. Misimbo hubadilika kila sekunde 30.",
    "Token revoked.": "Tokeni imebatilishwa.",
    "No such token.": "Hakuna tokeni kama hiyo.",
}

PLURALS: dict[str, tuple[str, str]] = {
    "%(counter)s result": ("tokeo %(counter)s", "matokeo %(counter)s"),
}
