"""The words a referred person agrees to, part by part. A consent keeps the words it was given
in, as the person read them, with their version: change a word here and raise
``WORDING_VERSION``, so a page opened before the change is asked to read them again."""

from dataclasses import dataclass

from backend.referrals.models import ConsentPart

WORDING_VERSION = "2026-12-02"


@dataclass(frozen=True)
class Wording:
    title: str
    words: str  # ``{referrer}`` is the name of who referred the person


WORDINGS: dict[ConsentPart, Wording] = {
    ConsentPart.outcome: Wording(
        title="Whether you joined",
        words=(
            "{referrer} may see whether you joined this circle or said no thanks. Nothing "
            "else: not what is said in the circle, not who else is in it."
        ),
    ),
    ConsentPart.attendance: Wording(
        title="Which meetings you go to",
        words=(
            "From today, {referrer} may see the date of each meeting of this circle and whether "
            "you were there. Not other circles, not what is said, not who else came. This also "
            "shows that you joined."
        ),
    ),
}

# Said with every choice, so no one agrees without knowing how to stop.
HOW_TO_STOP = (
    "You can stop sharing at any time on your account page. From then on, {referrer} sees only "
    "that it is no longer shared; what they have already seen stays with them."
)


def words_for(part: ConsentPart, referrer: str) -> Wording:
    wording = WORDINGS[part]
    return Wording(title=wording.title, words=wording.words.format(referrer=referrer))
