"""The demo content of ``circles seed demo``: files outside the package, read and checked here.

The demo's people, circles, mentoring, library and stories are data in a folder (``demo/`` in a
checkout): YAML, and Markdown with YAML front matter. Writers edit text, not Python, and neither
the wheel nor the Docker image carries any of it. Each record is validated by the schema the
API uses to create that thing (a resource is a ``ResourceCreate``, a circle a ``GroupCreate``),
with the few fields only the demo has beside it (whose it is, which circles someone is in), and
the files are checked against each other (every email and circle they name is one the demo
has). So content the API would refuse, or a name that leads nowhere, stops the seed before it
writes anything, with a message naming the file and the field. demo/README.md describes the
files.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, EmailStr, Field, ValidationError

from backend.accounts.models import Role
from backend.accounts.schemas import DisplayName, UserRegister
from backend.accounts.service import normalize_email
from backend.core.config import Settings
from backend.core.vocabulary import LanguageCode, StrictModel, Timezone
from backend.groups.schemas import GroupCreate, GroupName
from backend.library.schemas import ResourceCreate, StoryCreate
from backend.mentoring.schemas import (
    CheckInMinutes,
    CheckInNotes,
    MenteeRequestWrite,
    MentorProfileWrite,
)
from backend.sessions.schemas import Duration, LocalTime, RRule, ScheduleCreate

# Beside the package in a checkout (an editable install); a wheel has no such folder.
CHECKOUT_DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
PEOPLE = "people.yaml"
GROUPS = "groups.yaml"
MENTORING = "mentoring.yaml"
LIBRARY = "library"
STORIES = "stories"

# Compared as the accounts service stores them, so "River@Example.org" is River.
Email = Annotated[EmailStr, AfterValidator(normalize_email)]

Model = TypeVar("Model", bound=BaseModel)


class DemoContentError(Exception):
    """Demo content that cannot be used; the message names the file and what to change."""


class DemoFolderNotFound(DemoContentError):
    """No demo content where ``circles seed demo`` looked; the message says what to pass."""


# --- what each file holds ---------------------------------------------------------------------


class DemoAccount(UserRegister):
    """Someone to sign in as: what signing up takes, a role, and the circles they are in."""

    email: Email
    role: Role = Role.member
    groups: list[GroupName] = Field(
        default_factory=list, description="Circles they are a member of, joined in this order."
    )


class DemoPerson(StrictModel):
    """Someone who exists so mentoring looks lived in; their password is one no one knows."""

    email: Email
    display_name: DisplayName
    timezone: Timezone = "UTC"
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)


class PeopleFile(StrictModel):
    accounts: list[DemoAccount]
    people: list[DemoPerson] = Field(default_factory=list)


class DemoSchedule(StrictModel):
    """A ``ScheduleCreate`` without its first day, which the seed sets when it runs."""

    rrule: RRule
    start_time: LocalTime
    duration_minutes: Duration
    timezone: Timezone

    def starting_on(self, day: date) -> ScheduleCreate:
        return ScheduleCreate.model_validate({**self.model_dump(), "starts_on": day})


class DemoGroup(GroupCreate):
    """A circle as the API creates it, and the schedule it meets on."""

    schedule: DemoSchedule

    def to_create(self) -> GroupCreate:
        return _api_part(GroupCreate, self)


class GroupsFile(StrictModel):
    shared: dict[str, Any] = Field(
        default_factory=dict, description="Text and places written once, used through aliases."
    )
    check_in_member: Email
    groups: list[DemoGroup]


class DemoMentor(MentorProfileWrite):
    email: Email
    status: Literal["approved", "pending"] = "approved"

    def to_write(self) -> MentorProfileWrite:
        return _api_part(MentorProfileWrite, self)


class DemoRequest(MenteeRequestWrite):
    email: Email

    def to_write(self) -> MenteeRequestWrite:
        return _api_part(MenteeRequestWrite, self)


class DemoCheckIn(StrictModel):
    """A mentee's note of a meeting, dated by how many weeks before the seed it was."""

    weeks_ago: int = Field(ge=0, le=520)
    duration_minutes: CheckInMinutes
    notes: CheckInNotes = ""


class DemoPair(StrictModel):
    mentor: Email
    mentee: Email
    check_ins: list[DemoCheckIn] = Field(default_factory=list)


class MentoringFile(StrictModel):
    shared: dict[str, Any] = Field(
        default_factory=dict, description="Availability written once, used through aliases."
    )
    mentors: list[DemoMentor] = Field(default_factory=list)
    requests: list[DemoRequest] = Field(default_factory=list)
    active_pair: DemoPair | None = None


class DemoStory(StoryCreate):
    """A recovery story as a member submits it, and which demo account shared it."""

    shared_by: Email

    def to_create(self) -> StoryCreate:
        return _api_part(StoryCreate, self)


def _api_part(model: type[Model], record: BaseModel) -> Model:
    """The fields of a demo record that the API's own schema takes, as that schema."""
    fields = set(model.model_fields)
    return model.model_validate(record.model_dump(include=fields, exclude_unset=True))


@dataclass(frozen=True)
class DemoContent:
    folder: Path
    accounts: list[DemoAccount]
    people: list[DemoPerson]
    groups: list[DemoGroup]
    check_in_member: str
    mentors: list[DemoMentor]
    requests: list[DemoRequest]
    active_pair: DemoPair | None
    resources: list[ResourceCreate]
    stories: list[DemoStory]

    @property
    def facilitator(self) -> DemoAccount:
        """Creates and runs every demo circle and publishes the library."""
        return next(a for a in self.accounts if a.role == Role.facilitator)

    @property
    def admin(self) -> DemoAccount:
        """Reviews the demo stories."""
        return next(a for a in self.accounts if a.role == Role.admin)

    def display_name(self, email: str) -> str:
        names = {a.email: a.display_name for a in self.accounts}
        names |= {p.email: p.display_name for p in self.people}
        return names[email]


# --- reading ------------------------------------------------------------------------------------


def find_demo_folder(given: Path | None, settings: Settings) -> Path:
    """``--from``, else CIRCLES_DEMO_DIR, else the checkout's demo/ folder."""
    named_by: str | None
    if given is not None:
        folder, named_by = given, "--from"
    elif settings.demo_dir is not None:
        folder, named_by = settings.demo_dir, "CIRCLES_DEMO_DIR"
    else:
        folder, named_by = CHECKOUT_DEMO_DIR, None
    if (folder / PEOPLE).is_file():
        return folder
    what = f"{folder} has no {PEOPLE}" if folder.is_dir() else f"there is no folder {folder}"
    if named_by is not None:
        raise DemoFolderNotFound(
            f"No demo content: {named_by} says {folder}, but {what}. Give the demo/ folder of "
            "a Strength Circles checkout, with --from FOLDER or CIRCLES_DEMO_DIR."
        )
    raise DemoFolderNotFound(
        f"No demo content: {what}. The demo content is the demo/ folder of a Strength Circles "
        "checkout, and an installed copy (a wheel, the Docker image) carries none: run "
        "`circles seed demo --from PATH/TO/demo`, or set CIRCLES_DEMO_DIR to that folder."
    )


# What each file is validated as: the files by name, the Markdown files by their folder.
FILE_MODELS: dict[str, type[BaseModel]] = {
    PEOPLE: PeopleFile,
    GROUPS: GroupsFile,
    MENTORING: MentoringFile,
}
FOLDER_MODELS: dict[str, type[BaseModel]] = {LIBRARY: ResourceCreate, STORIES: DemoStory}


def demo_files(folder: Path) -> list[Path]:
    """Every file the demo content is read from, the Markdown ones in the order of their names
    (so the numbers they start with set the order they are added in)."""
    files = [folder / name for name in FILE_MODELS]
    for name in FOLDER_MODELS:
        if not (folder / name).is_dir():
            raise DemoContentError(f"{folder / name} is missing: the demo content needs it.")
        files += sorted((folder / name).glob("*.md"))
    return files


def load_file(folder: Path, path: Path) -> BaseModel:
    """One demo file, read and validated as what it holds."""
    if path.parent == folder and path.name in FILE_MODELS:
        return _validated(FILE_MODELS[path.name], _yaml_file(path), path)
    if path.parent.parent == folder and path.parent.name in FOLDER_MODELS:
        return _validated(FOLDER_MODELS[path.parent.name], _front_matter(path), path)
    raise DemoContentError(f"{path} is not a demo file of {folder}.")


def load_demo(folder: Path) -> DemoContent:
    """Read and check every demo file; nothing is written anywhere."""
    loaded: dict[Path, BaseModel] = {}
    failures: list[str] = []
    for path in demo_files(folder):
        try:
            loaded[path] = load_file(folder, path)
        except DemoContentError as exc:
            failures.append(str(exc))
    if failures:
        raise DemoContentError("\n".join(failures))

    def one(model: type[Model], path: Path) -> Model:
        record = loaded[path]
        assert isinstance(record, model)
        return record

    def every(model: type[Model], name: str) -> list[Model]:
        return [one(model, path) for path in loaded if path.parent == folder / name]

    people = one(PeopleFile, folder / PEOPLE)
    groups = one(GroupsFile, folder / GROUPS)
    mentoring = one(MentoringFile, folder / MENTORING)
    content = DemoContent(
        folder=folder,
        accounts=people.accounts,
        people=people.people,
        groups=groups.groups,
        check_in_member=groups.check_in_member,
        mentors=mentoring.mentors,
        requests=mentoring.requests,
        active_pair=mentoring.active_pair,
        resources=every(ResourceCreate, LIBRARY),
        stories=every(DemoStory, STORIES),
    )
    problems = _broken_references(content)
    if problems:
        raise DemoContentError("\n".join(["The demo files do not fit together:", *problems]))
    return content


STRING_TAG = "tag:yaml.org,2002:str"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice (plain YAML keeps the last quietly)."""


def _mapping_without_repeats(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[str] = set()
    for key_node, _value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == STRING_TAG:
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key_node.value!r} is given twice", key_node.start_mark
                )
            seen.add(key_node.value)
    return loader.construct_mapping(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats)


def _as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


# Dates stay text for the schemas to read: they say what is wrong with one (YAML would raise).
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


def _read_yaml(path: Path, text: str, *, first_line: int = 1) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + first_line}" if mark is not None else ""
        raise DemoContentError(f"{path}{line}: not valid YAML: {exc.problem or exc}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise DemoContentError(f"{path}: not valid YAML: {exc}") from None


def _yaml_file(path: Path) -> Any:
    if not path.is_file():
        raise DemoContentError(f"{path} is missing: the demo content needs it.")
    return _read_yaml(path, path.read_text(encoding="utf-8"))


def _front_matter(path: Path) -> dict[str, Any]:
    """The fields of a Markdown file's YAML front matter, and its body as ``body_markdown``."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise DemoContentError(
            f"{path}: the first line must be '---', to start the YAML front matter (the fields), "
            "which another '---' line ends before the Markdown body."
        )
    head, closed, body = (text[4:] + "\n").partition("\n---\n")
    if not closed:
        raise DemoContentError(f"{path}: the front matter has no '---' line to end it.")
    fields = _read_yaml(path, head, first_line=2)
    if not isinstance(fields, dict):
        raise DemoContentError(f"{path}: the front matter must be fields (title: ...).")
    if "body_markdown" in fields:
        raise DemoContentError(
            f"{path}: body_markdown is the Markdown after the front matter, not a field in it."
        )
    body = body.strip()
    return {**fields, "body_markdown": f"{body}\n" if body else ""}


def _validated(model: type[Model], data: Any, path: Path) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        count = exc.error_count()
        lines = [f"{path} does not validate ({count} problem{'' if count == 1 else 's'}):"]
        for error in exc.errors(include_url=False):
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"  {_where(error['loc'], data)}: {message}{_input(error)}")
        raise DemoContentError("\n".join(lines)) from None


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    """A field's place in the file, naming list items by their name, title or email."""
    text, node = "", data
    for step in loc:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            label = _label(node)
            text += f"[{step}]" + (f" ({label})" if label else "")
        else:
            node = node.get(step) if isinstance(node, dict) else None
            text += f".{step}" if text else step
    return text or "the file"


def _label(node: Any) -> str | None:
    if isinstance(node, dict):
        for key in ("name", "title", "email"):
            if isinstance(node.get(key), str):
                return str(node[key])
    return None


def _input(error: Any) -> str:
    value = error.get("input")
    if (
        error["type"] != "missing"
        and isinstance(value, str | int | float)
        and len(repr(value)) < 60
    ):
        return f" (it is {value!r})"
    return ""


def _broken_references(content: DemoContent) -> list[str]:
    """Names in one place that lead nowhere in another, or that should be one of a kind."""
    folder = content.folder
    people, groups, mentoring = folder / PEOPLE, folder / GROUPS, folder / MENTORING
    problems: list[str] = []
    accounts = {account.email for account in content.accounts}
    everyone = [*[a.email for a in content.accounts], *[p.email for p in content.people]]
    circles = [group.name for group in content.groups]

    problems += [f"  {people}: {email} is listed twice." for email in _repeats(everyone)]
    for role in (Role.facilitator, Role.admin):
        if not any(account.role == role for account in content.accounts):
            problems.append(f"  {people}: accounts has no {role.value}; the demo needs one.")
    for i, account in enumerate(content.accounts):
        for j, name in enumerate(account.groups):
            if name not in circles:
                problems.append(
                    f"  {people}: accounts[{i}] ({account.email}).groups[{j}]: no circle in "
                    f"{GROUPS} is named {name!r}."
                )
    problems += [f"  {groups}: two circles are named {name!r}." for name in _repeats(circles)]
    if content.check_in_member not in accounts:
        problems.append(
            f"  {groups}: check_in_member: {content.check_in_member} is not an account in {PEOPLE}."
        )
    for field, records in (("mentors", content.mentors), ("requests", content.requests)):
        emails = [record.email for record in records]
        problems += [f"  {mentoring}: {field}: {e} is listed twice." for e in _repeats(emails)]
        for i, email in enumerate(emails):
            if email not in everyone:
                problems.append(f"  {mentoring}: {field}[{i}]: {email} is not in {PEOPLE}.")
    pair = content.active_pair
    if pair is not None:
        if pair.mentor not in {m.email for m in content.mentors}:
            problems.append(f"  {mentoring}: active_pair.mentor: {pair.mentor} is not a mentor.")
        if pair.mentee not in {r.email for r in content.requests}:
            problems.append(
                f"  {mentoring}: active_pair.mentee: {pair.mentee} has no request in requests."
            )
    problems += [
        f"  {folder / LIBRARY}: two resources are titled {title!r}."
        for title in _repeats([resource.title for resource in content.resources])
    ]
    for story in content.stories:
        if story.shared_by not in accounts:
            problems.append(
                f"  {folder / STORIES}: {story.title!r}: shared_by: {story.shared_by} is not an "
                f"account in {PEOPLE}."
            )
    return problems


def _repeats(values: list[str]) -> list[str]:
    return sorted({value for value in values if values.count(value) > 1})
