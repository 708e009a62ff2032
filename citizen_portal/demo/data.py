"""Fictional demo citizens and plans, built from the templates and the worked
example in the Danish sources (Region Sjælland's discharge agreement template;
the Danish Health Authority's 2014 KIP guidelines, annex 2).

Every name and CPR number here is invented. Dates are relative to "today" so
the demo always shows upcoming appointments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from citizen_portal.devidp.provider import Persona
from citizen_portal.organisations.types import OrganisationKind, Sector
from citizen_portal.plans.types import (
    ActionStatus,
    AppointmentKind,
    ExistingPlanKind,
    PlanGround,
    PlanStatus,
    PlanType,
    Sequencing,
)

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DEMO_SYSTEM = "urn:demo:citizen-portal:plan-id"

PERSONAS = [
    Persona(
        "demo-mette", "1403881234", "Mette", "Nielsen", "Discharge agreement with two versions"
    ),
    Persona("demo-jonas", "2207952345", "Jonas", "Holm", "Coordination plan"),
    Persona(
        "demo-peter",
        "0911843456",
        "Peter",
        "Sørensen",
        "Coordinated action plan (like the guidelines' example)",
    ),
    Persona("demo-sara", "0502014567", "Sara", "Ahmed", "No plans yet"),
    Persona(
        "demo-hanne",
        "1206795678",
        "Hanne",
        "Sørensen",
        "Peter's sister, with his power of attorney",
    ),
]
# (citizen, representative, scopes): powers of attorney given and accepted in the demo.
DEMO_POWERS_OF_ATTORNEY = [
    ("demo-peter", "demo-hanne", ("read_plans", "record_wishes")),
]


@dataclass(frozen=True)
class Org:
    identifier: str
    name: str
    kind: OrganisationKind
    sector: Sector


@dataclass(frozen=True)
class Fn:
    key: str
    org: str
    title: str
    phone: str | None = None
    opening_hours: str | None = None
    email: str | None = None
    address: str | None = None


ORGANISATIONS = [
    Org(
        "sor:psyk-roskilde-r3",
        "Psykiatrisk Afdeling Roskilde, Afsnit R3",
        OrganisationKind.REGION,
        Sector.PSYCHIATRY,
    ),
    Org("sor:lokalpsyk-koege", "Lokalpsykiatri Køge", OrganisationKind.REGION, Sector.PSYCHIATRY),
    Org(
        "sor:dp-naestved",
        "Distriktspsykiatrien Næstved",
        OrganisationKind.REGION,
        Sector.PSYCHIATRY,
    ),
    Org(
        "kommune:259:social",
        "Køge Kommune, Socialpsykiatrien",
        OrganisationKind.MUNICIPALITY,
        Sector.HOUSING_SUPPORT,
    ),
    Org(
        "kommune:259:voksen",
        "Køge Kommune, Rådgivningen for voksne",
        OrganisationKind.MUNICIPALITY,
        Sector.SOCIAL_SERVICES,
    ),
    Org(
        "kommune:370:misbrug",
        "Næstved Kommune, Rusmiddelcenter",
        OrganisationKind.MUNICIPALITY,
        Sector.ADDICTION,
    ),
    Org("kommune:370:job", "Jobcenter Næstved", OrganisationKind.MUNICIPALITY, Sector.EMPLOYMENT),
    Org(
        "kommune:370:social",
        "Næstved Kommune, Socialpsykiatrien",
        OrganisationKind.MUNICIPALITY,
        Sector.HOUSING_SUPPORT,
    ),
    Org(
        "yder:lægehuset-torvet",
        "Lægehuset Torvet",
        OrganisationKind.GP_PRACTICE,
        Sector.GENERAL_PRACTICE,
    ),
]

FUNCTIONS = [
    Fn(
        "r3-overlaege",
        "sor:psyk-roskilde-r3",
        "Overlæge, Afsnit R3",
        "+45 47 32 40 00",
        "Hele døgnet",
        address="Smedegade 10, 4000 Roskilde",
    ),
    Fn(
        "lp-koege-team",
        "sor:lokalpsyk-koege",
        "Behandlerteam, Lokalpsykiatri Køge",
        "+45 56 63 15 00",
        "Man-tor 8-15, fre 8-13",
        address="Lyngvej 12, 4600 Køge",
    ),
    Fn(
        "koege-bostoette",
        "kommune:259:social",
        "Bostøtte (§85), Team Øst",
        "+45 56 67 22 00",
        "Man-fre 8-15",
    ),
    Fn(
        "koege-opsoegende",
        "kommune:259:social",
        "Opsøgende team, Socialpsykiatrien",
        "+45 56 67 22 10",
        "Man-fre 9-14",
    ),
    Fn(
        "koege-sagsbehandler",
        "kommune:259:voksen",
        "Sagsbehandler, voksenområdet",
        "+45 56 67 67 67",
        "Man-ons 10-14, tor 10-17",
    ),
    Fn(
        "gp-torvet",
        "yder:lægehuset-torvet",
        "Praktiserende læge",
        "+45 56 65 01 01",
        "Man-fre 8-9 (telefontid)",
    ),
    Fn(
        "dp-koordinator",
        "sor:dp-naestved",
        "Forløbskoordinator, Distriktspsykiatrien",
        "+45 56 51 80 00",
        "Man-fre 8-15",
    ),
    Fn(
        "dp-behandler",
        "sor:dp-naestved",
        "Behandler, angstteamet",
        "+45 56 51 80 10",
        "Man-fre 8-15",
    ),
    Fn(
        "naestved-alkohol",
        "kommune:370:misbrug",
        "Alkoholbehandlingen",
        "+45 55 88 56 00",
        "Man-fre 8-15, tor til 18",
    ),
    Fn(
        "naestved-job",
        "kommune:370:job",
        "Koordinerende sagsbehandler, jobcenter",
        "+45 55 88 40 00",
        "Man-fre 9-14",
    ),
    Fn(
        "naestved-skp",
        "kommune:370:social",
        "Støtte-kontaktperson (SKP)",
        "+45 55 88 50 50",
        "Man-fre 8-16",
    ),
]


@dataclass
class DemoAction:
    description: str
    function: str | None  # None: the citizen's own responsibility
    status: ActionStatus = ActionStatus.PLANNED
    due_in_days: int | None = None
    timeline: str | None = None
    named_person: str | None = None
    goal: int | None = None
    sequencing: Sequencing | None = None
    withheld: bool = False  # not for representatives


@dataclass
class DemoAppointment:
    kind: AppointmentKind
    in_days: int
    at: time
    place: str
    function: str | None
    description: str | None = None
    participants: str | None = None


@dataclass
class DemoVersion:
    status: PlanStatus
    issued_days_ago: int
    period_start_days_ago: int
    review_in_days: int | None
    actions: list[DemoAction]
    appointments: list[DemoAppointment] = field(default_factory=list)
    goals: list[tuple[str, str | None]] = field(default_factory=list)
    reason: str | None = None
    treatment_offers: str | None = None
    social_offers: str | None = None
    current_needs: str | None = None
    expected_needs: str | None = None
    patient_wishes: str | None = None
    patient_wishes_declined: bool = False  # did not wish to state them
    citizen_participated: bool = True
    missed_appointment_response: str | None = None
    coordinator: str | None = None
    coordinator_name: str | None = None
    review_responsible: str | None = None
    follow_up_responsible: str | None = None
    meeting_days_ago: int | None = None
    consent_given: bool | None = None
    approved_by_citizen: bool | None = None
    grounds: list[PlanGround] = field(default_factory=list)
    participants: list[tuple[str, str, str, str]] = field(default_factory=list)
    challenges: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    existing_plans: list[tuple[ExistingPlanKind, str, str | None, str | None]] = field(
        default_factory=list
    )
    withheld_sections: list[str] = field(default_factory=list)  # not for representatives


@dataclass
class DemoPlan:
    citizen: str  # persona subject
    plan_type: PlanType
    identifier: str
    author: str
    versions: list[DemoVersion]


_DISCHARGE_V1_ACTIONS = [
    DemoAction(
        "Samtaler om medicin og hvordan det går. Første gang 5 dage efter udskrivelsen.",
        "lp-koege-team",
        ActionStatus.PLANNED,
        5,
        "Hver 14. dag i 3 måneder",
    ),
    DemoAction(
        "Bostøtte i hjemmet to gange om ugen: hjælp til indkøb, post og struktur i hverdagen.",
        "koege-bostoette",
        ActionStatus.PLANNED,
        7,
        "Fra første uge",
        sequencing=Sequencing.PARALLEL,
    ),
    DemoAction(
        "Sagsbehandler vurderer behov for botilbud eller mere støtte (§85).",
        "koege-sagsbehandler",
        ActionStatus.IN_PROGRESS,
        30,
    ),
    DemoAction(
        "Lægen får udskrivningsbrevet (epikrise) og ser Mette til blodprøver.",
        "gp-torvet",
        ActionStatus.PLANNED,
        14,
    ),
    DemoAction(
        "Tage medicinen hver morgen og skrive i dagbogen, hvordan jeg sover.",
        None,
        ActionStatus.IN_PROGRESS,
        None,
        "Hver dag",
    ),
    DemoAction(
        "Ringe til Lokalpsykiatrien, hvis de tidlige tegn kommer (mindre søvn, uro).",
        None,
        ActionStatus.PLANNED,
        None,
        "Ved behov",
    ),
]


def _discharge_v2_actions() -> list[DemoAction]:
    actions = [DemoAction(**vars(a)) for a in _DISCHARGE_V1_ACTIONS]
    actions[0].status = ActionStatus.IN_PROGRESS
    # Handed over: the outreach team takes over housing support from Team Øst.
    actions[1].function = "koege-opsoegende"
    actions[1].status = ActionStatus.IN_PROGRESS
    actions[1].named_person = "Lise (kontaktperson)"
    actions[3].status = ActionStatus.DONE
    actions.append(
        DemoAction(
            "Hjælp til at søge om ressourceforløb.", "koege-sagsbehandler", ActionStatus.PLANNED, 45
        )
    )
    return actions


_DISCHARGE_COMMON = {
    "reason": "Mette har været indlagt i 3 uger med en depression med psykotiske symptomer. "
    "Hun modtager socialpædagogisk støtte fra Køge Kommune. Aftalen skal sikre, at hjælpen "
    "fra hospital, kommune og egen læge hænger sammen efter udskrivelsen.",
    "treatment_offers": "Ambulant behandling i Lokalpsykiatri Køge. Medicin: fortsat som ved "
    "udskrivelsen.",
    "social_offers": "Bostøtte efter servicelovens §85. Vurdering af yderligere støtte.",
    "current_needs": "Støtte til at tage medicin, komme op om morgenen og handle ind.",
    "expected_needs": "Mindre støtte efter 3 måneder, hvis det går godt.",
    "patient_wishes": "Mette ønsker at bo i egen lejlighed. Hun vil gerne have besøg om "
    "formiddagen og ikke om aftenen. Hun vil have sin søster med til møder.",
    "missed_appointment_response": "Hvis Mette ikke kommer, ringer Lokalpsykiatrien samme dag. "
    "Svarer hun ikke, kontakter de bostøtten, som kigger forbi.",
    "review_responsible": "r3-overlaege",
    "follow_up_responsible": "koege-sagsbehandler",
    "participants": [
        ("Anne Berg", "Overlæge", "Psykiatrisk Afdeling Roskilde", "+45 47 32 40 00"),
        ("Jens Krogh", "Sagsbehandler", "Køge Kommune", "+45 56 67 67 67"),
        ("Hanne Lund", "Bostøttemedarbejder", "Køge Kommune", "+45 56 67 22 00"),
    ],
}

# The first meeting with each authority taking part (Psychiatry Act §13a).
_DISCHARGE_FIRST_MEETINGS = [
    DemoAppointment(
        AppointmentKind.FIRST_AFTER_DISCHARGE,
        -7,
        time(10, 0),
        "Lokalpsykiatri Køge, Lyngvej 12",
        "lp-koege-team",
        "Første samtale efter udskrivelsen",
        "Mette, behandler",
    ),
    DemoAppointment(
        AppointmentKind.FIRST_AFTER_DISCHARGE,
        -6,
        time(10, 0),
        "Hjemme hos Mette",
        "koege-bostoette",
        "Første besøg af bostøtten",
        "Mette, bostøttemedarbejder",
    ),
    DemoAppointment(
        AppointmentKind.FIRST_AFTER_DISCHARGE,
        -4,
        time(13, 0),
        "Køge Rådhus, Torvet 1",
        "koege-sagsbehandler",
        "Første møde med sagsbehandleren",
        "Mette, søster, sagsbehandler",
    ),
    DemoAppointment(
        AppointmentKind.FIRST_AFTER_DISCHARGE,
        -2,
        time(8, 30),
        "Lægehuset Torvet",
        "gp-torvet",
        "Blodprøver og samtale hos lægen",
        "Mette, læge",
    ),
]

DEMO_PLANS = [
    DemoPlan(
        "demo-mette",
        PlanType.DISCHARGE_AGREEMENT,
        "ua-2026-0142",
        "sor:psyk-roskilde-r3",
        [
            DemoVersion(
                status=PlanStatus.ACTIVE,
                issued_days_ago=12,
                period_start_days_ago=12,
                review_in_days=78,
                actions=_DISCHARGE_V1_ACTIONS,
                meeting_days_ago=13,
                appointments=[
                    *_DISCHARGE_FIRST_MEETINGS,
                ],
                **_DISCHARGE_COMMON,  # type: ignore[arg-type]
            ),
            DemoVersion(
                status=PlanStatus.ACTIVE,
                issued_days_ago=2,
                period_start_days_ago=12,
                review_in_days=78,
                actions=_discharge_v2_actions(),
                meeting_days_ago=3,
                appointments=[
                    *_DISCHARGE_FIRST_MEETINGS,
                    DemoAppointment(
                        AppointmentKind.FOLLOW_UP_MEETING,
                        4,
                        time(13, 30),
                        "Køge Rådhus, mødelokale 2",
                        "koege-sagsbehandler",
                        "Opfølgning på udskrivningsaftalen",
                        "Mette, søster, sagsbehandler, bostøtte, Lokalpsykiatrien",
                    ),
                ],
                **_DISCHARGE_COMMON,  # type: ignore[arg-type]
            ),
        ],
    ),
    DemoPlan(
        "demo-jonas",
        PlanType.COORDINATION_PLAN,
        "kp-2026-0077",
        "sor:psyk-roskilde-r3",
        [
            DemoVersion(
                status=PlanStatus.ACTIVE,
                issued_days_ago=5,
                period_start_days_ago=5,
                review_in_days=60,
                citizen_participated=False,
                reason="Jonas er udskrevet efter en akut indlæggelse. Han ønskede ikke at "
                "deltage i en udskrivningsaftale. Planen skal sikre, at han får tilbudt hjælp.",
                treatment_offers="Tilbud om ambulant behandling i Lokalpsykiatri Køge.",
                social_offers="Tilbud om kontakt fra det opsøgende team.",
                current_needs="Jonas har brug for at få taget hånd om sin medicin og have "
                "nogen at tale med i hverdagen.",
                expected_needs="Behandling i nogle måneder. Støtte i hverdagen, til han "
                "selv siger, at han ikke har brug for den.",
                patient_wishes_declined=True,
                review_responsible="r3-overlaege",
                follow_up_responsible="koege-opsoegende",
                actions=[
                    DemoAction(
                        "Tilbyde Jonas en tid til samtale. Ringe igen, hvis han ikke svarer.",
                        "lp-koege-team",
                        ActionStatus.PLANNED,
                        3,
                    ),
                    DemoAction(
                        "Besøge Jonas og tilbyde hjælp i hverdagen.",
                        "koege-opsoegende",
                        ActionStatus.PLANNED,
                        7,
                    ),
                    DemoAction(
                        "Få besked om udskrivelsen og tilbyde en tid.",
                        "gp-torvet",
                        ActionStatus.DONE,
                        -2,
                    ),
                ],
                appointments=[
                    DemoAppointment(
                        AppointmentKind.FIRST_AFTER_DISCHARGE,
                        3,
                        time(11, 0),
                        "Lokalpsykiatri Køge, Lyngvej 12",
                        "lp-koege-team",
                        "Tilbud om samtale",
                    ),
                    DemoAppointment(
                        AppointmentKind.FIRST_AFTER_DISCHARGE,
                        4,
                        time(10, 0),
                        "Hjemme hos Jonas",
                        "koege-opsoegende",
                        "Besøg fra det opsøgende team",
                    ),
                    DemoAppointment(
                        AppointmentKind.FIRST_AFTER_DISCHARGE,
                        6,
                        time(8, 30),
                        "Lægehuset Torvet",
                        "gp-torvet",
                        "Tid hos lægen",
                    ),
                ],
            ),
        ],
    ),
    DemoPlan(
        "demo-peter",
        PlanType.COORDINATED_ACTION_PLAN,
        "kip-2026-0031",
        "sor:dp-naestved",
        [
            DemoVersion(
                status=PlanStatus.ACTIVE,
                issued_days_ago=20,
                period_start_days_ago=20,
                review_in_days=100,
                meeting_days_ago=21,
                consent_given=True,
                approved_by_citizen=True,
                coordinator="dp-koordinator",
                coordinator_name="Birgitte Holm",
                grounds=[PlanGround.IN_OUTPATIENT_PSYCHIATRY, PlanGround.NEEDS_SUBSTANCE_TREATMENT],
                reason="Peter har angst og drikker meget. Han får hjælp fra flere steder. "
                "Planen samler hjælpen, så alle arbejder mod de samme mål.",
                patient_wishes="Peter vil gerne kunne gå ud og handle selv. Han vil have "
                "støtte-kontaktpersonen med til samtaler.",
                missed_appointment_response="Hvis Peter ikke møder op, ringer "
                "støtte-kontaktpersonen til ham samme dag.",
                participants=[
                    (
                        "Birgitte Holm",
                        "Forløbskoordinator",
                        "Distriktspsykiatrien Næstved",
                        "+45 56 51 80 00",
                    ),
                    ("Ole Friis", "Alkoholbehandler", "Næstved Kommune", "+45 55 88 56 00"),
                    ("Rikke Dam", "Sagsbehandler", "Jobcenter Næstved", "+45 55 88 40 00"),
                    ("Said Amin", "Støtte-kontaktperson", "Næstved Kommune", "+45 55 88 50 50"),
                ],
                challenges=[
                    (
                        "Komme stabilt til samtaler i distriktspsykiatrien.",
                        "Samtaler hver 14. dag. SKP følger med.",
                        "Ingen aflyste samtaler i 3 måneder.",
                    ),
                    (
                        "Angsten gør, at Peter bliver hjemme. Han drikker for at dæmpe angsten.",
                        "Behandling for angst og tilbud om alkoholbehandling.",
                        "Peter går selv ud og handler.",
                    ),
                    (
                        "Ingen plan for arbejde.",
                        "Jobplan der tager hensyn til angsten.",
                        "Små skridt i jobaktiviteter.",
                    ),
                ],
                withheld_sections=["existing-plans"],
                existing_plans=[
                    (ExistingPlanKind.DRUG_TREATMENT, "Ikke aktuelt", None, None),
                    (ExistingPlanKind.ALCOHOL_TREATMENT, "Findes ikke", None, None),
                    (
                        ExistingPlanKind.PSYCHIATRIC_TREATMENT,
                        "Behandlingsplan",
                        "Stabilisere angstlidelsen og justere medicinen.",
                        "Samtaler hver 14. dag. Kriseplan for svære situationer.",
                    ),
                    (
                        ExistingPlanKind.SOCIAL_ACTION_PLAN,
                        "Handleplan (§141)",
                        "En overskuelig hverdag.",
                        "Støtte-kontaktperson.",
                    ),
                    (ExistingPlanKind.EDUCATION_OR_JOB_PLAN, "Bør udarbejdes", None, None),
                ],
                goals=[
                    (
                        "Fastholdelse i psykiatrisk behandling",
                        "Angsten fylder mindre, og Peter kommer ud og deltager i aktiviteter.",
                    ),
                    (
                        "Motivere til behandling for alkohol",
                        "Peter ved, hvordan angst og alkohol hænger sammen, og starter behandling.",
                    ),
                    (
                        "Kontakt til jobcenter",
                        "Peter oplever succes med små skridt og er med til at sætte egne mål.",
                    ),
                ],
                actions=[
                    DemoAction(
                        "Samtaler om angst hver 14. dag.",
                        "dp-behandler",
                        ActionStatus.IN_PROGRESS,
                        None,
                        "Hver 14. dag",
                        goal=0,
                        sequencing=Sequencing.PARALLEL,
                    ),
                    DemoAction(
                        "Følge Peter til samtalerne og støtte ham i hverdagen.",
                        "naestved-skp",
                        ActionStatus.IN_PROGRESS,
                        None,
                        "Løbende",
                        named_person="Said Amin",
                        goal=0,
                    ),
                    DemoAction(
                        "Komme til samtalerne, eller ringe og aflyse.",
                        None,
                        ActionStatus.IN_PROGRESS,
                        None,
                        "Hver 14. dag",
                        goal=0,
                    ),
                    DemoAction(
                        "Fortælle om sammenhængen mellem angst og alkohol.",
                        "dp-behandler",
                        ActionStatus.PLANNED,
                        30,
                        goal=1,
                    ),
                    DemoAction(
                        "Tilbyde en første samtale om alkoholbehandling.",
                        "naestved-alkohol",
                        ActionStatus.PLANNED,
                        -3,
                        goal=1,
                        sequencing=Sequencing.SEQUENTIAL,
                        withheld=True,
                    ),
                    DemoAction(
                        "Lave en jobplan sammen med Peter, SKP og distriktspsykiatrien.",
                        "naestved-job",
                        ActionStatus.PLANNED,
                        40,
                        goal=2,
                        sequencing=Sequencing.SEQUENTIAL,
                    ),
                    DemoAction(
                        "Tænke over, hvilket arbejde jeg kunne tænke mig.",
                        None,
                        ActionStatus.PLANNED,
                        40,
                        goal=2,
                    ),
                ],
                appointments=[
                    DemoAppointment(
                        AppointmentKind.OTHER,
                        2,
                        time(9, 30),
                        "Distriktspsykiatrien Næstved",
                        "dp-behandler",
                        "Samtale om angst",
                        "Peter, behandler, Said (SKP)",
                    ),
                    DemoAppointment(
                        AppointmentKind.FOLLOW_UP_MEETING,
                        100,
                        time(10, 0),
                        "Distriktspsykiatrien Næstved",
                        "dp-koordinator",
                        "Opfølgning på indsatsplanen",
                        "Peter og alle deltagere fra mødet",
                    ),
                ],
            ),
        ],
    ),
]


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=COPENHAGEN).astimezone(UTC)
