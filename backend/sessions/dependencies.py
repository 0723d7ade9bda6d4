"""Who may call the sessions routes, and the meeting, series or group each route works on,
loaded and authorised once per request (the policies are in ``access``)."""

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Security

from backend.accounts.actor import Actor
from backend.accounts.dependencies import CurrentActor, get_actor, get_optional_actor
from backend.accounts.schemas import Scope
from backend.core.db import DbSession
from backend.groups.dependencies import ManagedGroup
from backend.sessions import access
from backend.sessions.access import GroupAccess, SessionAccess
from backend.sessions.models import Schedule

__all__ = ["ManagedGroup"]

# Meetings are public for listed groups; integrators read every group's with sessions:read.
SessionReader = Annotated[Actor, Security(get_optional_actor, scopes=[Scope.sessions_read])]
# Attendance: facilitators of the group and admins, or integrators with the scope.
AttendanceReader = Annotated[Actor, Security(get_actor, scopes=[Scope.attendance_read])]
AttendanceWriter = Annotated[Actor, Security(get_actor, scopes=[Scope.attendance_write])]


def _readable_group(group_id: uuid.UUID, actor: SessionReader, db: DbSession) -> GroupAccess:
    return access.readable_group(db, group_id, actor)


def _readable_session(session_id: uuid.UUID, actor: SessionReader, db: DbSession) -> SessionAccess:
    return access.readable_session(db, session_id, actor)


def _managed_session(session_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> SessionAccess:
    return access.managed_session(db, session_id, actor)


def _managed_schedule(schedule_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> Schedule:
    return access.managed_schedule(db, schedule_id, actor)


def _member_session(doing: str) -> Callable[..., SessionAccess]:
    def member_session(session_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> SessionAccess:
        return access.member_session(db, session_id, actor, doing=doing)

    return member_session


def _sheet_session(session_id: uuid.UUID, actor: AttendanceReader, db: DbSession) -> SessionAccess:
    return access.attendance_session(db, session_id, actor, scope=Scope.attendance_read)


def _recording_session(
    session_id: uuid.UUID, actor: AttendanceWriter, db: DbSession
) -> SessionAccess:
    return access.attendance_session(db, session_id, actor, scope=Scope.attendance_write)


def _reported_group(group_id: uuid.UUID, actor: AttendanceReader, db: DbSession) -> GroupAccess:
    return access.attendance_group(db, group_id, actor, scope=Scope.attendance_read)


# A group whose meetings the caller may read (anyone for a listed group).
ReadableGroup = Annotated[GroupAccess, Depends(_readable_group)]
# A meeting the caller may read.
ReadableSession = Annotated[SessionAccess, Depends(_readable_session)]
# A meeting, or a series, of a group the signed-in person manages.
ManagedSession = Annotated[SessionAccess, Depends(_managed_session)]
ManagedSchedule = Annotated[Schedule, Depends(_managed_schedule)]
# A meeting of a group the signed-in person is an active member of, for their own action.
RsvpSession = Annotated[SessionAccess, Depends(_member_session("RSVP for its meetings"))]
CheckInSession = Annotated[SessionAccess, Depends(_member_session("check in at its meetings"))]
# A meeting whose attendance sheet the caller reads, or records.
SheetSession = Annotated[SessionAccess, Depends(_sheet_session)]
RecordingSession = Annotated[SessionAccess, Depends(_recording_session)]
# A group whose attendance report the caller reads.
ReportedGroup = Annotated[GroupAccess, Depends(_reported_group)]
