"""GET /api/v1/crisis-resources: open to anyone, built only from checked facts, and answering
while the database is down (SECURITY.md, "Crisis safety")."""

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from backend.core.access import public
from backend.core.config import Settings
from backend.core.routing import API_PREFIX
from backend.library import crisis, crisis_router
from backend.main import create_app
from tests.conftest import create_postgres_database
from tests.support.postgres import PostgresCluster
from tests.support.problems import assert_problem

URL = f"{API_PREFIX}/crisis-resources"
FACTS = Path(__file__).resolve().parents[3] / "shared" / "crisis-facts.md"
CHECKED_ON = "2026-11-28"
REGIONS = ["US", "CA", "GB", "IE", "AU", "NZ", "EU"]
METHODS = {"call", "text", "chat", "email", "web", "video"}


def with_crisis_route(app: FastAPI) -> FastAPI:
    """The app with the crisis route, whether or not backend/api.py includes it yet."""
    routes = iter_route_contexts(app.routes)
    if not any(getattr(route, "path", None) == URL for route in routes):
        app.include_router(crisis_router.router, prefix=API_PREFIX)
    return app


def make_app(tmp_path: Path, database_url: str) -> FastAPI:
    settings = Settings(
        database_url=database_url,
        var_dir=tmp_path / "var",
        frontend_dir=tmp_path / "none",
        outbox_interval_seconds=0,
    )
    return with_crisis_route(create_app(settings))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """An app whose SQLite database is never created: nothing here may need it."""
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'never-created.db'}")
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    assert not (tmp_path / "never-created.db").exists(), "the crisis route opened the database"


def get(client: TestClient, region: str | None = None) -> dict[str, Any]:
    response = client.get(URL, params={"region": region} if region is not None else None)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def entry(body: dict[str, Any], entry_id: str) -> dict[str, Any]:
    matches = [item for item in body["items"] if item["id"] == entry_id]
    assert len(matches) == 1, f"{entry_id} not listed once in {[i['id'] for i in body['items']]}"
    found: dict[str, Any] = matches[0]
    return found


def channels(item: dict[str, Any], method: str) -> list[dict[str, str]]:
    return [channel for channel in item["channels"] if channel["method"] == method]


def all_entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [*body["items"], *body["international"]]


# --- Who may call it ------------------------------------------------------------------------


def test_anyone_gets_every_region_without_signing_in(client: TestClient) -> None:
    body = get(client)
    assert body["region"] is None
    assert body["emergency"] is None
    assert {item["region"] for item in body["items"]} == set(REGIONS)


def test_a_stale_or_broken_token_does_not_stand_in_the_way(client: TestClient) -> None:
    response = client.get(
        URL, params={"region": "US"}, headers={"Authorization": "Bearer expired.or.broken"}
    )
    assert response.status_code == 200
    assert response.json()["emergency"]["id"] == "us-911"


def test_the_route_depends_on_nothing_but_the_public_rule(tmp_path: Path) -> None:
    """No database session and no authentication: only the public access rule."""
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'never-created.db'}")
    (route,) = [
        context.original_route
        for context in iter_route_contexts(app.routes)
        if getattr(context, "path", None) == URL
    ]
    assert isinstance(route, APIRoute)
    assert [dependency.call for dependency in route.dependant.dependencies] == [public]
    assert route.dependant.dependencies[0].dependencies == []
    assert route.tags == ["library"]


# --- What it lists --------------------------------------------------------------------------


def test_united_states(client: TestClient) -> None:
    body = get(client, "US")
    assert body["region"] == "US"

    emergency = body["emergency"]
    assert emergency["id"] == "us-911"
    assert emergency["kind"] == "emergency"
    assert [c["value"] for c in channels(emergency, "call")] == ["911"]
    assert body["items"][0] == emergency

    lifeline = entry(body, "us-988-lifeline")
    assert lifeline["hours"] == "24/7"
    assert {c["value"] for c in channels(lifeline, "call")} == {"988"}
    assert {c["value"] for c in channels(lifeline, "text")} == {"988"}
    assert [c["value"] for c in channels(lifeline, "chat")] == ["https://988lifeline.org/chat"]
    assert any("press 2 for Spanish" in c["instructions"] for c in channels(lifeline, "call"))
    assert any("AYUDA" in c["instructions"] for c in channels(lifeline, "text"))
    assert "es" in lifeline["languages"]

    text_line = entry(body, "us-crisis-text-line")
    texts = channels(text_line, "text")
    assert {c["value"] for c in texts} == {"741741"}
    assert "Text HOME to 741741" in [c["instructions"] for c in texts]
    assert "Text AYUDA to 741741 for Spanish" in [c["instructions"] for c in texts]

    trevor = entry(body, "us-trevor-project")
    assert trevor["name"] == "The Trevor Project"
    assert [c["value"] for c in channels(trevor, "call")] == ["1-866-488-7386"]
    assert [c["instructions"] for c in channels(trevor, "text")] == ["Text START to 678-678"]

    veterans = entry(body, "us-veterans-crisis-line")
    assert channels(veterans, "call") == [
        {"method": "call", "value": "988", "instructions": "Call 988, then press 1"}
    ]
    assert [c["value"] for c in channels(veterans, "text")] == ["838255"]

    trans = entry(body, "us-trans-lifeline")
    assert trans["hours"] != "24/7"
    assert trans["hours"].startswith("Mon")
    assert trans["hours"].endswith("6pm PT")
    assert "not open 24/7" in trans["notes"]

    nami = entry(body, "us-nami-helpline")
    assert nami["kind"] == "helpline"
    assert nami["notes"].startswith("Not a crisis line")

    assert entry(body, "us-samhsa-national-helpline")["kind"] == "helpline"


def test_emergency_first_then_lines_open_around_the_clock(client: TestClient) -> None:
    for region in REGIONS:
        body = get(client, region)
        items = body["items"]
        assert items, region
        if body["emergency"] is not None:
            assert items[0] == body["emergency"], region
            items = items[1:]
        assert all(item["kind"] != "emergency" for item in items), region
        always_open = [item["hours"] == "24/7" for item in items]
        assert always_open == sorted(always_open, reverse=True), region


@pytest.mark.parametrize(
    ("region", "emergency", "expected"),
    [
        ("CA", None, {"ca-988", "ca-kids-help-phone", "ca-trans-lifeline"}),
        ("GB", "gb-999", {"gb-samaritans", "gb-shout", "gb-nhs-111"}),
        ("IE", "ie-112", {"ie-samaritans", "ie-50808"}),
        ("AU", "au-000", {"au-lifeline", "au-beyond-blue"}),
        ("NZ", "nz-111", {"nz-1737", "nz-lifeline-aotearoa"}),
        ("EU", "eu-112", {"eu-116-123"}),
    ],
)
def test_other_regions(
    client: TestClient, region: str, emergency: str | None, expected: set[str]
) -> None:
    body = get(client, region)
    assert (body["emergency"] or {}).get("id") == emergency
    assert expected <= {item["id"] for item in body["items"]}
    assert {item["region"] for item in body["items"]} == {region}


def test_canada_has_no_emergency_entry_because_the_facts_hold_none(client: TestClient) -> None:
    """crisis-facts.md has no row for Canada's emergency number; nothing is added from memory.
    The disclaimer still tells people to call their local emergency number."""
    body = get(client, "CA")
    assert body["emergency"] is None
    assert entry(body, "ca-988")["hours"] == "24/7"


def test_every_entry_is_dated_sourced_and_reachable(client: TestClient) -> None:
    body = get(client)
    for item in all_entries(body):
        assert item["verified_on"] == CHECKED_ON, item["id"]
        assert item["source"], item["id"]
        assert item["hours"], item["id"]
        assert item["channels"], item["id"]
        for channel in item["channels"]:
            assert channel["method"] in METHODS, item["id"]
            assert channel["value"], item["id"]
            assert channel["instructions"], item["id"]
    assert body["verified_on"] == CHECKED_ON


@pytest.mark.parametrize("region", [None, *REGIONS, "FR", "JP", "ZZ"])
def test_the_international_fallback_is_shown_everywhere(
    client: TestClient, region: str | None
) -> None:
    international = get(client, region)["international"]
    assert [item["id"] for item in international] == [
        "int-find-a-helpline",
        "int-befrienders-worldwide",
    ]
    for item in international:
        assert item["region"] is None
        assert item["kind"] == "directory"
        assert channels(item, "web")[0]["value"].startswith("https://")


def test_a_region_without_entries_gets_the_fallback_and_the_disclaimer(
    client: TestClient,
) -> None:
    body = get(client, "JP")
    assert body["region"] == "JP"
    assert body["items"] == []
    assert body["emergency"] is None
    assert body["international"]
    assert "not a crisis service" in body["not_a_crisis_service"]
    assert body["verified_on"] == CHECKED_ON


def test_an_eu_country_without_entries_gets_112(client: TestClient) -> None:
    body = get(client, "fr")
    assert body["region"] == "FR"
    assert body["emergency"]["id"] == "eu-112"
    assert [c["value"] for c in channels(body["emergency"], "call")] == ["112"]


def test_lower_case_and_uk_are_understood(client: TestClient) -> None:
    upper = get(client, "US")
    assert get(client, "us") == upper
    assert get(client, "uK")["region"] == "GB"
    assert get(client, "UK")["items"] == get(client, "GB")["items"]


@pytest.mark.parametrize("region", ["USA", "1", "U", "12", "U1", "U-", "ÜS"])
def test_a_malformed_region_is_a_validation_problem(client: TestClient, region: str) -> None:
    body = assert_problem(client.get(URL, params={"region": region}), 422)
    assert body["type"] == "urn:strength-circles:problem:validation"
    assert [error["loc"] for error in body["errors"]] == [["query", "region"]]


@pytest.mark.parametrize("region", [None, "US", "JP"])
def test_it_says_it_is_not_a_crisis_service(client: TestClient, region: str | None) -> None:
    text = get(client, region)["not_a_crisis_service"]
    assert "Strength Circles" in text
    assert "not a crisis service" in text
    assert "immediate danger" in text
    assert "local emergency number" in text


# --- The data file --------------------------------------------------------------------------


def data_text() -> str:
    return (resources.files(crisis.DATA_PACKAGE) / crisis.DATA_FILE).read_text(encoding="utf-8")


def test_the_data_file_ships_in_the_package_and_validates() -> None:
    data = crisis.CrisisData.model_validate_json(data_text())
    assert data == crisis.load_crisis_data()
    assert {entry.region for entry in data.resources} == set(REGIONS)
    assert all(entry.verified_on.isoformat() == CHECKED_ON for entry in data.resources)
    assert len(data.eu_member_states) == 27
    assert "GB" not in data.eu_member_states


def test_the_data_model_refuses_inconsistent_files() -> None:
    data = crisis.load_crisis_data().model_dump(mode="json")
    data["resources"].append(dict(data["resources"][0]))  # a second us-911
    with pytest.raises(ValueError, match="duplicate ids"):
        crisis.CrisisData.model_validate(data)
    data = crisis.load_crisis_data().model_dump(mode="json")
    data["resources"][0]["phone"] = "911"
    with pytest.raises(ValueError, match="Extra inputs"):
        crisis.CrisisData.model_validate(data)


def _normalised(text: str) -> str:
    return re.sub(r"[\s*\-()]", "", text)


def dialled_numbers() -> list[str]:
    """Every number or short code a person would call or text, from values and instructions."""
    numbers = []
    for item in crisis.load_crisis_data().resources:
        for channel in item.channels:
            if channel.method in ("call", "text", "video") or not channel.value.startswith(
                ("https://", "http://")
            ):
                numbers.append(channel.value)
            numbers += re.findall(r"\d[\d -]*\d", channel.instructions)
    return sorted({n for n in numbers if re.search(r"\d", n)})


def test_every_number_comes_from_crisis_facts() -> None:
    if not FACTS.is_file():
        pytest.skip(f"{FACTS} is not here, so the numbers cannot be checked against it")
    facts = _normalised(FACTS.read_text(encoding="utf-8"))
    numbers = dialled_numbers()
    assert "988" in numbers  # the check does look at the numbers
    assert "741741" in numbers
    missing = [number for number in numbers if _normalised(number) not in facts]
    assert missing == [], f"not in {FACTS.name}: {missing}"


@pytest.mark.parametrize(
    ("left_out", "why"),
    [
        ("press 3", "988's LGBTQ+ youth line ended on 17 Jul 2025"),
        ("PRIDE", "988's LGBTQ+ youth text and chat routes ended with it"),
        ("HOLA", "Crisis Text Line's Spanish keyword is AYUDA"),
        ("202-304-1200", "Trevor Project's old text number is obsolete"),
        ("66746", "Disaster Distress Helpline's old text code is outdated"),
        ("799-4889", "the Veterans Crisis Line TTY number is unconfirmed (U)"),
        ("711", "'TTY: 711 then 988' is unconfirmed (U)"),
        ("TEXTO", "Kids Help Phone's old keywords were replaced by CONNECT"),
        ("iasp", "the IASP directory is unconfirmed (U)"),
    ],
)
def test_unconfirmed_and_ended_routes_are_left_out(left_out: str, why: str) -> None:
    assert left_out.lower() not in data_text().lower(), why


def test_nhs_111_names_the_mental_health_option_not_a_digit() -> None:
    (nhs,) = [e for e in crisis.load_crisis_data().resources if e.id == "gb-nhs-111"]
    text = " ".join([*(c.instructions for c in nhs.channels), nhs.notes or "", nhs.audience or ""])
    assert "mental health option" in text
    assert re.findall(r"\d+", text) == ["111"], "no menu digits: the NHS says 'choose the option'"


# --- With the database down -----------------------------------------------------------------


def assert_answers_without_the_database(client: TestClient) -> None:
    assert_problem(client.get("/readyz"), 503)
    body = get(client, "US")
    assert body["emergency"]["id"] == "us-911"
    assert entry(body, "us-988-lifeline")
    assert body["international"]
    assert get(client)["items"]


def test_answers_with_postgres_stopped(postgres_cluster: PostgresCluster, tmp_path: Path) -> None:
    app = make_app(tmp_path, create_postgres_database(postgres_cluster, "crisis"))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200
        postgres_cluster.stop()
        try:
            assert_answers_without_the_database(client)
        finally:
            postgres_cluster.start()


def test_answers_when_the_sqlite_file_cannot_be_opened(tmp_path: Path) -> None:
    database_file = tmp_path / "data" / "circles.db"
    database_file.mkdir(parents=True)  # a folder where the file should be: cannot be opened
    app = make_app(tmp_path, f"sqlite:///{database_file}")
    with TestClient(app, raise_server_exceptions=False) as client:
        assert_answers_without_the_database(client)


def test_an_answer_held_already_is_revalidated_with_its_etag(client: TestClient) -> None:
    first = client.get(URL, params={"region": "us"})
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"  # kept, and checked before use
    again = client.get(URL, params={"region": "US"}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # Another region's answer is another document with another tag.
    canada = client.get(URL, params={"region": "CA"}, headers={"If-None-Match": etag})
    assert canada.status_code == 200
    assert canada.headers["etag"] != etag
    assert canada.json()["region"] == "CA"
    stale = client.get(URL, params={"region": "US"}, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale.json() == first.json()
