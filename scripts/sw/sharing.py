"""Swahili for the sharing app (grants, requests for information, federation, deconfliction)."""

SW = {
    "Sharing": "Kushiriki",
    "Requests for information": "Maombi ya taarifa",
    "Deconfliction": "Kuepusha migongano",
    "Pending": "Inasubiri",
    "Approved": "Imeidhinishwa",
    "Approved in part": "Imeidhinishwa kwa sehemu",
    "Refused": "Imekataliwa",
    "What the hit was about.": "Kilichopatikana kilihusu nini.",
    "Granted": "Imetolewa",
    "Revoked": "Imefutwa",
    "Read under a grant": "Imesomwa chini ya ruhusa",
    "Conditions acknowledged": "Masharti yamekubaliwa",
    "Request received": "Ombi limepokelewa",
    "Request approved": "Ombi limeidhinishwa",
    "Request refused": "Ombi limekataliwa",
    "Evidence use permitted": "Matumizi kama ushahidi yameruhusiwa",
    "Sent to another installation": "Imetumwa kwa mfumo mwingine",
    "Onward dissemination refused": "Usambazaji zaidi umekataliwa",
    "Ward or place name.": "Jina la wadi au mahali.",
    "Same place and time": "Mahali na wakati mmoja",
    "Same subject": "Mhusika mmoja",
    "Grants": "Ruhusa",
    "Who holds it?": "Nani anacho?",
    "Dissemination log": "Kumbukumbu ya usambazaji",
    "Subject": "Mhusika",
    "Asked of": "Limeombwa kwa",
    "Asked by": "Limeombwa na",
    "Deadline": "Tarehe ya mwisho",
    "overdue": "imepitwa na muda",
    "None.": "Hakuna.",
    "Search the collections you cannot read: you learn only which agencies hold matching "
    "records and how many, never what they say. Then ask with a request for information.": (
        "Tafuta katika mikusanyiko usiyoweza kusoma: utajua tu ni taasisi zipi zina "
        "kumbukumbu zinazolingana na ngapi, kamwe si yaliyomo. Kisha omba kwa ombi la taarifa."
    ),
    "Name, phone, ID or account number": "Jina, simu, kitambulisho au nambari ya akaunti",
    "Ask for it": "Iombe",
    "No other agency holds a match.": "Hakuna taasisi nyingine yenye inayolingana.",
    "Notifications": "Arifa",
    "Shared with my agency": "Zilizoshirikiwa na taasisi yangu",
    "Purpose": "Madhumuni",
    "Conditions": "Masharti",
    "Expires": "Inaisha",
    "State": "Hali",
    "No longer in force": "Haitumiki tena",
    "I have read the conditions and will keep them": "Nimesoma masharti na nitayafuata",
    "In force": "Inatumika",
    "No other agency shares a collection with yours. Found a hit elsewhere? Ask for it with "
    "a request for information.": (
        "Hakuna taasisi nyingine inayoshiriki mkusanyiko na yako. Umepata kitu kwingine? "
        "Kiombe kwa ombi la taarifa."
    ),
    "Shared by my agency": "Zilizoshirikiwa na taasisi yangu kwa wengine",
    "Expired": "Imeisha muda",
    "Your agency shares nothing with another agency.": (
        "Taasisi yako haishiriki chochote na taasisi nyingine."
    ),
    "Share a collection": "Shiriki mkusanyiko",
    "With agency": "Na taasisi",
    "Expires on": "Inaisha tarehe",
    "Share": "Shiriki",
    "What your agency shared, who read it under a grant, and who asked for what.": (
        "Taasisi yako ilishiriki nini, nani alikisoma chini ya ruhusa, na nani aliomba nini."
    ),
    "When": "Lini",
    "What": "Nini",
    "Nothing yet.": "Bado hakuna kitu.",
    "New request for information": "Ombi jipya la taarifa",
    "Ask agency": "Omba taasisi",
    "Subject (the hit: a name, number or search)": (
        "Mhusika (kilichopatikana: jina, nambari au utafutaji)"
    ),
    "Answer needed by": "Jibu linahitajika kabla ya",
    "Send request": "Tuma ombi",
    "Register operations and subjects before you act. If another agency works the same place "
    "and time, or the same person, both contact officers are told whom to call — nothing else "
    "about the other's work.": (
        "Sajili operesheni na wahusika kabla ya kuchukua hatua. Taasisi nyingine ikifanya kazi "
        "mahali na wakati mmoja, au kwa mtu yule yule, maafisa wa mawasiliano wote wawili "
        "wanaambiwa wampigie nani — hakuna jingine kuhusu kazi ya mwenzake."
    ),
    "My agency's operations": "Operesheni za taasisi yangu",
    "Operation": "Operesheni",
    "Contact": "Mawasiliano",
    "Outcome": "Matokeo",
    "Arrests": "Waliokamatwa",
    "Seizures": "Vilivyokamatwa",
    "Record outcome": "Rekodi matokeo",
    "None registered.": "Hakuna iliyosajiliwa.",
    "Which intelligence produced results": "Taarifa zipi za kiintelijensia zilileta matokeo",
    "Operations": "Operesheni",
    "Register an operation": "Sajili operesheni",
    "Ward or place": "Wadi au mahali",
    "Latitude": "Latitudo",
    "Longitude": "Longitudo",
    "Radius (metres)": "Nusu kipenyo (mita)",
    "Starts": "Inaanza",
    "Ends": "Inaisha",
    "Target entity ids (one per line)": "Vitambulisho vya walengwa (kimoja kwa kila mstari)",
    "Intelligence that led to it": "Taarifa za kiintelijensia zilizoiongoza",
    "Contact phone": "Simu ya mawasiliano",
    "Register operation": "Sajili operesheni",
    "Register a subject under investigation": "Sajili mhusika anayechunguzwa",
    "Entity id": "Kitambulisho cha kitu",
    "Register subject": "Sajili mhusika",
    "Request for information": "Ombi la taarifa",
    "Shared": "Imeshirikiwa",
    "until": "hadi",
    "Decide": "Amua",
    "Decision": "Uamuzi",
    "Share collection": "Shiriki mkusanyiko",
    "Note to the requester (required to refuse)": "Ujumbe kwa muombaji (unahitajika kukataa)",
    "Record decision": "Rekodi uamuzi",
    "New request": "Ombi jipya",
    "Asked of my agency": "Yaliyoombwa kwa taasisi yangu",
    "Asked by my agency": "Yaliyoombwa na taasisi yangu",
    "Expiry": "Mwisho wa muda",
    "Shared. The other agency can read it now.": (
        "Imeshirikiwa. Taasisi nyingine inaweza kuisoma sasa."
    ),
    "Revoked. The other agency can no longer read it.": (
        "Imefutwa. Taasisi nyingine haiwezi kuisoma tena."
    ),
    "Conditions acknowledged. The collection is open to you.": (
        "Masharti yamekubaliwa. Mkusanyiko uko wazi kwako."
    ),
    "Request sent.": "Ombi limetumwa.",
    "Decision recorded; the requester has been told.": ("Uamuzi umerekodiwa; muombaji ameambiwa."),
    "Radius": "Nusu kipenyo",
    "Another agency is working the same ground: see your notifications.": (
        "Taasisi nyingine inafanya kazi eneo hilo hilo: angalia arifa zako."
    ),
    "Registered. No overlap with another agency.": (
        "Imesajiliwa. Hakuna mgongano na taasisi nyingine."
    ),
    "Outcome recorded.": "Matokeo yamerekodiwa.",
    # grants of entity selections and cases
    "Share selected": "Shiriki vilivyochaguliwa",
    "Share the selected entities with another agency (only those)": (
        "Shiriki vitu vilivyochaguliwa na taasisi nyingine (hivyo tu)"
    ),
    "Shared. The other agency can read these entities now.": (
        "Imeshirikiwa. Taasisi nyingine inaweza kusoma vitu hivi sasa."
    ),
    "Revoked. The other agency can no longer read these entities.": (
        "Imefutwa. Taasisi nyingine haiwezi tena kusoma vitu hivi."
    ),
    "Conditions acknowledged. The entities are open to you.": (
        "Masharti yamekubaliwa. Vitu hivi viko wazi kwako."
    ),
    "Case shared read-only. The other agency can read it now.": (
        "Kesi imeshirikiwa kwa kusoma tu. Taasisi nyingine inaweza kuisoma sasa."
    ),
    "Revoked. The other agency can no longer read the case.": (
        "Imefutwa. Taasisi nyingine haiwezi tena kusoma kesi."
    ),
    "Share entities": "Shiriki vitu",
    (
        "Share exactly the entities you tick: the other agency reads their statements "
        "held by your agency (each under its handling code) and nothing else of your "
        "collections. It cannot change them or pass them on."
    ): (
        "Shiriki vitu unavyochagua tu: taasisi nyingine inasoma taarifa zao zilizo na "
        "taasisi yako (kila moja chini ya msimbo wake wa ushughulikiaji) na si kitu "
        "kingine cha makusanyo yako. Haiwezi kuvibadilisha wala kuvipeleka kwa wengine."
    ),
    "Find your agency's entities": "Tafuta vitu vya taasisi yako",
    "Name, phone, ID number…": "Jina, simu, nambari ya kitambulisho…",
    "Search for your agency's entities above, then tick the ones to share.": (
        "Tafuta vitu vya taasisi yako hapo juu, kisha chagua unavyotaka kushiriki."
    ),
    "Name of the selection (optional)": "Jina la uteuzi (si lazima)",
    "Include the links among them (directorships, ownerships, calls…)": (
        "Jumuisha viungo kati yao (ukurugenzi, umiliki, simu…)"
    ),
    "Share the ticked entities": "Shiriki vitu vilivyochaguliwa",
    "Shared entities": "Vitu vilivyoshirikiwa",
    (
        "Read-only: the receiving agency reads these entities and nothing else of the "
        "collections; it cannot change them, share them on or export them."
    ): (
        "Kusoma tu: taasisi inayopokea inasoma vitu hivi na si kitu kingine cha "
        "makusanyo; haiwezi kuvibadilisha, kuvishiriki kwa wengine wala kuvihamisha nje."
    ),
    (
        "Some of this material is handled H3: read the conditions above before the "
        "entities open to you."
    ): ("Sehemu ya taarifa hizi ni H3: soma masharti hapo juu kabla vitu havijafunguka kwako."),
    "Entities and cases shared with my agency": "Vitu na kesi zilizoshirikiwa na taasisi yangu",
    "Entities and cases shared by my agency": "Vitu na kesi ambazo taasisi yangu imeshiriki",
    "read-only": "kusoma tu",
    "justice chain": "mnyororo wa haki",
    "Share chosen entities": "Shiriki vitu ulivyochagua",
    ("Pick entities of your agency to share (only those, nothing else of their collections)"): (
        "Chagua vitu vya taasisi yako vya kushiriki (hivyo tu, si kitu kingine cha makusanyo yao)"
    ),
    "Share a case": "Shiriki kesi",
    (
        "A shared case is read-only: the other agency reads the case, its chain and its "
        "exhibits list, and records nothing. To let prosecutors or a court record their "
        "events, share it from the case page."
    ): (
        "Kesi iliyoshirikiwa ni ya kusoma tu: taasisi nyingine inasoma kesi, mnyororo "
        "wake na orodha ya vielelezo, na hairekodi chochote. Ili waendesha mashtaka au "
        "mahakama warekodi matukio yao, ishiriki kutoka ukurasa wa kesi."
    ),
    "Share the case": "Shiriki kesi",
    "Or share only these entities (ids, one a line: approve in part)": (
        "Au shiriki vitu hivi tu (vitambulisho, kimoja kwa mstari: idhinisha kwa sehemu)"
    ),
    "Collection, entities or case": "Mkusanyiko, vitu au kesi",
}

PLURALS = {
    "%(n)s matching record": ("kumbukumbu %(n)s inayolingana", "kumbukumbu %(n)s zinazolingana"),
    "%(n)s arrest": ("aliyekamatwa %(n)s", "waliokamatwa %(n)s"),
    "%(n)s entity": ("kitu %(n)s", "vitu %(n)s"),
}
