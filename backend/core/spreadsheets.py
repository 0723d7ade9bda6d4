"""CSV files people open in a spreadsheet: one way to write a cell safely."""


def cell(value: object) -> str:
    """The text of a CSV cell: empty for None, and never a formula. Spreadsheets run cells
    that start like one, and some cells hold words a caller chose (display names, request
    ids), so those get a leading apostrophe and show as typed."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
