# ruff: noqa: E501  (translations read best one per line)
SW = {
    "Nothing was found with that code. Check it and try again.": "Hakuna kilichopatikana kwa nambari hiyo. Iangalie na ujaribu tena.",
    "Letters or digits, with or without dashes; upper or lower case.": "Herufi au tarakimu, na au bila vistari; herufi kubwa au ndogo.",
    "Use it to see the status and the investigators' questions, and to answer them, on the page “Check a tip code”.": "Itumie kuona hali na maswali ya wachunguzi, na kuyajibu, kwenye ukurasa “Angalia nambari ya siri”.",
    "Quote it when you talk to the police, or check its status on the page “Check a tip code”.": "Itaje unapozungumza na polisi, au angalia hali yake kwenye ukurasa “Angalia nambari ya siri”.",
    "Open the conversation": "Fungua mazungumzo",
    "Photos are not kept when you press “Show wards”: choose them again before sending.": "Picha hazihifadhiwi unapobonyeza “Onyesha wadi”: zichague tena kabla ya kutuma.",
    "Only if you chose to give your contact. If you stay anonymous, anything typed here is ignored and never stored.": "Ikiwa tu umechagua kutoa mawasiliano yako. Ukibaki bila jina, chochote kilichoandikwa hapa kinapuuzwa na hakihifadhiwi kamwe.",
    "Too large": "Kubwa mno",
    "Too much was sent: at most %(count)s photos of %(size)s each. Nothing was stored; go back and send smaller photos.": "Kilichotumwa ni kingi mno: picha %(count)s zisizozidi %(size)s kila moja. Hakuna kilichohifadhiwa; rudi utume picha ndogo zaidi.",
    "The upload is larger than the limit of %(limit)s; nothing was stored.": "Faili ni kubwa kuliko kikomo cha %(limit)s; hakuna kilichohifadhiwa.",
    "Each photo may be at most %(size)s.": "Kila picha isizidi %(size)s.",
}

PLURALS = {
    "Too many wrong codes from this connection. Try again in %(minutes)s minute.": (
        "Nambari nyingi zisizo sahihi kutoka muunganisho huu. Jaribu tena baada ya dakika %(minutes)s.",
        "Nambari nyingi zisizo sahihi kutoka muunganisho huu. Jaribu tena baada ya dakika %(minutes)s.",
    ),
}
