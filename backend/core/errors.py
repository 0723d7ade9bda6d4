"""One error format for every response: RFC 9457 problem details (application/problem+json).

Domains raise subclasses of ``AppError`` (``class GroupFull(Conflict)``); the handlers here are
the only place that turns an exception into a response.
"""

import logging
import sqlite3
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from backend.core.db import is_database_unavailable

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:strength-circles:problem:"
DATABASE_RETRY_AFTER_SECONDS = 5


class ValidationIssue(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is, e.g. ['body', 'email'].")
    msg: str = Field(description="What is wrong, in words a person can act on.")
    type: str = Field(description="A stable machine-readable code for the kind of problem.")


class Problem(BaseModel):
    """An RFC 9457 problem details object. Some kinds add members of their own (the token
    endpoint adds OAuth's ``error`` and ``error_description``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", description="A URI that identifies the kind.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What happened in this case.")
    instance: str | None = Field(default=None, description="The request path.")
    request_id: str | None = Field(default=None, description="Quote it when asking for help.")
    errors: list[ValidationIssue] | None = Field(
        default=None, description="Each invalid field, for validation errors."
    )


_STANDARD_DESCRIPTIONS = {
    400: "The request cannot be carried out as sent.",
    401: "No valid access token: sign in, or refresh the token.",
    403: "The caller may not do this.",
    404: "Not found, or not visible to the caller.",
    409: "The request conflicts with the current state.",
    429: "Too many attempts; wait for the number of seconds in Retry-After.",
    503: "The database cannot be reached; retry after Retry-After seconds.",
}


# The 409 of a creating POST sent twice at once with one Idempotency-Key (core.idempotency).
KEY_IN_FLIGHT = (
    "The same request, with the same Idempotency-Key, is still being handled: ask again after "
    "Retry-After seconds for its answer."
)


def problem_responses(*statuses: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for the errors a route declares: ``problem_responses(401, 404)``,
    or with a route-specific text: ``problem_responses(s409="The email is taken.")``."""
    responses: dict[int | str, dict[str, Any]] = {
        status: {"model": Problem, "description": _STANDARD_DESCRIPTIONS[status]}
        for status in statuses
    }
    for key, description in described.items():
        responses[int(key.removeprefix("s"))] = {"model": Problem, "description": description}
    return responses


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


class AppError(Exception):
    """Base of every expected error. Subclasses set status, title and a type slug."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str | None] = None
    detail: str | None = None

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None):
        self.detail = detail or self.detail
        self.headers = headers or {}
        super().__init__(self.detail or self.title)

    @property
    def extensions(self) -> dict[str, Any]:
        """Extra members of the problem body for this kind of error."""
        return {}

    @property
    def issues(self) -> Sequence[ValidationIssue] | None:
        """Each field the refusal is about, as a validation error lists them, so a form can
        show the words next to the field (e.g. a change the whole record must agree with)."""
        return None


class BadRequest(AppError):
    status = 400
    title = "Bad request"


class Unauthorized(AppError):
    status = 401
    title = "Authentication required"

    def __init__(self, detail: str | None = None):
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status = 403
    title = "Not allowed"


class NotFound(AppError):
    status = 404
    title = "Not found"
    detail = "Nothing exists at this address, or you do not have access to it."


class Conflict(AppError):
    status = 409
    title = "Conflict"


class ConcurrentChange(Conflict):
    """A write that collided with another request's at the same moment, where no rule of the
    domain had a kinder answer ready (see ``core.uniqueness``)."""

    slug = "concurrent-change"
    title = "Changed at the same moment"
    detail = (
        "This was changed by another request at the same moment, so nothing was saved from "
        "this one. Reload to see how things stand now, and try again if you still need to."
    )


class UnprocessableContent(AppError):
    status = 422
    title = "Invalid request"


class UnsupportedMediaType(AppError):
    status = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"
    detail = "Send the request body as JSON with the header Content-Type: application/json."


class TooManyRequests(AppError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int):
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class Gone(AppError):
    status = 410
    title = "Gone"


class Busy(AppError):
    status = 503
    title = "Busy"
    slug = "busy"
    detail = (
        "Many people are signing in or setting passwords right now. Please try again in a "
        "few seconds."
    )

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "2"})


class ServiceUnavailable(AppError):
    status = 503
    title = "Service temporarily unavailable"
    slug = "database-unavailable"
    detail = "The database cannot be reached right now. Please try again in a few seconds."

    def __init__(self, detail: str | None = None):
        super().__init__(detail, headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})


class ContentTooLarge(StarletteHTTPException):
    """Raised while reading a body past the limit; an HTTPException so that FastAPI's body
    parsing lets it through to the handler unchanged."""

    def __init__(self, limit_bytes: int):
        super().__init__(
            status_code=413,
            detail=f"The request body is larger than the limit of {limit_bytes} bytes.",
        )


# Human-readable details for the statuses the framework raises itself.
_HTTP_DETAILS = {
    404: NotFound.detail,
    405: "This address does not accept that method; the Allow header lists the ones it does.",
}


def problem_response(
    request: Request,
    *,
    status: int,
    title: str | None = None,
    detail: str | None = None,
    slug: str | None = None,
    errors: Sequence[ValidationIssue] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> ProblemResponse:
    problem = Problem(
        **(extensions or {}),
        type=f"{PROBLEM_TYPE_PREFIX}{slug}" if slug else "about:blank",
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        errors=list(errors) if errors is not None else None,
    )
    return ProblemResponse(
        problem.model_dump(exclude_none=True), status_code=status, headers=headers
    )


async def _app_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        request,
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        slug=exc.slug,
        headers=exc.headers,
        extensions=exc.extensions,
        errors=exc.issues,
    )


async def _http_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    default_phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if exc.detail and exc.detail != default_phrase else None
    return problem_response(
        request,
        status=exc.status_code,
        detail=detail or _HTTP_DETAILS.get(exc.status_code),
        headers=dict(exc.headers or {}),
    )


def _issue_message(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")
        return (
            f"The body is not valid JSON ({reason})." if reason else "The body is not valid JSON."
        )
    if error.get("type") == "extra_forbidden":
        return "This field is not accepted here; check its spelling or remove it."
    # Pydantic prefixes messages of our own validators with "Value error, ".
    return str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")


# An answer about a bad body stays small whatever the body: a body of thousands of unknown
# fields would otherwise get an answer many times its own size.
MAX_LISTED_ISSUES = 20
MAX_ECHOED_NAME = 100


def _echoed(part: Any) -> Any:
    """A location part as the answer shows it: field names the caller sent, shortened."""
    if isinstance(part, str) and len(part) > MAX_ECHOED_NAME:
        return part[: MAX_ECHOED_NAME - 1] + "…"
    return part


async def _validation_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    issues = [
        ValidationIssue(
            loc=[_echoed(part) for part in jsonable_encoder(error.get("loc", ()))],
            msg=_issue_message(error),
            type=str(error.get("type", "invalid")),
        )
        for error in errors[:MAX_LISTED_ISSUES]
    ]
    count = len(errors)
    detail = (
        f"{count} field{'s' if count != 1 else ''} need{'s' if count == 1 else ''} attention; "
        + (
            "see errors."
            if count <= MAX_LISTED_ISSUES
            else f"the first {MAX_LISTED_ISSUES} are in errors."
        )
    )
    return problem_response(
        request,
        status=422,
        title="Invalid request",
        slug="validation",
        detail=detail,
        errors=issues,
    )


class UnstorableCharacter(UnprocessableContent):
    slug = "unstorable-character"
    detail = (
        "The request holds a character that cannot be stored or searched for (a NUL, code 0). "
        "Remove it and try again."
    )


async def _database_error(request: Request, exc: Exception) -> ProblemResponse:
    # PostgreSQL text cannot hold NUL: the caller's input, not an outage and not a bug. The
    # request's transaction is rolled back as for any error, so nothing is half written.
    if isinstance(exc, DataError) and "0x00" in str(exc.orig):
        return await _app_error(request, UnstorableCharacter())
    if not is_database_unavailable(exc):
        raise exc
    logger.warning("database unavailable: %s", type(exc).__name__)
    return await _app_error(request, ServiceUnavailable())


def _what_collided(exc: Exception) -> str:
    """The constraint (or kind of error) behind a collision, for the log: never the values,
    which PostgreSQL spells out in its message ("Key (email)=(...) already exists")."""
    if isinstance(exc, IntegrityError):
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        if constraint:
            return f"constraint {constraint}"
        if isinstance(exc.orig, sqlite3.IntegrityError):
            return str(exc.orig)  # "UNIQUE constraint failed: bookmark.user_id, ...": names only
        return type(exc.orig).__name__
    return type(exc).__name__


async def _concurrent_change(request: Request, exc: Exception) -> ProblemResponse:
    # Two requests wrote the same thing at once (a double click, most often) and the database
    # refused the second: the caller's situation, not a bug of theirs and not an outage. The
    # request's transaction is rolled back by get_db, so nothing of it is kept.
    # The request's own log line (same request id) names the route.
    logger.warning("write collided with another request, answered 409: %s", _what_collided(exc))
    return await _app_error(request, ConcurrentChange())


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DBAPIError, _database_error)
    # More specific than DBAPIError, so chosen first for a unique or foreign key collision.
    app.add_exception_handler(IntegrityError, _concurrent_change)
    app.add_exception_handler(StaleDataError, _concurrent_change)
