"""The glossary: terms citizens meet in their plans and in the portal.

``forms`` are the Danish words as professionals write them (lower case), used to
find the terms in plan text; the name and explanation are shown in the reader's
language. Explanations are tested for readability (LIX at most 35 in Danish).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString

from citizen_portal.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Term:
    slug: str
    forms: tuple[str, ...]
    name: LazyString
    explanation: LazyString


TERMS: tuple[Term, ...] = (
    Term(
        "discharge-agreement",
        (
            "udskrivningsaftale",
            "udskrivningsaftalen",
        ),
        _l("Discharge agreement"),
        _l(
            "An agreement about the help you get after a stay in a psychiatric hospital. It is "
            "for some patients. You, the hospital and your municipality make it together. The "
            "law is the Psychiatry Act, section 13a."
        ),
    ),
    Term(
        "coordination-plan",
        (
            "koordinationsplan",
            "koordinationsplanen",
        ),
        _l("Coordination plan"),
        _l(
            "A plan the hospital makes without you when you do not want a discharge agreement. "
            "It says who helps you. It may be shared without your consent. The law is the "
            "Psychiatry Act, section 13b."
        ),
    ),
    Term(
        "coordinated-action-plan",
        (
            "koordinerende indsatsplan",
            "koordinerende indsatsplaner",
            "kip",
        ),
        _l("Coordinated action plan"),
        _l(
            "One plan for all the help you get from the region and the municipality. It is "
            "made with your consent. You approve it."
        ),
    ),
    Term(
        "psychiatry-act",
        (
            "psykiatriloven",
            "psykiatrilov",
        ),
        _l("Psychiatry Act"),
        _l(
            "The Danish law about psychiatric treatment. It gives you rights, for example to "
            "a plan when you go home."
        ),
    ),
    Term(
        "section-13a",
        (
            "§ 13a",
            "§13a",
        ),
        _l("Section 13a"),
        _l(
            "The part of the Psychiatry Act about discharge agreements. It covers some "
            "patients: those who need both treatment and social support after the stay."
        ),
    ),
    Term(
        "section-13b",
        (
            "§ 13b",
            "§13b",
        ),
        _l("Section 13b"),
        _l("The part of the Psychiatry Act about coordination plans."),
    ),
    Term(
        "social-action-plan",
        (
            "handleplan",
            "handleplanen",
            "§ 141",
            "§141",
        ),
        _l("Social action plan"),
        _l(
            "A plan from your municipality about social help. The law is the Social Services "
            "Act, section 141."
        ),
    ),
    Term(
        "housing-support",
        (
            "bostøtte",
            "§ 85",
            "§85",
            "socialpædagogisk støtte",
        ),
        _l("Housing support"),
        _l(
            "Help in your own home, for example with shopping, letters and your day. The law "
            "is the Social Services Act, section 85."
        ),
    ),
    Term(
        "supported-housing",
        (
            "botilbud",
            "bosted",
        ),
        _l("Supported housing"),
        _l("A place to live where staff help you every day."),
    ),
    Term(
        "outpatient-psychiatry",
        (
            "ambulant",
            "ambulatorium",
            "ambulatoriet",
            "ambulant behandling",
        ),
        _l("Outpatient treatment"),
        _l("Treatment where you come for talks or tests and go home the same day."),
    ),
    Term(
        "district-psychiatry",
        (
            "distriktspsykiatrien",
            "distriktspsykiatri",
        ),
        _l("District psychiatry"),
        _l(
            "A team from the region that treats you near your home. You meet them for talks "
            "and medicine."
        ),
    ),
    Term(
        "local-psychiatry",
        (
            "lokalpsykiatrien",
            "lokalpsykiatri",
        ),
        _l("Local psychiatry"),
        _l(
            "The region's outpatient psychiatry near your home. You come for talks and "
            "treatment and go home again."
        ),
    ),
    Term(
        "addiction-centre",
        (
            "misbrugscenter",
            "misbrugscentret",
            "rusmiddelcenter",
            "rusmiddelcentret",
        ),
        _l("Addiction centre"),
        _l("A place in your municipality that helps with drugs or alcohol. It is free."),
    ),
    Term(
        "alcohol-treatment",
        (
            "alkoholbehandling",
            "alkoholbehandlingen",
        ),
        _l("Alcohol treatment"),
        _l("Help to drink less or to stop. Your municipality gives it for free."),
    ),
    Term(
        "drug-treatment",
        (
            "stofbehandling",
            "misbrugsbehandling",
        ),
        _l("Drug treatment"),
        _l("Help to use less drugs or to stop. Your municipality gives it for free."),
    ),
    Term(
        "coordinator",
        (
            "forløbskoordinator",
            "koordinator",
            "koordinatoren",
        ),
        _l("Coordinator"),
        _l("The person who keeps track of your plan. You can call them when you are in doubt."),
    ),
    Term(
        "key-person",
        (
            "tovholder",
            "tovholderen",
        ),
        _l("Lead contact"),
        _l(
            "The person who makes sure that every part of your plan is done. Often the same as "
            "the coordinator."
        ),
    ),
    Term(
        "support-person",
        (
            "bisidder",
            "bisidderen",
        ),
        _l("Support person"),
        _l("A person you bring to a meeting. They listen and help you say what you want."),
    ),
    Term(
        "staying-in-treatment",
        (
            "fastholdelse i psykiatrisk behandling",
            "fastholdelse i behandlingen",
            "fastholdelse i behandling",
        ),
        _l("Staying in treatment"),
        _l(
            "Help to keep going with your treatment, for example a call if you miss a "
            "meeting. It does not mean that anyone holds you."
        ),
    ),
    Term(
        "contact-person",
        (
            "kontaktperson",
            "kontaktpersonen",
            "støtte-kontaktperson",
            "skp",
        ),
        _l("Contact person"),
        _l("A person from the municipality who helps you and keeps in touch with you."),
    ),
    Term(
        "consent",
        (
            "samtykke",
            "samtykket",
            "samtykker",
        ),
        _l("Consent"),
        _l(
            "You allow something. For example that the hospital may tell your municipality "
            "about you. You can withdraw your consent at any time. What was already shared "
            "stays shared."
        ),
    ),
    Term(
        "power-of-attorney",
        (
            "fuldmagt",
            "fuldmagten",
        ),
        _l("Power of attorney"),
        _l(
            "You let another person act on your behalf. For example read your plans. You can "
            "take it back at any time."
        ),
    ),
    Term(
        "lasting-power-of-attorney",
        (
            "fremtidsfuldmagt",
            "fremtidsfuldmagten",
        ),
        _l("Lasting power of attorney"),
        _l(
            "A power of attorney you make now, before a notary. It only starts if you can no "
            "longer look after your affairs. Then Familieretshuset puts it into force."
        ),
    ),
    Term(
        "guardian",
        (
            "værge",
            "værgen",
            "værgemål",
        ),
        _l("Guardian"),
        _l(
            "A person who acts for you if you cannot look after your affairs. Familieretshuset "
            "usually appoints them. Within the guardianship, the guardian can decide for you. "
            "It can be about money or health."
        ),
    ),
    Term(
        "parental-custody",
        (
            "forældremyndighed",
            "forældremyndigheden",
        ),
        _l("Parental responsibility"),
        _l(
            "The parents' right to decide for their child until 18. From 15 you consent to your "
            "own treatment. Your parents are still told and involved."
        ),
    ),
    Term(
        "advance-statement",
        (
            "forhåndstilkendegivelse",
            "forhåndstilkendegivelsen",
        ),
        _l("Advance statement"),
        _l(
            "Your own words about treatment you want or do not want, written while you feel "
            "well. Staff must take it into account, but it does not always decide what happens."
        ),
    ),
    Term(
        "discharge-letter",
        (
            "epikrise",
            "epikrisen",
            "udskrivningsbrev",
        ),
        _l("Discharge letter"),
        _l("A letter from the hospital to your doctor. It says what happened during your stay."),
    ),
    Term(
        "discharge",
        (
            "udskrivelse",
            "udskrivelsen",
            "udskrives",
            "udskrevet",
        ),
        _l("Discharge"),
        _l("The day you leave the hospital and go home."),
    ),
    Term(
        "admission",
        (
            "indlæggelse",
            "indlæggelsen",
            "indlagt",
        ),
        _l("Admission"),
        _l("A stay in hospital, day and night."),
    ),
    Term(
        "network-meeting",
        (
            "netværksmøde",
            "netværksmødet",
        ),
        _l("Network meeting"),
        _l(
            "A meeting with you, your family and the people who help you. You talk about the "
            "plan together."
        ),
    ),
    Term(
        "discharge-conference",
        (
            "udskrivningskonference",
            "udskrivningsmøde",
        ),
        _l("Discharge meeting"),
        _l("A meeting before you go home. You agree on the help you get after the stay."),
    ),
    Term(
        "follow-up-meeting",
        (
            "opfølgningsmøde",
            "opfølgning",
            "opfølgningen",
        ),
        _l("Follow-up meeting"),
        _l(
            "A meeting where you look at the plan again. Is it working? Does something need "
            "to change?"
        ),
    ),
    Term(
        "caseworker",
        (
            "sagsbehandler",
            "sagsbehandleren",
        ),
        _l("Caseworker"),
        _l("The person at the municipality who handles your case and decides about help."),
    ),
    Term(
        "job-centre",
        (
            "jobcenter",
            "jobcentret",
            "jobcenteret",
        ),
        _l("Job centre"),
        _l(
            "The part of the municipality that helps you with work, education and money while "
            "you look for work."
        ),
    ),
    Term(
        "municipality",
        (
            "kommune",
            "kommunen",
        ),
        _l("Municipality"),
        _l("The local council where you live. It gives social help, such as support at home."),
    ),
    Term(
        "region",
        (
            "region",
            "regionen",
        ),
        _l("Region"),
        _l("The regions run the hospitals and psychiatry. Your region depends on where you live."),
    ),
    Term(
        "general-practitioner",
        (
            "praktiserende læge",
            "egen læge",
            "lægen",
        ),
        _l("Your own doctor"),
        _l("The doctor you go to first. Also called a GP."),
    ),
    Term(
        "psychiatrist",
        (
            "psykiater",
            "psykiateren",
        ),
        _l("Psychiatrist"),
        _l("A doctor who knows a lot about the mind and mental illness."),
    ),
    Term(
        "psychologist",
        (
            "psykolog",
            "psykologen",
        ),
        _l("Psychologist"),
        _l("A person you talk with about thoughts and feelings. They do not give medicine."),
    ),
    Term(
        "treatment-plan",
        (
            "behandlingsplan",
            "behandlingsplanen",
        ),
        _l("Treatment plan"),
        _l("The hospital's own plan for your treatment."),
    ),
    Term(
        "crisis-plan",
        (
            "kriseplan",
            "kriseplanen",
        ),
        _l("Crisis plan"),
        _l("What you and others do if you start to feel much worse. Who to call, and what helps."),
    ),
    Term(
        "early-warning-signs",
        (
            "tidlige tegn",
            "advarselstegn",
            "faresignaler",
        ),
        _l("Early warning signs"),
        _l("Small changes that show you are starting to feel worse. For example less sleep."),
    ),
    Term(
        "relapse",
        (
            "tilbagefald",
            "tilbagefaldet",
        ),
        _l("Relapse"),
        _l("When you get ill again after a good time."),
    ),
    Term(
        "medication",
        (
            "medicin",
            "medicinen",
            "medicinering",
        ),
        _l("Medicine"),
        _l("Pills or injections that help with your illness. Ask if you are in doubt about them."),
    ),
    Term(
        "blood-test",
        (
            "blodprøve",
            "blodprøver",
        ),
        _l("Blood test"),
        _l(
            "A little blood is taken from your arm. It shows, for example, how your medicine works."
        ),
    ),
    Term(
        "responsible-function",
        (
            "ansvarlig",
            "ansvarlige",
        ),
        _l("Responsible"),
        _l("The place or role that must make sure a task is done. Not always a named person."),
    ),
    Term(
        "review",
        (
            "revurdering",
            "revurderes",
            "revideres",
        ),
        _l("Review"),
        _l("The plan is looked at again and changed if needed. It must happen by a set date."),
    ),
    Term(
        "relative",
        ("pårørende",),
        _l("Relative"),
        _l("A person close to you. Family, a partner or a good friend."),
    ),
    Term(
        "interpreter",
        (
            "tolk",
            "tolken",
        ),
        _l("Interpreter"),
        _l(
            "A person who says in your language what others say. Ask the hospital or your "
            "municipality if you need one."
        ),
    ),
    Term(
        "patient-rights",
        (
            "patientrettigheder",
            "rettigheder",
        ),
        _l("Patient rights"),
        _l(
            "What you have the right to as a patient. For example to see your papers and to "
            "complain."
        ),
    ),
    Term(
        "complaint",
        (
            "klage",
            "klagen",
            "patientklage",
        ),
        _l("Complaint"),
        _l("You can complain if you think something was wrong. Ask the place to help you start."),
    ),
    Term(
        "health-act",
        ("sundhedsloven",),
        _l("Health Act"),
        _l("The Danish law about health care. It says how your information may be shared."),
    ),
    Term(
        "social-services-act",
        ("serviceloven",),
        _l("Social Services Act"),
        _l("The Danish law about social help from your municipality."),
    ),
    Term(
        "sector",
        (
            "sektor",
            "sektorer",
            "tværsektoriel",
        ),
        _l("Sector"),
        _l("A part of the public system: the hospital, the municipality or your own doctor."),
    ),
    Term(
        "day-hospital",
        (
            "dagafsnit",
            "daghospital",
        ),
        _l("Day unit"),
        _l("A hospital unit you go to in the daytime. You sleep at home."),
    ),
    Term(
        "emergency-psychiatry",
        (
            "psykiatrisk akutmodtagelse",
            "psykiatriske akutmodtagelse",
        ),
        _l("Psychiatric emergency department"),
        _l(
            "Help at once if you feel very ill. Usually you first call your region's emergency "
            "phone or the out-of-hours doctor. If a life is in danger, call 112."
        ),
    ),
    Term(
        "emergency-department",
        (
            "akutmodtagelse",
            "akutmodtagelsen",
            "skadestue",
            "skadestuen",
        ),
        _l("Emergency department"),
        _l(
            "Hospital help for sudden illness or injury. Usually you first call your region's "
            "emergency phone or the out-of-hours doctor. If a life is in danger, call 112."
        ),
    ),
    Term(
        "mentor",
        (
            "mentor",
            "mentoren",
        ),
        _l("Mentor"),
        _l("A person who supports you in work or school, for a time."),
    ),
    Term(
        "rehabilitation",
        (
            "rehabilitering",
            "rehabiliteringsforløb",
        ),
        _l("Rehabilitation"),
        _l("Help to get back to a good daily life after an illness."),
    ),
    Term(
        "sickness-benefit",
        ("sygedagpenge",),
        _l("Sickness benefit"),
        _l("Money you may get while you are too ill to work."),
    ),
    Term(
        "cash-benefit",
        (
            "kontanthjælp",
            "kontanthjælpen",
        ),
        _l("Cash benefit"),
        _l("Money from the municipality if you have no other income."),
    ),
    Term(
        "goal",
        (
            "mål",
            "målet",
            "delmål",
        ),
        _l("Goal"),
        _l("What you want to reach. The plan shows the steps on the way."),
    ),
    Term(
        "action",
        (
            "indsats",
            "indsatsen",
            "indsatser",
        ),
        _l("Action"),
        _l("Something a person or a place will do to help you. Each has someone in charge."),
    ),
    Term(
        "parallel",
        (
            "parallel",
            "parallelt",
            "sideløbende",
        ),
        _l("At the same time"),
        _l("Two kinds of help that run side by side."),
    ),
    Term(
        "sequential",
        (
            "sekventiel",
            "sekventielt",
            "efter hinanden",
        ),
        _l("One after the other"),
        _l("One kind of help must end before the next one starts."),
    ),
    Term(
        "personal-data",
        (
            "personoplysninger",
            "helbredsoplysninger",
            "oplysninger",
        ),
        _l("Your information"),
        _l("What is written about you, for example about your health. It is protected by law."),
    ),
)
