"""Sessions: schedules, one-off meetings, RSVPs, check-in, attendance, reports, calendars."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response

from backend.accounts.dependencies import AppSettings, CurrentActor
from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import KEY_IN_FLIGHT, problem_responses
from backend.core.pagination import Cursor, Limit
from backend.core.public_cache import KEPT_ANSWER_RESPONSES, answer_kept_if_anonymous
from backend.core.routing import JSONRoute, located_at
from backend.core.vocabulary import Instant
from backend.sessions import attendance, calendar, rsvps, schedules, service, views
from backend.sessions.access import meeting_of
from backend.sessions.dependencies import (
    CheckInSession,
    ManagedGroup,
    ManagedSchedule,
    ManagedSession,
    ReadableGroup,
    ReadableSession,
    RecordingSession,
    ReportedGroup,
    RsvpSession,
    SheetSession,
)
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
    SchedulePreview,
    ScheduleRead,
    ScheduleUpdate,
    SessionCreate,
    SessionList,
    SessionRead,
    SessionUpdate,
)

router = APIRouter(route_class=JSONRoute)

From = Annotated[Instant | None, Query(alias="from", description="RFC 3339; default: now.")]
To = Annotated[Instant | None, Query(description="RFC 3339, exclusive; default: 4 weeks on.")]
CALENDAR_TYPE = "text/calendar; charset=utf-8"
ICS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "An RFC 5545 calendar."}
}


# --- schedules --------------------------------------------------------------------------------


@router.post(
    "/groups/{group_id}/schedules",
    tags=["sessions"],
    status_code=201,
    responses=problem_responses(
        401, 403, 404, s409=KEY_IN_FLIGHT, s422="An invalid rule, zone or dates."
    ),
)
def create_schedule(access: ManagedGroup, data: ScheduleCreate, db: DbSession) -> ScheduleRead:
    """Start a recurring schedule (facilitators of the group); its sessions are generated."""
    schedule = schedules.create_schedule(db, access, data=data)
    return views.schedule_read(schedule, show_link=True)


@router.post(
    "/groups/{group_id}/schedules/preview",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404, s422="An invalid rule, zone or dates."),
)
def preview_schedule(access: ManagedGroup, data: ScheduleCreate, db: DbSession) -> SchedulePreview:
    """What a schedule would be, before it is saved (facilitators of the group): the rule in
    words and its next 6 meetings. Nothing is written; a rule creating would refuse is refused
    with the same problem."""
    return schedules.preview_schedule(db, access, data=data)


@router.get(
    "/groups/{group_id}/schedules", tags=["sessions"], responses=problem_responses(401, 403, 404)
)
def list_schedules(
    access: ReadableGroup, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> ScheduleList:
    """The group's schedules, ended ones too, oldest first (listed groups: anyone; links for
    members only)."""
    page = views.list_schedules(db, access, limit=limit, cursor=cursor)
    return ScheduleList(items=page.items, next_cursor=page.next_cursor)


@router.patch(
    "/schedules/{schedule_id}",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404, s409="The series has ended."),
)
def update_schedule(
    schedule: ManagedSchedule,
    data: ScheduleUpdate,
    db: DbSession,
    settings: AppSettings,
) -> ScheduleRead:
    """Change the series from now on; past and individually changed sessions stay."""
    schedule = schedules.update_schedule(db, settings, schedule, data=data)
    return views.schedule_read(schedule, show_link=True)


@router.post(
    "/schedules/{schedule_id}/preview",
    tags=["sessions"],
    responses=problem_responses(
        401, 403, 404, s409="The series has ended.", s422="An invalid rule, zone or dates."
    ),
)
def preview_schedule_change(
    schedule: ManagedSchedule, data: ScheduleUpdate, db: DbSession
) -> SchedulePreview:
    """What a change of the series from now on would make, before it is saved (facilitators
    of the group): the rule in words and its next 6 meetings, counted as the change would
    count them (every other week keeps its weeks). Nothing is written."""
    return schedules.preview_change(schedule, data=data)


@router.post(
    "/schedules/{schedule_id}/end", tags=["sessions"], responses=problem_responses(401, 403, 404)
)
def end_schedule(schedule: ManagedSchedule, db: DbSession, settings: AppSettings) -> ScheduleRead:
    """End the series: future meetings are cancelled (people who RSVPd are told)."""
    schedule = schedules.end_schedule(db, settings, schedule)
    return views.schedule_read(schedule, show_link=True)


# --- sessions ---------------------------------------------------------------------------------


@router.get(
    "/groups/{group_id}/sessions",
    tags=["sessions"],
    response_model=SessionList,
    responses={
        **problem_responses(401, 403, 404, s422="An invalid or too wide window."),
        **KEPT_ANSWER_RESPONSES,
    },
)
async def list_sessions(
    request: Request,
    access: ReadableGroup,
    db: DbSession,
    start: From = None,
    to: To = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> SessionList | Response:
    """Every meeting of the group starting in [from, to), however far ahead (366 days at most
    per request). Listed groups: anyone; meeting links only for members. Anonymous answers
    carry an ETag and may be kept, as the directory's are."""

    def make() -> tuple[SessionList, float | None]:
        return views.group_sessions_answer(
            db, access, start=start, end=to, limit=limit, cursor=cursor
        )

    return await answer_kept_if_anonymous(request, anonymous=access.actor.is_anonymous, make=make)


@router.post(
    "/groups/{group_id}/sessions",
    tags=["sessions"],
    status_code=201,
    responses=problem_responses(401, 403, 404, s409=KEY_IN_FLIGHT),
)
def create_session(
    access: ManagedGroup, data: SessionCreate, db: DbSession, response: Response
) -> SessionRead:
    """Add a one-off meeting (facilitators of the group)."""
    session = service.create_session(db, access, data=data)
    located_at(response, f"/sessions/{session.id}")
    return views.get_session(db, meeting_of(access, session))


@router.get("/sessions/{session_id}", tags=["sessions"], responses=problem_responses(401, 403, 404))
def read_session(access: ReadableSession, db: DbSession) -> SessionRead:
    """One meeting, with your RSVP (links for members only)."""
    return views.get_session(db, access)


@router.patch(
    "/sessions/{session_id}",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404, s409="The meeting is over or has started."),
)
def update_session(
    access: ManagedSession,
    data: SessionUpdate,
    db: DbSession,
    settings: AppSettings,
) -> SessionRead:
    """Cancel, restore or move one meeting, or change its seats or place (facilitators).
    Members who RSVPd are told."""
    service.update_session(db, settings, access, data=data)
    return views.get_session(db, access)


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
    access: RsvpSession,
    data: RsvpWrite,
    db: DbSession,
    settings: AppSettings,
) -> MyRsvp:
    """Say whether you are going. When the meeting is full you join the waitlist, and a seat
    that frees up goes to the first person waiting."""
    wanted = RsvpStatus(data.status)
    return views.my_rsvp(db, rsvps.set_rsvp(db, settings, access, wanted=wanted))


# --- check-in and attendance ------------------------------------------------------------------


@router.get(
    "/sessions/{session_id}/check-in-code",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404, s409="Check-in is not open."),
)
def read_check_in_code(access: ManagedSession, db: DbSession, settings: AppSettings) -> CheckInCode:
    """The code to show the room (facilitators); from 30 minutes before the start to the end."""
    return attendance.check_in_code(db, settings, access)


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
    access: CheckInSession,
    data: CheckIn,
    db: DbSession,
    settings: AppSettings,
) -> AttendanceRead:
    """Check yourself in with the code shown in the room: present, or late after 10 minutes."""
    record = attendance.check_in(db, settings, access, code=data.code)
    return attendance.attendance_read(record)


@router.get(
    "/sessions/{session_id}/attendance",
    tags=["sessions"],
    responses=problem_responses(401, 403, 404),
)
def read_attendance(access: SheetSession, db: DbSession) -> AttendanceSheet:
    """The attendance sheet (facilitators, admins, `attendance:read` clients). Members who chose
    anonymous attendance are counted, and named only to admins."""
    return attendance.attendance_sheet(db, access)


@router.put(
    "/sessions/{session_id}/attendance",
    tags=["sessions"],
    responses=problem_responses(
        401, 403, 404, s409="Not open yet or cancelled.", s422="Unknown members."
    ),
)
def record_attendance(
    access: RecordingSession, data: AttendanceUpdate, db: DbSession, settings: AppSettings
) -> AttendanceSheet:
    """Record present, late, excused or absent for many members at once, all or nothing
    (facilitators, admins, `attendance:write` clients)."""
    attendance.record_attendance(db, settings, access, entries=data.records)
    return attendance.recorded_sheet(db, access, entries=data.records)


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
    access: ReportedGroup,
    db: DbSession,
    start: Annotated[
        Instant | None, Query(alias="from", description="RFC 3339; default: 90 days ago.")
    ] = None,
    to: Annotated[Instant | None, Query(description="RFC 3339, exclusive; default: now.")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> AttendanceReport | Response:
    """Per session and per member over [from, to) (facilitators, admins, `attendance:read`
    clients). Send `Accept: text/csv` for a spreadsheet."""
    report = views.attendance_report(db, access, start=start, end=to)
    if accept and "text/csv" in accept:
        return Response(
            views.report_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="attendance-report.csv"'},
        )
    return report


# --- mine -------------------------------------------------------------------------------------


@router.get("/me/sessions", tags=["me"], responses=problem_responses(401, 403))
def my_sessions(
    actor: CurrentActor,
    db: DbSession,
    start: From = None,
    to: To = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> MySessionList:
    """My upcoming meetings (of the groups I am in), with my RSVP."""
    page = views.my_sessions(db, actor=actor, start=start, end=to, limit=limit, cursor=cursor)
    return MySessionList(items=page.items, next_cursor=page.next_cursor)


@router.get("/me/attendance", tags=["me"], responses=problem_responses(401, 403))
def my_attendance(
    actor: CurrentActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> MyAttendanceList:
    """My attendance history, newest first."""
    page = views.my_attendance(db, actor=actor, limit=limit, cursor=cursor)
    return MyAttendanceList(items=page.items, next_cursor=page.next_cursor)


@router.get("/me/calendar-url", tags=["me"], responses=problem_responses(401, 403))
def my_calendar_url(actor: CurrentActor, db: DbSession, settings: AppSettings) -> CalendarUrl:
    """A secret calendar feed of my meetings, for any calendar app. Keep it private."""
    return CalendarUrl(url=calendar.feed_url(db, settings, actor=actor))


@router.delete(
    "/me/calendar-url", tags=["me"], status_code=204, responses=problem_responses(401, 403)
)
def revoke_my_calendar_url(actor: CurrentActor, db: DbSession) -> Response:
    """Turn off my calendar feed; asking for the URL again gives a new one."""
    calendar.revoke_feed(db, actor=actor)
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
def session_calendar(access: ReadableSession, db: DbSession) -> Response:
    """One meeting as an iCalendar file to add to any calendar app (whoever may read it).
    Neutral title unless you chose group names; the link only for those who may see it."""
    body = calendar.session_file(db, access)
    return Response(
        body,
        media_type=CALENDAR_TYPE,
        headers={"Content-Disposition": 'attachment; filename="circle-meeting.ics"'},
    )
