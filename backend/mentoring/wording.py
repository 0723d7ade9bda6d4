"""The words of a match's reasons: language names, lists in plain English, topic names as
they read mid-sentence. Pure, like ``matching``, which uses them."""

from collections.abc import Mapping, Sequence
from types import MappingProxyType

# Names of common language codes (ISO 639); a region or script variant ("es-MX", "zh-Hant")
# falls back to its base language, and a code not listed here is shown as written.
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "am": "Amharic",
        "ar": "Arabic",
        "ase": "American Sign Language",
        "bfi": "British Sign Language",
        "bg": "Bulgarian",
        "bn": "Bengali",
        "bs": "Bosnian",
        "ca": "Catalan",
        "cs": "Czech",
        "cy": "Welsh",
        "da": "Danish",
        "de": "German",
        "el": "Greek",
        "en": "English",
        "es": "Spanish",
        "eu": "Basque",
        "fa": "Persian",
        "fi": "Finnish",
        "fil": "Filipino",
        "fr": "French",
        "ga": "Irish",
        "gl": "Galician",
        "gu": "Gujarati",
        "ha": "Hausa",
        "he": "Hebrew",
        "hi": "Hindi",
        "hmn": "Hmong",
        "hr": "Croatian",
        "ht": "Haitian Creole",
        "hu": "Hungarian",
        "hy": "Armenian",
        "id": "Indonesian",
        "ig": "Igbo",
        "it": "Italian",
        "ja": "Japanese",
        "km": "Khmer",
        "ko": "Korean",
        "ku": "Kurdish",
        "lo": "Lao",
        "lt": "Lithuanian",
        "lv": "Latvian",
        "ml": "Malayalam",
        "mr": "Marathi",
        "ms": "Malay",
        "my": "Burmese",
        "nb": "Norwegian",
        "ne": "Nepali",
        "nl": "Dutch",
        "nn": "Norwegian",
        "no": "Norwegian",
        "pa": "Punjabi",
        "pl": "Polish",
        "ps": "Pashto",
        "pt": "Portuguese",
        "ro": "Romanian",
        "ru": "Russian",
        "sk": "Slovak",
        "sl": "Slovenian",
        "so": "Somali",
        "sq": "Albanian",
        "sr": "Serbian",
        "sv": "Swedish",
        "sw": "Swahili",
        "ta": "Tamil",
        "te": "Telugu",
        "th": "Thai",
        "ti": "Tigrinya",
        "tl": "Tagalog",
        "tr": "Turkish",
        "uk": "Ukrainian",
        "ur": "Urdu",
        "vi": "Vietnamese",
        "yi": "Yiddish",
        "yo": "Yoruba",
        "zh": "Chinese",
        "zu": "Zulu",
    }
)


def join_words(words: Sequence[str]) -> str:
    """ "grief and anxiety", "grief, anxiety and trauma"; when a name has its own "and"
    ("grief and loss"), a serial comma keeps three or more names apart, and two are joined by
    "as well as" ("anxiety as well as grief and loss", not "anxiety and grief and loss")."""
    if len(words) <= 1:
        return "".join(words)
    inner_and = any(" and " in w for w in words)
    if len(words) == 2 and inner_and:
        return f"{words[0]} as well as {words[1]}"
    last = ", and " if inner_and else " and "
    return ", ".join(words[:-1]) + last + words[-1]


def in_sentence(name: str) -> str:
    """A topic name as it reads mid-sentence: "Grief and loss" -> "grief and loss", while
    acronyms keep their capitals ("Trauma and PTSD" -> "trauma and PTSD", "LGBTQ+")."""
    return " ".join(
        word if sum(c.isupper() for c in word) > 1 else word.lower() for word in name.split(" ")
    )


def room_reason(seats: int) -> str:
    return f"has room for {seats} more mentee{'s' if seats != 1 else ''}"
