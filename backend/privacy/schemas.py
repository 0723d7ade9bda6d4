"""Request shapes of the member's own-data calls."""

from typing import Annotated

from pydantic import Field

from backend.core.vocabulary import StrictModel


class ErasureConfirmation(StrictModel):
    password: Annotated[
        str, Field(min_length=1, max_length=1024, description="Your current password.")
    ]
