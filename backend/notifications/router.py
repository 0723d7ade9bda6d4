"""Development-only pages of the outbox: main.py mounts them only outside production, and
they are not part of the API document (a production server does not have them)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse

from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import NotFound
from backend.core.routing import JSONRoute
from backend.notifications import dev_mail, service
from backend.notifications.schemas import DevMailRead

PAGE_SIZE = 50
LOOPBACK = frozenset({"127.0.0.1", "::1"})
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")


def from_this_machine(request: Request) -> None:
    """The pages show everyone's mail, reset links included: only to a browser on the machine
    the server runs on, so a development server reachable from a network shows them to no one
    else (a missing CIRCLES_ENV=production must not leak them either). The connection must come
    from loopback, be addressed to a loopback name (a DNS-rebinding page names its own host),
    and carry no proxy's forwarding headers (a proxy on the same machine connects from
    loopback on behalf of anyone)."""
    host = request.headers.get("host", "").lower()
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    if (
        request.client is None
        or request.client.host not in LOOPBACK
        or name not in LOOPBACK_NAMES
        or any(header in request.headers for header in PROXY_HEADERS)
    ):
        raise NotFound()


router = APIRouter(
    prefix="/dev/mail",
    route_class=JSONRoute,
    include_in_schema=False,
    dependencies=[Depends(from_this_machine)],
)


@router.get("", dependencies=[Public], response_class=HTMLResponse)
def mail_page(db: DbSession) -> HTMLResponse:
    """Show the newest emails in the outbox as a page whose links a browser can follow."""
    messages = service.newest_messages(db, limit=PAGE_SIZE)
    return HTMLResponse(dev_mail.render_page(messages, limit=PAGE_SIZE))


@router.get("/latest", dependencies=[Public])
def latest_mail(
    db: DbSession, to: Annotated[str, Query(min_length=1, max_length=254)]
) -> DevMailRead:
    """Answer with the newest email queued for one address (for end-to-end tests)."""
    message = service.newest_message_to(db, to_address=to)
    if message is None:
        raise NotFound("No email to this address has been queued yet.")
    return DevMailRead(
        to=message.to_address,
        subject=message.subject,
        body_text=message.body_text,
        created_at=message.created_at,
    )
