"""Groups loaded and authorised once per request, by the one policy of ``service``: a group
the caller may not know of is 404, one they may see but not manage 403 (see permissions)."""

import uuid
from typing import Annotated

from fastapi import Depends

from backend.accounts.dependencies import CurrentActor, OptionalActor
from backend.core.db import DbSession
from backend.groups import service
from backend.groups.service import GroupAccess


def _public_group(group_id: uuid.UUID, actor: OptionalActor, db: DbSession) -> GroupAccess:
    return service.visible_group(db, group_id, actor)


def _visible_group(group_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> GroupAccess:
    return service.visible_group(db, group_id, actor)


def _managed_group(group_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> GroupAccess:
    return service.managed_group(db, group_id, actor)


# A group on a public route: anyone, signed in or not, who may know of it.
PublicGroup = Annotated[GroupAccess, Depends(_public_group)]
# A group a signed-in person may know of (to join it, leave it, or see who is in it).
VisibleGroup = Annotated[GroupAccess, Depends(_visible_group)]
# A group the signed-in person may manage: its facilitators and admins.
ManagedGroup = Annotated[GroupAccess, Depends(_managed_group)]
