"""Whether a report speaks of immediate danger: a safety net under the reasons a reporter
picks, not a classifier. It errs towards urgent, since an urgent case only goes to the top
of the queue (and its reporter sees where to get help now); a missed one waits its turn."""

import re

from backend.moderation.models import URGENT_REASONS, Reason

_DANGER = re.compile(
    r"\b("
    r"suicid\w*"
    r"|kill(ing)? (my|him|her|them)sel(f|ves)|kill themself"
    r"|end(ing)? (my|his|her|their) (own )?life"
    r"|take (my|his|her|their) (own )?life"
    r"|(hurt|harm)(ing)? (my|him|her|them)sel(f|ves)|self[- ]?harm\w*"
    r"|overdos\w*|want(s|ed)? to die|better off dead|not (be )?safe"
    r"|going to (hurt|kill|attack)|threat(en)?(s|ed|ing)? to (hurt|kill)"
    r"|kill (you|him|her|them|everyone)|weapon|gun|knife"
    r")\b",
    re.IGNORECASE,
)


def is_urgent(reason: Reason, details: str | None) -> bool:
    # Any run of spaces, line breaks or non-breaking spaces reads as one space.
    words = " ".join(details.split()) if details else ""
    return reason in URGENT_REASONS or bool(words and _DANGER.search(words))
