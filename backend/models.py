"""Every domain's models, imported so that Alembic sees the whole schema."""

from backend.accounts import models as accounts_models
from backend.core.audit import AuditEvent, AuditSubject
from backend.core.idempotency import IdempotencyRecord
from backend.core.orm import Base
from backend.core.ratelimit import RateLimitCounter
from backend.groups import models as groups_models
from backend.library import models as library_models
from backend.mentoring import models as mentoring_models
from backend.moderation import models as moderation_models
from backend.notifications import models as notifications_models
from backend.referrals import models as referrals_models
from backend.safety import models as safety_models
from backend.sessions import models as sessions_models
from backend.topics import models as topics_models
from backend.webhooks import models as webhooks_models

__all__ = [
    "AuditEvent",
    "AuditSubject",
    "Base",
    "IdempotencyRecord",
    "RateLimitCounter",
    "accounts_models",
    "groups_models",
    "library_models",
    "mentoring_models",
    "moderation_models",
    "notifications_models",
    "referrals_models",
    "safety_models",
    "sessions_models",
    "topics_models",
    "webhooks_models",
]
