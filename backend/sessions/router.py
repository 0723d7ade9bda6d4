"""Sessions: schedules, one-off meetings, RSVPs, check-in, attendance, reports, calendars."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response, Security

from backend.accounts.dependencies import (
    AppSettings,
    CurrentUser,
    get_optional_principal,
    get_principal,
)
from backend.accounts.schemas import Scope
from backend.accounts.service import ClientPrincipal, Principal, UserPrincipal
from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import KEY_IN_FLIGHT, problem_responses
from backend.core.pagination import Cursor, Limit
from backend.core.routing import JSONRoute
from backend.sessions import attendance, calendar, service
from backend.sessions.models import RsvpStatus
from backend.sessions.schemas import (
    AttendanceRead,
    AttendanceReport,
    AttendanceSheet,
    AttendanceUpdate,
    CalendarUrl,
    CheckIn,
    CheckInCode,
    MyAttendanceList,
    MyRsvp,
    MySessionList,
    RsvpWrite,
    ScheduleCreate,
    ScheduleList,
    ScheduleRead,
    ScheduleUpdate,
    SessionCreate,
    SessionList,
    SessionRead,
    SessionUpdate,
)

router = APIRouter(route_class=JSONRoute)

SessionReader = Annotated[
    Principal | None, Security(get_optional_principal, scopes=[Scope.sessions_read])
]
AttendanceReader = Annotated[Principal, Security(get_principal, scopes=[Scope.attendance_read])]
AttendanceWriter = Annotated[Principal, Security(get_principal, scopes=[Scope.attendance_write])]
From = Annotated[datetime | None, Query(alias="from", description="RFC 3339; default: now.")]
To = Annotated[datetime | None, Query(description="RFC 3339, exclusive; default: 4 weeks on.")]
CALENDAR_TYPE = "text/calendar; charset=utf-8"
ICS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "An RFC 5545 calendar."}
}


def _viewer(principal: Principal | None) -> tuple[UserPrincipal | None, bool]:
    """The signed-in person (if any), and whether the caller is an integrator reading every
    group's meetings under its ``sessions:read`` scope."""
    if isinstance(principal, ClientPrincipal):
        return None, True
    return principal, False


def _recorder(principal: Principal) -> attendance.Recorder:
    if isinstance(principal, ClientPrincipal):
        # A client that may only write learns nothing it did not send: no names.
        return attendance.Recorder(
            client_id=principal.client.id,
            reads_names=Scope.attendance_read in principal.scopes,
        )
    return attendance.Recorder(user=principal.user)


# --- schedules --------------------------------------------------------------------------------


@router.post(
    "/groups/{group_id}/schedules",
    tags=["sessions"],
    status_code=201,
    responses=problem_responses(
        401, 403, 404, s409=KEY_IN_FLIGHT, s422="An invalid rule, zone or dates."
    ),
)
def create_schedule(
    group_id: uuid.UUID, data: ScheduleCreate, user: CurrentUser, db: DbSession
) -> ScheduleRead:
    """Start a recurring schedule (facilitators of the group); its sessions are generated."""
    schedule = service.create_schedule(db, actor=user, group_id=group_id, data=data)
    return service.schedule_read(schedule, show_link=True)


@router.get(
    "/groups/{group_id}/schedules", tags=["sessions"], responses=problem_responses(401, 403, 404)
)
def list_schedules(group_id: uuid.UUID, principal: SessionReader, db: DbSession) -> ScheduleList:
    """The group's schedules (listed groups: anyone; links for members only)."""
    viewer, integrator = _viewer(principal)
    items = service.list_schedules(
        db, viewer=viewer.user if viewer else None, can_read_all=integrator, group_id=group_id
    )
    return ScheduleList(items=items)


@router.patch(
    "/schedules/{schedule_id}",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404, s409="The series has ended."),
)
def update_schedule(
    schedule_id: uuid.UUID,
    data: ScheduleUpdate,
    user: CurrentUser,
    db: DbSession,
    settings: AppSettings,
) -> ScheduleRead:
    """Change the series from now on; past and individually changed sessions stay."""
    schedule = service.update_schedule(db, settings, actor=user, schedule_id=schedule_id, data=data)
    return service.schedule_read(schedule, show_link=True)


@router.post(
    "/schedules/{schedule_id}/end", tags=["sessions"], responses=problem_responses(401, 403, 404)
)
def end_schedule(
    schedule_id: uuid.UUID, user: CurrentUser, db: DbSession, settings: AppSettings
) -> ScheduleRead:
    """End the series: future meetings are cancelled (people who RSVPd are told)."""
    schedule = service.end_schedule(db, settings, actor=user, schedule_id=schedule_id)
    return service.schedule_read(schedule, show_link=True)


# --- sessions ---------------------------------------------------------------------------------


@router.get(
    "/groups/{group_id}/sessions",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404, s422="An invalid or too wide window."),
)
def list_sessions(
    group_id: uuid.UUID,
    principal: SessionReader,
    db: DbSession,
    start: From = None,
    to: To = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> SessionList:
    """Every meeting of the group starting in [from, to), however far ahead (366 days at most
    per request). Listed groups: anyone; meeting links only for members."""
    viewer, integrator = _viewer(principal)
    page = service.list_group_sessions(
        db,
        viewer=viewer.user if viewer else None,
        can_read_all=integrator,
        group_id=group_id,
        start=start,
        end=to,
        limit=limit,
        cursor=cursor,
    )
    return SessionList(items=page.items, next_cursor=page.next_cursor)


@router.post(
    "/groups/{group_id}/sessions",
    tags=["sessions"],
    status_code=201,
    responses=problem_responses(401, 403, 404, s409=KEY_IN_FLIGHT),
)
def create_session(
    group_id: uuid.UUID, data: SessionCreate, user: CurrentUser, db: DbSession
) -> SessionRead:
    """Add a one-off meeting (facilitators of the group)."""
    session = service.create_session(db, actor=user, group_id=group_id, data=data)
    return service.get_session(db, viewer=user, can_read_all=False, session_id=session.id)


@router.get("/sessions/{session_id}", tags=["sessions"], responses=problem_responses(401, 403, 404))
def read_session(session_id: uuid.UUID, principal: SessionReader, db: DbSession) -> SessionRead:
    """One meeting, with your RSVP (links for members only)."""
    viewer, integrator = _viewer(principal)
    return service.get_session(
        db, viewer=viewer.user if viewer else None, can_read_all=integrator, session_id=session_id
    )


@router.patch(
    "/sessions/{session_id}",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404, s409="The meeting is over or has started."),
)
def update_session(
    session_id: uuid.UUID,
    data: SessionUpdate,
    user: CurrentUser,
    db: DbSession,
    settings: AppSettings,
) -> SessionRead:
    """Cancel, restore or move one meeting, or change its seats or place (facilitators).
    Members who RSVPd are told."""
    service.update_session(db, settings, actor=user, session_id=session_id, data=data)
    return service.get_session(db, viewer=user, can_read_all=False, session_id=session_id)


@router.put(
    "/sessions/{session_id}/rsvp",
    tags=["sessions"],
    responses=problem_responses(
        401,
        404,
        s403="Not in the group yet (or still awaiting approval), or a service client.",
        s409="Cancelled, started, a facilitator, or too many RSVPs held.",
    ),
)
def rsvp(
    session_id: uuid.UUID,
    data: RsvpWrite,
    user: CurrentUser,
    db: DbSession,
    settings: AppSettings,
) -> MyRsvp:
    """Say whether you are going. When the meeting is full you join the waitlist, and a seat
    that frees up goes to the first person waiting."""
    wanted = RsvpStatus(data.status)
    return service.set_rsvp(db, settings, user=user, session_id=session_id, wanted=wanted)


# --- check-in and attendance ------------------------------------------------------------------


@router.get(
    "/sessions/{session_id}/check-in-code",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404, s409="Check-in is not open."),
)
def read_check_in_code(
    session_id: uuid.UUID, user: CurrentUser, db: DbSession, settings: AppSettings
) -> CheckInCode:
    """The code to show the room (facilitators); from 30 minutes before the start to the end."""
    return attendance.check_in_code(db, settings, actor=user, session_id=session_id)


@router.post(
    "/sessions/{session_id}/check-in",
    tags=["sessions"],
    responses=problem_responses(
        401,
        404,
        s403="Not in the group yet (or still awaiting approval), or a service client.",
        s409="Check-in is not open.",
        s422="Wrong code.",
        s429="Too many wrong codes.",
    ),
)
def check_in(
    session_id: uuid.UUID,
    data: CheckIn,
    user: CurrentUser,
    db: DbSession,
    settings: AppSettings,
) -> AttendanceRead:
    """Check yourself in with the code shown in the room: present, or late after 10 minutes."""
    return attendance.check_in(db, settings, user=user, session_id=session_id, code=data.code)


@router.get(
    "/sessions/{session_id}/attendance",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404),
)
def read_attendance(
    session_id: uuid.UUID, principal: AttendanceReader, db: DbSession
) -> AttendanceSheet:
    """The attendance sheet (facilitators, admins, `attendance:read` clients). Members who chose
    anonymous attendance are counted, and named only to admins."""
    return attendance.attendance_sheet(db, recorder=_recorder(principal), session_id=session_id)


@router.put(
    "/sessions/{session_id}/attendance",
    tags=["sessions"],
    responses=problem_responses(
        401, 403, 404, s409="Not open yet or cancelled.", s422="Unknown members."
    ),
)
def record_attendance(
    session_id: uuid.UUID, data: AttendanceUpdate, principal: AttendanceWriter, db: DbSession
) -> AttendanceSheet:
    """Record present, late, excused or absent for many members at once, all or nothing
    (facilitators, admins, `attendance:write` clients)."""
    return attendance.record_attendance(
        db, recorder=_recorder(principal), session_id=session_id, entries=data.records
    )


@router.get(
    "/groups/{group_id}/attendance-report",
    tags=["sessions"],
    response_model=AttendanceReport,
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with Accept: text/csv."},
        **problem_responses(401, 403, 404, s422="An invalid or too wide window."),
    },
)
def attendance_report(
    group_id: uuid.UUID,
    principal: AttendanceReader,
    db: DbSession,
    start: Annotated[
        datetime | None, Query(alias="from", description="RFC 3339; default: 90 days ago.")
    ] = None,
    to: Annotated[datetime | None, Query(description="RFC 3339, exclusive; default: now.")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> AttendanceReport | Response:
    """Per session and per member over [from, to) (facilitators, admins, `attendance:read`
    clients). Send `Accept: text/csv` for a spreadsheet."""
    report = attendance.attendance_report(
        db, recorder=_recorder(principal), group_id=group_id, start=start, end=to
    )
    if accept and "text/csv" in accept:
        return Response(
            attendance.report_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="attendance-report.csv"'},
        )
    return report


# --- mine -------------------------------------------------------------------------------------


@router.get("/me/sessions", tags=["me"], responses=problem_responses(401, 403))
def my_sessions(
    user: CurrentUser,
    db: DbSession,
    start: From = None,
    to: To = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> MySessionList:
    """My upcoming meetings (of the groups I am in), with my RSVP."""
    page = service.my_sessions(db, user=user, start=start, end=to, limit=limit, cursor=cursor)
    return MySessionList(items=page.items, next_cursor=page.next_cursor)


@router.get("/me/attendance", tags=["me"], responses=problem_responses(401, 403))
def my_attendance(
    user: CurrentUser, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> MyAttendanceList:
    """My attendance history, newest first."""
    page = attendance.my_attendance(db, user=user, limit=limit, cursor=cursor)
    return MyAttendanceList(items=page.items, next_cursor=page.next_cursor)


@router.get("/me/calendar-url", tags=["me"], responses=problem_responses(401, 403))
def my_calendar_url(user: CurrentUser, db: DbSession, settings: AppSettings) -> CalendarUrl:
    """A secret calendar feed of my meetings, for any calendar app. Keep it private."""
    return CalendarUrl(url=calendar.feed_url(db, settings, user=user))


@router.delete(
    "/me/calendar-url", tags=["me"], status_code=204, responses=problem_responses(401, 403)
)
def revoke_my_calendar_url(user: CurrentUser, db: DbSession) -> Response:
    """Turn off my calendar feed; asking for the URL again gives a new one."""
    calendar.revoke_feed(db, user=user)
    return Response(status_code=204)


@router.get(
    "/calendar/{token}.ics",
    tags=["sessions"],
    dependencies=[Public],
    responses={**ICS, **problem_responses(404)},
    response_class=Response,
)
def member_calendar(
    token: Annotated[str, Path(max_length=100)], db: DbSession, settings: AppSettings
) -> Response:
    """A member's meetings as an iCalendar feed; the secret URL is the only key."""
    return Response(calendar.member_feed(db, settings, token=token), media_type=CALENDAR_TYPE)


@router.get(
    "/groups/{group_id}/calendar.ics",
    tags=["sessions"],
    dependencies=[Public],
    responses={**ICS, **problem_responses(404)},
    response_class=Response,
)
def group_calendar(group_id: uuid.UUID, db: DbSession) -> Response:
    """A listed group's meeting times as an iCalendar feed (neutral titles, no links)."""
    return Response(calendar.group_feed(db, group_id=group_id), media_type=CALENDAR_TYPE)


@router.get(
    "/sessions/{session_id}/calendar.ics",
    tags=["sessions"],
    responses={**ICS, **problem_responses(401, 403, 404)},
    response_class=Response,
)
def session_calendar(session_id: uuid.UUID, principal: SessionReader, db: DbSession) -> Response:
    """One meeting as an iCalendar file to add to any calendar app (whoever may read it).
    Neutral title unless you chose group names; the link only for those who may see it."""
    viewer, integrator = _viewer(principal)
    body = calendar.session_file(
        db, viewer=viewer.user if viewer else None, can_read_all=integrator, session_id=session_id
    )
    return Response(
        body,
        media_type=CALENDAR_TYPE,
        headers={"Content-Disposition": 'attachment; filename="circle-meeting.ics"'},
    )
