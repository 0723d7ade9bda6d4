"""Every domain's models, imported so that Alembic sees the whole schema."""

from backend.core.orm import Base

__all__ = ["Base"]
