"""A referral as FHIR R4 resources an EHR can import, in a ``collection`` Bundle: the referral as
a ``ServiceRequest``, each consent the person gives as a ``Consent``, and the meetings they
attended (while they share attendance) as ``Encounter``s.

Only what the person shares is there. The person is named by nothing but the referrer's own
reference (``external_id``), which the referrer's system already ties to them; once sharing
ends, the bundle holds the ServiceRequest alone, its status ``unknown``.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.core.orm import utcnow
from backend.groups.models import GroupFormat, SupportGroup
from backend.referrals import consent
from backend.referrals.models import ConsentPart, Referral, ReferralConsent
from backend.referrals.schemas import ReferralState
from backend.referrals.service import (
    attendance_since,
    consents_of,
    get_referral,
    referrer_name,
    shared_now,
    state_seen_by_referrer,
)
from backend.sessions.attendance import ATTENDED

# The most recent attended meetings a bundle carries; GET /referrals/{id}/attendance pages
# through all of them.
MAX_ENCOUNTERS = 100
SYSTEM = "urn:strength-circles"
# Our ids for records we derive (an Encounter is one referral's view of one meeting).
FHIR_NAMESPACE = uuid.UUID("0d5f3a36-3c4e-5b7a-9f1e-2a6b8c4d7e90")

SERVICE_REQUEST_STATUS: dict[ReferralState, str] = {
    "sent": "active",
    "opened": "active",
    "joined": "completed",
    "declined": "revoked",
    "expired": "revoked",
    "not_shared": "unknown",
}


def _instant(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _subject(referral: Referral) -> dict[str, Any]:
    subject: dict[str, Any] = {"display": "The person referred"}
    if referral.external_id:
        subject["identifier"] = {
            "system": f"{SYSTEM}:referrer-reference",
            "value": referral.external_id,
        }
    return subject


def _service_request(
    referral: Referral, group: SupportGroup, state: ReferralState, referrer: str
) -> dict[str, Any]:
    identifiers = [{"system": f"{SYSTEM}:referral", "value": str(referral.id)}]
    if referral.external_id:
        identifiers.append(
            {"system": f"{SYSTEM}:referrer-reference", "value": referral.external_id}
        )
    return {
        "resourceType": "ServiceRequest",
        "id": str(referral.id),
        "identifier": identifiers,
        "status": SERVICE_REQUEST_STATUS[state],
        "intent": "order",
        "code": {"text": f"Peer support circle: {group.name}"},
        "subject": _subject(referral),
        "authoredOn": _instant(referral.created_at),
        "requester": {"display": referrer},
        "performer": [{"display": "Strength Circles"}],
    }


def _consent(
    row: ReferralConsent, referral: Referral, referrer: str, request_url: str
) -> dict[str, Any]:
    title = consent.WORDINGS[row.part].title
    return {
        "resourceType": "Consent",
        "id": str(row.id),
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                    "display": "Privacy Consent",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
                ]
            }
        ],
        "patient": _subject(referral),
        "dateTime": _instant(row.granted_at),
        "policyRule": {
            "text": f"Strength Circles referral sharing, words of {row.wording_version}"
        },
        "provision": {
            "type": "permit",
            "period": {"start": _instant(row.granted_at)},
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/"
                                "v3-ParticipationType",
                                "code": "IRCP",
                                "display": "information recipient",
                            }
                        ]
                    },
                    "reference": {"display": referrer},
                }
            ],
            "code": [{"text": f"{title}: {row.words}"}],
            "data": [{"meaning": "related", "reference": {"reference": request_url}}],
        },
    }


def _encounter(
    referral: Referral,
    group: SupportGroup,
    meeting_id: uuid.UUID,
    start: datetime,
    end: datetime,
    request_url: str,
) -> dict[str, Any]:
    online = group.format == GroupFormat.online
    return {
        "resourceType": "Encounter",
        "id": str(uuid.uuid5(FHIR_NAMESPACE, f"{referral.id}/{meeting_id}")),
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "VR" if online else "AMB",
            "display": "virtual" if online else "ambulatory",
        },
        "serviceType": {"text": "Peer support circle meeting"},
        "subject": _subject(referral),
        "basedOn": [{"reference": request_url}],
        "period": {"start": _instant(start), "end": _instant(end)},
    }


def referral_bundle(db: Session, actor: Actor, referral_id: uuid.UUID) -> dict[str, Any]:
    """The referral's FHIR Bundle, as its referrer may see it now."""
    referral = get_referral(db, actor, referral_id)
    group = db.get_one(SupportGroup, referral.group_id)
    consents = consents_of(db, [referral.id])[referral.id]
    shared = shared_now(consents)
    state = state_seen_by_referrer(referral, consents, utcnow())
    referrer = referrer_name(db, referral)
    request_url = f"urn:uuid:{referral.id}"
    entries = [
        {"fullUrl": request_url, "resource": _service_request(referral, group, state, referrer)}
    ]
    if state == "joined":
        for part in (ConsentPart.outcome, ConsentPart.attendance):
            if part in shared:
                entries.append(
                    {
                        "fullUrl": f"urn:uuid:{shared[part].id}",
                        "resource": _consent(shared[part], referral, referrer, request_url),
                    }
                )
        if ConsentPart.attendance in shared:
            page, records = attendance_since(
                db,
                actor,
                referral,
                shared[ConsentPart.attendance],
                limit=MAX_ENCOUNTERS,
                cursor=None,
            )
            for session in page.items:
                record = records.get(session.id)
                if record is None or record.status not in ATTENDED:
                    continue  # an Encounter is a meeting the person was at
                encounter = _encounter(
                    referral, group, session.id, session.starts_at, session.ends_at, request_url
                )
                entries.append({"fullUrl": f"urn:uuid:{encounter['id']}", "resource": encounter})
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(FHIR_NAMESPACE, f"bundle/{referral.id}")),
        "type": "collection",
        "timestamp": _instant(utcnow()),
        "entry": entries,
    }
