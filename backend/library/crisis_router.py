"""Crisis lines and emergency numbers: public, and served without the database."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from starlette.responses import Response

from backend.core.access import Public
from backend.core.public_cache import shipped_json
from backend.core.routing import JSONRoute
from backend.library import crisis
from backend.library.crisis import CrisisResources

router = APIRouter(route_class=JSONRoute)

# Read and validate the shipped data when the app starts: a broken file stops the start,
# rather than failing a person in crisis later.
crisis.load_crisis_data()


@router.get(
    "/crisis-resources",
    tags=["library"],
    dependencies=[Public],
    response_model=CrisisResources,
    responses={304: {"description": "Not modified: the answer with this ETag still holds."}},
)
async def list_crisis_resources(
    request: Request,
    if_none_match: Annotated[
        str | None,
        Header(description="The ETag of an answer you hold: 304 while it still holds."),
    ] = None,
    region: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z]{2}$",
            description="A two-letter ISO 3166-1 country code such as 'US' (any case; 'UK' "
            "is read as 'GB'), or 'EU'. Without it, every region's services are listed.",
        ),
    ] = None,
) -> Response:
    """Crisis lines and emergency numbers for a region.

    Open to anyone, and served from data shipped with the code, so it answers while the
    database is down. Each entry says when it was last checked. The international directories
    are always included, for regions with no entries of their own.
    """
    # async: no I/O here, so the answer does not wait for a worker thread that may be stuck on
    # an unreachable database. Each region's answer is made once, and anonymous reads of it
    # are then served before routing; an ETag lets a client that has it already (the
    # installed app, say) revalidate with a 304.
    body, etag = crisis.crisis_resources_json(crisis.region_code(region))
    return shipped_json(request, body, etag, if_none_match=if_none_match)
