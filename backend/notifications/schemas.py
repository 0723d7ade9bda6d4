"""Shapes of the development mail pages."""

from datetime import datetime

from pydantic import BaseModel


class DevMailRead(BaseModel):
    to: str
    subject: str
    body_text: str
    created_at: datetime
