# Swahili for the first-hour work: incidents, OB numbers, desk triage feedback, dashboard panels.
SW = {
    "Waiting for you": "Kazi inayokungoja",
    "Call answered": "Simu ilijibiwa",
    "Unit dispatched": "Kikosi kilitumwa",
    "Unit arrived": "Kikosi kilifika",
    "Assigned to an officer": "Imekabidhiwa afisa",
    "Cleared": "Imekamilika",
    "%(d)d d %(h)d h": "siku %(d)d saa %(h)d",
    "%(h)d h %(m)02d min": "saa %(h)d dakika %(m)02d",
    "%(m)d min": "dakika %(m)d",
    "%(number)s assigned to %(officer)s.": "%(number)s imekabidhiwa %(officer)s.",
    "Converted to incident %(number)s.": "Imegeuzwa kuwa tukio %(number)s.",
    'Converted to incident <a href="%(incident_url)s">%(number)s</a> on %(when)s.': (
        'Iligeuzwa kuwa tukio <a href="%(incident_url)s">%(number)s</a> tarehe %(when)s.'
    ),
    "Saved.": "Imehifadhiwa.",
    "Open, waiting": "Wazi, linasubiri",
    "priority": "kipaumbele",
    "Assigned officer": "Afisa aliyekabidhiwa",
    "nobody yet": "bado hakuna",
    "Time in queue": "Muda kwenye foleni",
    "still waiting": "bado linasubiri",
    "Assign to an officer": "Mkabidhi afisa",
    "Officer": "Afisa",
    "Assign": "Kabidhi",
    "Timeline": "Mfuatano wa matukio",
    "Reports and tips": "Ripoti na taarifa za siri",
    "Swahili": "Kiswahili",
    "This incident was not opened from a report or tip you can see.": (
        "Tukio hili halikufunguliwa kutoka kwa ripoti au taarifa unayoweza kuona."
    ),
    "Map": "Ramani",
    "Where the incident happened": "Mahali tukio lilipotokea",
    "No location was recorded.": "Mahali hapakurekodiwa.",
    "Incidents your agency holds or was given, newest first, by Occurrence Book number. "
    "Time in queue runs from the call until an officer is assigned or a unit dispatched.": (
        "Matukio ambayo taasisi yako inashikilia au imepewa, mapya kwanza, kwa nambari ya "
        "Kitabu cha Matukio (OB). Muda kwenye foleni unahesabiwa tangu simu hadi afisa "
        "akabidhiwe au kikosi kitumwe."
    ),
    "OB number, category or station": "Nambari ya OB, aina au kituo",
    "OB number": "Nambari ya OB",
    "No incident matches.": "Hakuna tukio linalolingana.",
    "People of your agency": "Watu wa taasisi yako",
    "User": "Mtumiaji",
    "Roles": "Majukumu",
    "Last sign-in": "Kuingia kwa mwisho",
    "Active": "Hai",
    "enrolled": "imesajiliwa",
    "not enrolled": "haijasajiliwa",
    "no": "hapana",
    "Agencies on this system": "Taasisi kwenye mfumo huu",
    "Your account": "Akaunti yako",
    "Second factor: enrolled.": "Hatua ya pili ya uthibitisho: imesajiliwa.",
    "Second factor: not enrolled.": "Hatua ya pili ya uthibitisho: haijasajiliwa.",
    "Your last sign-ins:": "Mara zako za mwisho kuingia:",
    "Every record you open, search you run and export you make is written in the audit "
    "log under your name.": (
        "Kila kumbukumbu unayofungua, utafutaji unaofanya na uhamishaji unaofanya huandikwa "
        "kwenye kumbukumbu ya ukaguzi kwa jina lako."
    ),
    "Your API tokens": "Tokeni zako za API",
}
PLURALS = {
    "report or tip waits for triage": (
        "ripoti au taarifa inasubiri kupangwa",
        "ripoti na taarifa zinasubiri kupangwa",
    ),
    "open incident has no officer yet": (
        "tukio lililo wazi halina afisa bado",
        "matukio yaliyo wazi hayana afisa bado",
    ),
    "open money alert": ("tahadhari ya fedha iliyo wazi", "tahadhari za fedha zilizo wazi"),
    "possible match waits for review": (
        "ulinganifu unaowezekana unasubiri kukaguliwa",
        "ulinganifu unaowezekana unasubiri kukaguliwa",
    ),
    "collection is shared with your agency by another": (
        "mkusanyiko umeshirikishwa na taasisi yako na taasisi nyingine",
        "mikusanyiko imeshirikishwa na taasisi yako na taasisi nyingine",
    ),
}
