# Swahili for what a review of every role's pages found: link types on the link chart, and
# the names on a shared case whose records are not shared.
SW = {
    "(record not shared with your agency)": "(rekodi haijashirikiwa na taasisi yako)",
    "Same phone number": "Nambari ya simu ileile",
    "Same ID or passport number": "Nambari ileile ya kitambulisho au pasipoti",
    "Same tax number": "Nambari ya kodi ileile",
    "Same registration number": "Nambari ya usajili ileile",
    "Same account number": "Nambari ya akaunti ileile",
    "Same e-mail address": "Anwani ya barua pepe ileile",
    "Same crypto wallet": "Pochi ileile ya sarafu ya kidijitali",
    "Case party": "Mhusika wa kesi",
    "Contract award": "Kupewa mkataba",
    "Control": "Udhibiti",
    "Debt": "Deni",
    "Employment": "Ajira",
    "Message": "Ujumbe",
    "Occupancy": "Ukaaji",
    "Project participant": "Mshiriki wa mradi",
    "Representation": "Uwakilishi",
    "Succession": "Urithi",
    "Other link": "Kiungo kingine",
}
SW.update(
    {
        # notices, translated when read (sharing.models.Notification.text)
        "%(agency)s shared %(subject)s with your agency": (
            "%(agency)s imeshiriki %(subject)s na taasisi yako"
        ),
        "%(agency)s asks for information: %(subject)s": "%(agency)s inaomba taarifa: %(subject)s",
        "%(agency)s approved your request: %(subject)s": "%(agency)s imekubali ombi lako: %(subject)s",
        "%(agency)s approved part of your request: %(subject)s": (
            "%(agency)s imekubali sehemu ya ombi lako: %(subject)s"
        ),
        "%(agency)s refused your request: %(subject)s": "%(agency)s imekataa ombi lako: %(subject)s",
        "Deconfliction: another agency is working the same ground. "
        "Call %(who)s (%(agency)s) on %(phone)s before you act.": (
            "Kuepusha migongano: taasisi nyingine inafanya kazi katika eneo hilohilo. "
            "Mpigie %(who)s (%(agency)s) kwa %(phone)s kabla hujachukua hatua."
        ),
    }
)
SW.update(
    {
        "Files at ODPP waiting for a charge decision": (
            "Mafaili yaliyoko ODPP yanayosubiri uamuzi wa kushtaki"
        ),
    }
)
# "Waiting for you" on the first page, for every role (usalama.desk.work)
PLURALS = {
    "request for information waits for your agency's decision": (
        "ombi la taarifa linasubiri uamuzi wa taasisi yako",
        "maombi ya taarifa yanasubiri uamuzi wa taasisi yako",
    ),
    "share waits for you to accept its conditions": (
        "ushirikishaji unasubiri ukubali masharti yake",
        "ushirikishaji unasubiri ukubali masharti yake",
    ),
    "file waits for a charge decision": (
        "faili linasubiri uamuzi wa kushtaki",
        "mafaili yanasubiri uamuzi wa kushtaki",
    ),
    "person charged awaits a judgment": (
        "mshtakiwa anasubiri hukumu",
        "washtakiwa wanasubiri hukumu",
    ),
    "complaint against police is open": (
        "lalamiko dhidi ya polisi liko wazi",
        "malalamiko dhidi ya polisi yako wazi",
    ),
    "death or serious injury notified has no complaint opened": (
        "kifo au jeraha baya lililoripotiwa halina lalamiko lililofunguliwa",
        "vifo au majeraha mabaya yaliyoripotiwa hayana lalamiko lililofunguliwa",
    ),
    "IPOA recommendation of disciplinary action waits for your unit": (
        "pendekezo la IPOA la hatua za kinidhamu linasubiri kitengo chako",
        "mapendekezo ya IPOA ya hatua za kinidhamu yanasubiri kitengo chako",
    ),
    "referral waits for a counsellor": (
        "rufaa inasubiri mshauri",
        "rufaa zinasubiri mshauri",
    ),
    "offer of support waits for your answer": (
        "ofa ya msaada inasubiri jibu lako",
        "ofa za msaada zinasubiri jibu lako",
    ),
    "ward alert waits for your approval": (
        "arifa ya kata inasubiri idhini yako",
        "arifa za kata zinasubiri idhini yako",
    ),
}
