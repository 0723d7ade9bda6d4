"""Demo groups: a dozen varied circles (topics, formats, languages, one unlisted, two that need
approval), run by the demo facilitator, with demo members in some of them."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.groups import service
from backend.groups.models import GroupMembership, SupportGroup
from backend.groups.schemas import GroupCreate

GUIDELINES = (
    "1. What is shared here stays here.\n"
    "2. Speak from your own experience; listen without fixing.\n"
    "3. No advice unless someone asks for it.\n"
    "4. Respect every identity, path and pace of recovery.\n"
    "5. This is peer support, not therapy or a crisis service. If you are in danger, call "
    "your local emergency number."
)
GUIAS = (
    "1. Lo que se comparte aquí, se queda aquí.\n"
    "2. Hablamos desde la propia experiencia y escuchamos sin juzgar.\n"
    "3. No damos consejos si nadie los pide.\n"
    "4. Este es un grupo de apoyo entre pares, no un servicio de crisis."
)
CENTER = {
    "address": "410 Elm Street, Room 2B",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "US",
    "latitude": 39.7990,
    "longitude": -89.6440,
}
LIBRARY = {
    "address": "Westside Library, 88 Maple Avenue",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62704",
    "country": "US",
}

DEMO_GROUPS: list[dict[str, Any]] = [
    {
        "name": "Tuesday Evening Anxiety Circle",
        "topics": ["anxiety"],
        "format": "online",
        "description": "A calm, structured hour for people living with anxiety or panic. We check "
        "in, share what helped this week, and practise one grounding skill together.",
        "online_url": "https://meet.example.org/anxiety-tuesday",
        "capacity": 14,
    },
    {
        "name": "Daylight: Depression Peer Support",
        "topics": ["depression"],
        "format": "in_person",
        "description": "For anyone living with depression. Come as you are; talking is welcome and "
        "so is simply listening.",
        "location": CENTER,
        "capacity": 12,
        "accessibility_notes": "Step-free entrance and lift; accessible restroom on that floor.",
    },
    {
        "name": "Steady Ground: Bipolar Support",
        "topics": ["bipolar", "general-wellbeing"],
        "format": "hybrid",
        "description": "Peers living with bipolar disorder share routines, "
        "early warning signs they have learned to notice, and encouragement.",
        "location": CENTER,
        "online_url": "https://meet.example.org/steady-ground",
        "capacity": 16,
    },
    {
        "name": "After the Loss: Grief Circle",
        "topics": ["grief-and-loss"],
        "format": "in_person",
        "description": "A gentle space for people grieving a death, whether recent or long ago. "
        "We remember, we share, and we sit with what cannot be fixed.",
        "location": LIBRARY,
        "capacity": 10,
    },
    {
        "name": "Círculo de Apoyo en Español",
        "topics": ["anxiety", "depression"],
        "format": "online",
        "language": "es",
        "description": "Un espacio en español para "
        "compartir experiencias con la ansiedad y la depresión, a nuestro ritmo.",
        "online_url": "https://meet.example.org/circulo-es",
        "guidelines": GUIAS,
        "capacity": 15,
    },
    {
        "name": "Open Doors Recovery Meeting",
        "topics": ["substance-use"],
        "format": "hybrid",
        "description": "Peer support for people in recovery from alcohol or drug use, whatever "
        "pathway they follow. Newcomers and people returning are always welcome.",
        "location": CENTER,
        "online_url": "https://meet.example.org/open-doors",
        "capacity": 25,
    },
    {
        "name": "Nourish: Eating Disorder Recovery",
        "topics": ["eating-disorders"],
        "format": "online",
        "join_policy": "approval",
        "description": "A facilitated circle for "
        "people in recovery from an eating disorder. We do not discuss numbers: weights, sizes "
        "or calories.",
        "online_url": "https://meet.example.org/nourish",
        "capacity": 8,
    },
    {
        "name": "Caregivers' Corner",
        "topics": ["family-and-caregivers"],
        "format": "online",
        "description": "For family members and friends supporting someone living with a mental "
        "health condition. Bring your questions, your frustration and your hope.",
        "online_url": "https://meet.example.org/caregivers",
        "capacity": 20,
    },
    {
        "name": "Rainbow Circle",
        "topics": ["lgbtq", "general-wellbeing"],
        "format": "online",
        "description": "A peer circle by and for LGBTQ+ people, to talk about mental health in a "
        "space where no one has to explain who they are.",
        "online_url": "https://meet.example.org/rainbow",
        "capacity": 18,
    },
    {
        "name": "Next Chapter: Young Adults",
        "topics": ["youth", "anxiety", "depression"],
        "format": "in_person",
        "description": "For people aged 18 to 25 finding their way through "
        "study, work and mental health.",
        "location": LIBRARY,
        "capacity": 12,
    },
    {
        "name": "Veterans Peer Circle",
        "topics": ["veterans", "trauma-and-ptsd"],
        "format": "hybrid",
        "join_policy": "approval",
        "description": "Veterans supporting "
        "veterans: reintegration, sleep, stress and what comes after service.",
        "location": CENTER,
        "online_url": "https://meet.example.org/veterans",
        "capacity": 12,
    },
    {
        "name": "Trauma-Informed Women's Circle",
        "topics": ["trauma-and-ptsd"],
        "format": "online",
        "visibility": "unlisted",
        "join_policy": "approval",
        "description": "An invitation-only circle for women living with the effects of trauma, "
        "joined through a referral from the counseling service.",
        "online_url": "https://meet.example.org/womens-circle",
        "capacity": 8,
    },
]

# Which demo members are in which group (by name), to make the pages look lived in.
DEMO_MEMBERSHIPS = {
    "river@example.org": [
        "Tuesday Evening Anxiety Circle",
        "Daylight: Depression Peer Support",
        "Next Chapter: Young Adults",
    ],
    "maple@example.org": ["Tuesday Evening Anxiety Circle", "After the Loss: Grief Circle"],
    "juniper@example.org": ["Open Doors Recovery Meeting", "Caregivers' Corner"],
    "wren@example.org": ["Rainbow Circle", "Tuesday Evening Anxiety Circle"],
}


def seed_demo_groups(db: Session) -> list[str]:
    facilitator = db.scalar(select(User).where(User.email == "facilitator@example.org"))
    if facilitator is None:
        return []
    for spec in DEMO_GROUPS:
        if db.scalar(select(SupportGroup.id).where(SupportGroup.name == spec["name"])):
            continue
        data = {"language": "en", "guidelines": GUIDELINES} | spec
        service.create_group(
            db, actor=Actor.of_person(facilitator), data=GroupCreate.model_validate(data)
        )
    for email, names in DEMO_MEMBERSHIPS.items():
        member = db.scalar(select(User).where(User.email == email))
        for name in names:
            group_id = db.scalar(select(SupportGroup.id).where(SupportGroup.name == name))
            if member is None or group_id is None:
                continue
            already = db.scalar(
                select(GroupMembership.id).where(
                    GroupMembership.group_id == group_id, GroupMembership.user_id == member.id
                )
            )
            if already is None:
                service.join_group(db, service.visible_group(db, group_id, Actor.of_person(member)))
    return [f"{len(DEMO_GROUPS)} demo groups, run by facilitator@example.org."]
