"""Topics: the controlled vocabulary groups, mentors and resources are tagged with."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, utcnow


class Topic(Base):
    """The controlled vocabulary every domain shares (groups, mentoring, the library)."""

    __tablename__ = "topic"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
