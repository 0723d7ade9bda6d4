"""Crisis lines and emergency numbers, from a JSON file shipped with the code.

Nothing here touches the database, so ``GET /crisis-resources`` answers while it is down
(SECURITY.md, "Crisis safety"). Every number in ``crisis_resources.json`` comes from the V and V2
rows of crisis-facts.md, never from memory, and each entry carries the date it was checked.
"""

from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from backend.core.public_cache import etag_of
from backend.core.vocabulary import LanguageCode

DATA_PACKAGE = "backend.library"
DATA_FILE = "crisis_resources.json"
ALWAYS_OPEN = "24/7"
EU = "EU"
# Codes people use that are not the ISO code of the country.
REGION_ALIASES = {"UK": "GB"}

NOT_A_CRISIS_SERVICE = (
    "Strength Circles is peer support, not a crisis service. If you or someone else is in "
    "immediate danger, call your local emergency number now."
)

RegionCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="An ISO 3166-1 alpha-2 code such as 'US', or 'EU' for the European Union."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
ChannelMethod = Literal["call", "text", "chat", "email", "web", "video"]
ResourceKind = Literal["emergency", "crisis_line", "text_line", "helpline", "directory"]


class _Data(BaseModel):
    # The same models validate the shipped file and describe the response: a typo in the file
    # is an error, not a silently dropped field.
    model_config = ConfigDict(extra="forbid", frozen=True)


class CrisisChannel(_Data):
    method: ChannelMethod = Field(description="How to reach the service.")
    value: Text = Field(
        description="What to dial, text or open: a number such as '988', an address or a URL."
    )
    instructions: Text = Field(
        description="What to do, in words: 'Text HOME to 741741', 'Call 988, then press 1'."
    )


class CrisisResource(_Data):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
    name: Text
    region: RegionCode | None = Field(
        description="Where the service is for; null for services that serve every country."
    )
    kind: ResourceKind = Field(
        description="emergency: the emergency number. crisis_line and text_line: support in a "
        "crisis. helpline: information, referral or support, not for emergencies. "
        "directory: a list of services around the world."
    )
    channels: list[CrisisChannel] = Field(min_length=1)
    hours: Text = Field(
        description=f"Opening hours in plain words; exactly '{ALWAYS_OPEN}' when always open."
    )
    languages: list[LanguageCode] = Field(
        description="Languages the service answers in; empty when it depends on the place."
    )
    audience: Text | None = Field(default=None, description="Who the service is for, if not all.")
    notes: Text | None = None
    verified_on: date = Field(description="When these details were last checked.")
    source: Text = Field(description="Where these details were checked.")


class CrisisData(_Data):
    """The shape of ``crisis_resources.json``."""

    about: str
    eu_member_states: frozenset[RegionCode] = Field(
        description="Countries without entries of their own that get the EU-wide entries."
    )
    resources: list[CrisisResource]
    international: list[CrisisResource] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "CrisisData":
        ids = [entry.id for entry in [*self.resources, *self.international]]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate ids: {duplicates}")
        if any(entry.region is None for entry in self.resources):
            raise ValueError("every entry of 'resources' needs a region")
        if any(entry.region is not None for entry in self.international):
            raise ValueError("entries of 'international' have region null")
        emergencies = [entry.region for entry in self.resources if entry.kind == "emergency"]
        if len(emergencies) != len(set(emergencies)):
            raise ValueError("a region has more than one emergency entry")
        return self


class CrisisResources(BaseModel):
    region: RegionCode | None = Field(
        description="The region asked for, in upper case; null when none was given."
    )
    not_a_crisis_service: str = Field(
        description="Strength Circles is not a crisis service: show this with the list."
    )
    emergency: CrisisResource | None = Field(
        description="The region's emergency number; null without a region or when none is known."
    )
    items: list[CrisisResource] = Field(
        description="The region's services (every region's without one): the emergency number "
        "first, then the lines open 24/7, then the rest."
    )
    international: list[CrisisResource] = Field(
        description="Directories of helplines in every country, shown whatever the region."
    )
    verified_on: date = Field(description="The newest check date among the entries shown.")
    eu_member_states: list[RegionCode] = Field(
        description="Countries without entries of their own that the EU-wide entries serve, so "
        "a client holding every region's list can pick a region itself (offline, say)."
    )


@lru_cache(maxsize=1)
def load_crisis_data() -> CrisisData:
    """The shipped data, read and validated once per process."""
    text = (resources.files(DATA_PACKAGE) / DATA_FILE).read_text(encoding="utf-8")
    return CrisisData.model_validate_json(text)


def _rank(entry: CrisisResource) -> int:
    if entry.kind == "emergency":
        return 0
    if entry.hours == ALWAYS_OPEN:
        return 1 if entry.kind in ("crisis_line", "text_line") else 2
    return 3


def _ordered(entries: list[CrisisResource]) -> list[CrisisResource]:
    """Grouped by region in the file's order; in each region, emergency first, then 24/7."""
    regions = list(dict.fromkeys(entry.region for entry in entries))
    return sorted(entries, key=lambda entry: (regions.index(entry.region), _rank(entry)))


def region_code(region: str | None) -> str | None:
    """The region asked for, as the data names it (any case; 'UK' means GB)."""
    if not region:
        return None
    return REGION_ALIASES.get(region.upper(), region.upper())


@lru_cache(maxsize=1024)  # bounded: at most 26 x 26 two-letter codes, and None
def crisis_resources_json(code: str | None) -> tuple[bytes, str]:
    """``crisis_resources`` for a region code, as the JSON body and its ETag. The data ships
    with the code, so each region's answer is made once per process."""
    body = crisis_resources(code).model_dump_json(by_alias=True).encode()
    return body, etag_of(body)


def crisis_resources(region: str | None) -> CrisisResources:
    """The services for ``region`` (any case; 'UK' means GB), or every region's for None."""
    data = load_crisis_data()
    code = region_code(region)
    if code is None:
        entries = list(data.resources)
    else:
        entries = [entry for entry in data.resources if entry.region == code]
        if not entries and code in data.eu_member_states:
            entries = [entry for entry in data.resources if entry.region == EU]
    items = _ordered(entries)
    emergency = None
    if code is not None:
        emergency = next((entry for entry in items if entry.kind == "emergency"), None)
    return CrisisResources(
        region=code,
        not_a_crisis_service=NOT_A_CRISIS_SERVICE,
        emergency=emergency,
        items=items,
        international=list(data.international),
        verified_on=max(entry.verified_on for entry in [*items, *data.international]),
        eu_member_states=sorted(data.eu_member_states),
    )
