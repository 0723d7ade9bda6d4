"""Crisis lines and emergency numbers: public, and served without the database."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.core.access import Public
from backend.core.routing import JSONRoute
from backend.library import crisis
from backend.library.crisis import CrisisResources

router = APIRouter(route_class=JSONRoute)

# Read and validate the shipped data when the app starts: a broken file stops the start,
# rather than failing a person in crisis later.
crisis.load_crisis_data()


@router.get("/crisis-resources", tags=["library"], dependencies=[Public])
async def list_crisis_resources(
    region: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z]{2}$",
            description="A two-letter ISO 3166-1 country code such as 'US' (any case; 'UK' "
            "is read as 'GB'), or 'EU'. Without it, every region's services are listed.",
        ),
    ] = None,
) -> CrisisResources:
    """Crisis lines and emergency numbers for a region.

    Open to anyone, and served from data shipped with the code, so it answers while the
    database is down. Each entry says when it was last checked. The international directories
    are always included, for regions with no entries of their own.
    """
    # async: no I/O here, so the answer does not wait for a worker thread that may be stuck on
    # an unreachable database.
    return crisis.crisis_resources(region)
