"""The route class of the API: a JSON body must be sent as JSON (415 otherwise)."""

import functools
import inspect
import re
from collections.abc import Callable, Coroutine
from email.message import Message
from typing import Any

from fastapi import params
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from backend.core.db import commit_request_session
from backend.core.errors import UnsupportedMediaType

API_PREFIX = "/api/v1"
# A sentence ends at . ? or ! followed by a space and what starts the next one (a capital, a
# backtick, a quote or a bracket); "e.g." and "i.e." end none, and "(366 days at most per
# request)" stays inside its sentence.
_SENTENCE_END = re.compile(r"(?<=[.?!])(?<!\be\.g\.)(?<!\bi\.e\.)\s+(?=[A-Z`\"'(\[])")


def located_at(response: Response, path: str) -> None:
    """Say where a record just created is read (``Location``): a replay of its request under
    the same Idempotency-Key reads it there again, as the caller may see it now."""
    response.headers["Location"] = API_PREFIX + path


def summary_of(doc: str) -> str:
    """The first sentence of the first paragraph of a docstring, its wrapped lines joined: the
    OpenAPI summary of a route. A paragraph without a full stop is one sentence and gets one."""
    paragraph = " ".join(doc.strip().split("\n\n", 1)[0].split())
    first = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
    return first if first.endswith((".", "?", "!")) else f"{first}."


def is_json_media_type(content_type: str) -> bool:
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return "chunked" in request.headers.get("transfer-encoding", "").lower()


def in_one_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` as a coroutine that runs it in a worker thread, or itself if it is one.

    FastAPI runs a sync endpoint in a worker thread and then, because it is sync, validates
    and serialises its answer in another; as a coroutine, the answer is handled on the event
    loop, which is pure computation. The same thread commits the request's transaction when
    the endpoint returns (before anything is sent, as get_db promises), so get_db only closes
    the session. The signature and name are the endpoint's own (``functools.wraps``), so
    parameters, dependencies and the OpenAPI are unchanged.
    """
    if inspect.iscoroutinefunction(endpoint) or not inspect.isfunction(endpoint):
        return endpoint

    def call_and_commit(*args: Any, **kwargs: Any) -> Any:
        answer = endpoint(*args, **kwargs)
        commit_request_session()  # in this thread: get_db then closes without another hop
        return answer

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(call_and_commit, *args, **kwargs)

    return run


class JSONRoute(APIRoute):
    """The route class of every API router.

    - The first sentence of the endpoint's docstring is the OpenAPI summary (the whole
      docstring stays the description), so /docs reads "The caller's own profile and privacy
      choices." rather than "Read Me", and a sentence wrapped over two lines is not cut.
    - A JSON body sent in another format gets 415: without this FastAPI reads it as raw bytes
      and answers with a confusing 422.
    - A sync endpoint runs in a worker thread as always, but its answer is checked and
      serialised back on the event loop: FastAPI would take a second thread hop for that,
      which cost more than a short read itself (see ``in_one_thread``).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        doc = inspect.getdoc(endpoint)
        if kwargs.get("summary") is None and doc:
            kwargs["summary"] = summary_of(doc)
        super().__init__(path, in_one_thread(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        body_field = self.body_field
        if body_field is None or isinstance(body_field.field_info, params.Form):
            return handler

        async def handler_requiring_json(request: Request) -> Response:
            content_type = request.headers.get("content-type", "")
            if _has_body(request) and not is_json_media_type(content_type):
                raise UnsupportedMediaType()
            return await handler(request)

        return handler_requiring_json
