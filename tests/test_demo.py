"""The demo content (demo/): every file validates as what the API would take, the files fit
together, bad content fails naming its file and field, and none of it lives in the package."""

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from backend.demo import (
    GROUPS,
    LIBRARY,
    MENTORING,
    PEOPLE,
    STORIES,
    DemoContentError,
    demo_files,
    load_demo,
    load_file,
)
from backend.library.models import ResourceType
from backend.topics.models import Topic
from tests.support.demo import DEMO_DIR, demo_content

BACKEND = Path(__file__).resolve().parents[1] / "backend"
CRISIS_RESOURCES = BACKEND / "library" / "crisis_resources.json"
FICTIONAL_PHONE = re.compile(r"\b555[ -]?01\d\d$")


@pytest.mark.parametrize(
    "path", demo_files(DEMO_DIR), ids=lambda path: str(path.relative_to(DEMO_DIR))
)
def test_every_demo_file_validates(path: Path) -> None:
    load_file(DEMO_DIR, path)


def test_the_demo_files_fit_together() -> None:
    demo = load_demo(DEMO_DIR)
    assert demo.facilitator.email == "facilitator@example.org"
    assert demo.admin.email == "admin@example.org"
    # What the browser tests (frontend/e2e) and the README count on.
    assert {"Rainbow Circle", "Tuesday Evening Anxiety Circle"} <= {g.name for g in demo.groups}
    assert "Grief: there is no right way to grieve" in {r.title for r in demo.resources}
    accounts = {a.email: a for a in demo.accounts}
    assert {"river@example.org", "maple@example.org", "wren@example.org"} <= set(accounts)
    assert accounts["wren@example.org"].groups[0] == "Rainbow Circle"
    assert accounts["river@example.org"].groups[0] == "Tuesday Evening Anxiety Circle"


def test_the_demo_uses_only_topics_the_migrations_create(app: FastAPI) -> None:
    with app.state.session_factory() as db:
        known = set(db.scalars(select(Topic.slug)))
    demo = demo_content()
    used = {
        *(slug for group in demo.groups for slug in group.topics),
        *(slug for resource in demo.resources for slug in resource.topics),
        *(slug for story in demo.stories for slug in story.topics),
        *(slug for mentor in demo.mentors for slug in mentor.experience_areas),
        *(slug for request in demo.requests for slug in request.needs),
    }
    assert used - known == set()


def test_crisis_lines_come_from_the_checked_facts_and_other_numbers_are_fictional() -> None:
    """Crisis-line numbers are those of crisis_resources.json, which tests/library/test_crisis.py
    holds to ../shared/crisis-facts.md; every other number is in the fictional 555-01xx range."""
    checked = {
        channel["value"]
        for resource in json.loads(CRISIS_RESOURCES.read_text(encoding="utf-8"))["resources"]
        for channel in resource["channels"]
    }
    for resource in demo_content().resources:
        phone = resource.contact.phone if resource.contact else None
        if phone is None:
            continue
        if resource.type == ResourceType.hotline:
            assert phone in checked, resource.title
        else:
            assert FICTIONAL_PHONE.search(phone), (resource.title, phone)
            website = resource.contact.website if resource.contact else None
            assert website is None or (website.host or "").endswith("example.org")


def test_no_demo_prose_lives_in_the_package() -> None:
    """The wheel and the image carry the backend package only, so the demo stays out of it."""
    demo = demo_content()
    prose = [
        # Crisis lines are named in crisis_resources.json too: real services, not demo prose.
        *(r.title for r in demo.resources if r.type != ResourceType.hotline),
        *(resource.summary for resource in demo.resources),
        *(story.title for story in demo.stories),
        *(group.description for group in demo.groups),
        *(mentor.bio for mentor in demo.mentors if mentor.bio),
    ]
    shipped = [path for path in BACKEND.rglob("*") if path.is_file() and path.suffix != ".pyc"]
    for path in shipped:
        text = path.read_text(encoding="utf-8", errors="ignore")
        found = [line for line in prose if line in text]
        assert found == [], path


# --- bad content fails with the file and the field ---------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def failure(folder: Path) -> str:
    with pytest.raises(DemoContentError) as caught:
        load_demo(folder)
    return str(caught.value)


def test_a_circle_the_api_would_refuse(folder: Path) -> None:
    edit(folder / GROUPS, "capacity: 14", "capacity: 900")
    edit(folder / GROUPS, "rrule: FREQ=WEEKLY;BYDAY=TH", "rrule: FREQ=WEEKLY;BYDAY=XX")
    message = failure(folder)
    assert message.startswith(f"{folder / GROUPS} does not validate (2 problems):")
    assert "groups[0] (Tuesday Evening Anxiety Circle).capacity: Input should be less than or " in (
        message
    )
    assert "(it is 900)" in message
    assert "groups[1] (Daylight: Depression Peer Support).schedule.rrule:" in message


def test_an_in_person_circle_without_a_place(folder: Path) -> None:
    edit(folder / GROUPS, "    location: *center\n    capacity: 12\n", "    capacity: 12\n")
    message = failure(folder)
    assert "groups[1] (Daylight: Depression Peer Support).location: An in-person" in message


def test_a_resource_the_api_would_refuse(folder: Path) -> None:
    path = next((folder / LIBRARY).glob("04-*.md"))
    edit(path, "type: article", "type: essay")
    edit(path, "reviewed_on: 2026-09-15", "reviewed_on: 2026-13-15")
    message = failure(folder)
    assert message.startswith(f"{path} does not validate (2 problems):")
    assert "  type: Input should be 'article'" in message
    assert "  governance.reviewed_on: Input should be a valid date" in message


def test_a_resource_without_front_matter_or_body(folder: Path) -> None:
    path = folder / LIBRARY / "50-broken.md"
    path.write_text("# A title\n\nNo front matter.\n", encoding="utf-8")
    assert f"{path}: the first line must be '---'" in failure(folder)
    path.write_text("---\ntitle: Broken\n", encoding="utf-8")
    assert f"{path}: the front matter has no '---' line to end it." in failure(folder)
    path.write_text(
        "---\ntitle: Only fields\nsummary: None.\ntype: article\ntopics: [anxiety]\n---\n",
        encoding="utf-8",
    )
    assert "body_markdown: String should have at least 1 character" in failure(folder)


def test_yaml_that_does_not_parse_or_repeats_a_key(folder: Path) -> None:
    path = next((folder / STORIES).glob("01-*.md"))
    edit(path, "anonymous: false", "anonymous: false\nanonymous: true")
    assert f"{path}:5: not valid YAML: 'anonymous' is given twice" in failure(folder)
    edit(folder / MENTORING, "capacity: 2", "capacity: [2")
    assert f"{folder / MENTORING}:" in failure(folder)


def test_names_that_lead_nowhere(folder: Path) -> None:
    edit(folder / PEOPLE, "- Caregivers' Corner", "- Carers' Corner")
    edit(folder / MENTORING, "mentor: juniper@example.org", "mentor: nobody@example.org")
    path = next((folder / STORIES).glob("02-*.md"))
    edit(path, "shared_by: maple@example.org", "shared_by: oak@example.org")
    message = failure(folder)
    assert message.startswith("The demo files do not fit together:")
    assert (
        f"{folder / PEOPLE}: accounts[4] (juniper@example.org).groups[1]: no circle in "
        f'groups.yaml is named "Carers\' Corner".'
    ) in message
    assert f"{folder / MENTORING}: active_pair.mentor: nobody@example.org is not a mentor." in (
        message
    )
    assert "shared_by: oak@example.org is not an account in people.yaml." in message


def test_a_missing_file(folder: Path) -> None:
    (folder / MENTORING).unlink()
    assert failure(folder) == f"{folder / MENTORING} is missing: the demo content needs it."


def test_every_bad_file_is_named_at_once(folder: Path) -> None:
    edit(folder / GROUPS, "capacity: 14", "capacity: 900")
    path = next((folder / LIBRARY).glob("04-*.md"))
    edit(path, "type: article", "type: essay")
    message = failure(folder)
    assert f"{folder / GROUPS} does not validate" in message
    assert f"{path} does not validate" in message
