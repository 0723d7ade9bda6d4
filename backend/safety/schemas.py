"""Blocks as the API shows them."""

import uuid
from datetime import datetime

from pydantic import BaseModel


class BlockRead(BaseModel):
    user_id: uuid.UUID
    display_name: str
    blocked_at: datetime
