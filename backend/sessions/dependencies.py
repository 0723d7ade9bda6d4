"""Who may call the sessions routes, as one ``Actor`` each: integrators' scopes included."""

from typing import Annotated

from fastapi import Security

from backend.accounts.actor import Actor
from backend.accounts.dependencies import get_actor, get_optional_actor
from backend.accounts.schemas import Scope

# Meetings are public for listed groups; integrators read every group's with sessions:read.
SessionReader = Annotated[Actor, Security(get_optional_actor, scopes=[Scope.sessions_read])]
# Attendance: facilitators of the group and admins, or integrators with the scope.
AttendanceReader = Annotated[Actor, Security(get_actor, scopes=[Scope.attendance_read])]
AttendanceWriter = Annotated[Actor, Security(get_actor, scopes=[Scope.attendance_write])]
