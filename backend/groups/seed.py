"""Demo circles (demo/groups.yaml), created and run by the demo facilitator, and the demo
members in them (the `groups` of each account in demo/people.yaml)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.demo import DemoContent
from backend.groups import service
from backend.groups.models import GroupMembership, SupportGroup


def seed_demo_groups(db: Session, demo: DemoContent) -> list[str]:
    facilitator = db.scalar(select(User).where(User.email == demo.facilitator.email))
    if facilitator is None:
        return []
    for group in demo.groups:
        if db.scalar(select(SupportGroup.id).where(SupportGroup.name == group.name)):
            continue
        service.create_group(db, actor=Actor.of_person(facilitator), data=group.to_create())
    for account in demo.accounts:
        member = db.scalar(select(User).where(User.email == account.email))
        for name in account.groups:
            group_id = db.scalar(select(SupportGroup.id).where(SupportGroup.name == name))
            if member is None or group_id is None:
                continue
            already = db.scalar(
                select(GroupMembership.id).where(
                    GroupMembership.group_id == group_id, GroupMembership.user_id == member.id
                )
            )
            if already is None:
                service.join_group(db, service.visible_group(db, group_id, Actor.of_person(member)))
    return [f"{len(demo.groups)} demo groups, run by {demo.facilitator.email}."]
