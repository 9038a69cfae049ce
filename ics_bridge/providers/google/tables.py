"""One table per mapped Google concept: the only place each Google↔iCalendar value pair lives.

Sources: the Calendar v3 discovery document (tests/schemas/google-calendar-v3-discovery.json,
"Possible values are" lists), seed 003 (events.insert), RFC 5545 / RFC 7986 / RFC 9253, and the
decisions recorded in docs/google.md (interop-notes sections 2 and 5).
"""

from __future__ import annotations

# --- enum vocabularies (discovery document descriptions) --------------------------------------
STATUSES = ("confirmed", "tentative", "cancelled")
TRANSPARENCIES = ("opaque", "transparent")
VISIBILITIES = ("default", "public", "private", "confidential")
EVENT_TYPES = ("default", "birthday", "focusTime", "fromGmail", "outOfOffice", "workingLocation")
RESPONSE_STATUSES = ("needsAction", "declined", "tentative", "accepted")
REMINDER_METHODS = ("email", "popup")
ENTRY_POINT_TYPES = ("video", "phone", "sip", "more")

# Limits of reminders.overrides (seed 003).
MAX_OVERRIDES = 5
MAX_REMINDER_MINUTES = 40320

# status ↔ STATUS (RFC 5545 3.8.1.11).
STATUS_TO_ICAL: dict[str, str] = {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}
ICAL_TO_STATUS: dict[str, str] = {v: k for k, v in STATUS_TO_ICAL.items()}

# transparency ↔ TRANSP (RFC 5545 3.8.2.7; both default to opaque/OPAQUE).
TRANSPARENCY_TO_ICAL: dict[str, str] = {"opaque": "OPAQUE", "transparent": "TRANSPARENT"}
ICAL_TO_TRANSPARENCY: dict[str, str] = {v: k for k, v in TRANSPARENCY_TO_ICAL.items()}

# visibility ↔ CLASS.  ``default`` writes no CLASS (the calendar decides); ``public`` writes
# CLASS:PUBLIC and is remembered in the stash, because most producers write CLASS:PUBLIC on every
# event and reading that as Google ``public`` would expose details of events on calendars shared
# free/busy only.  So CLASS:PUBLIC from elsewhere becomes ``default`` (reported).
VISIBILITY_TO_CLASS: dict[str, str | None] = {
    "default": None,
    "public": "PUBLIC",
    "private": "PRIVATE",
    "confidential": "CONFIDENTIAL",
}
CLASS_TO_VISIBILITY: dict[str, str] = {"PUBLIC": "default", "PRIVATE": "private", "CONFIDENTIAL": "confidential"}

# attendees[].responseStatus ↔ PARTSTAT (RFC 5545 3.2.12).
RESPONSE_TO_PARTSTAT: dict[str, str] = {
    "needsAction": "NEEDS-ACTION",
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
}
PARTSTAT_TO_RESPONSE: dict[str, str] = {v: k for k, v in RESPONSE_TO_PARTSTAT.items()}

# attendee optional/resource ↔ ROLE/CUTYPE.  Google's own export writes REQ-PARTICIPANT for rooms.
ROLE_OPTIONAL = "OPT-PARTICIPANT"
ROLE_REQUIRED = "REQ-PARTICIPANT"
ROLE_RESOURCE = "NON-PARTICIPANT"
RESOURCE_CUTYPES = frozenset({"RESOURCE", "ROOM"})
RESOURCE_DOMAIN = "@resource.calendar.google.com"

# Attendee flags without a standard parameter (restored on the way back).
PARAM_COMMENT = "X-RESPONSE-COMMENT"          # what Google's invitations carry
PARAM_NUM_GUESTS = "X-NUM-GUESTS"             # Google's own export
PARAM_ORGANIZER = "X-ICSBRIDGE-GOOGLE-ORGANIZER"
PARAM_SELF = "X-ICSBRIDGE-GOOGLE-SELF"
PARAM_ATTENDEE_ID = "X-ICSBRIDGE-GOOGLE-ATTENDEE-ID"
# On an EXDATE: the id of the cancelled instance (tombstone) it came from.
PARAM_TOMBSTONE_ID = "X-ICSBRIDGE-GOOGLE-ID"

# reminders.overrides[].method ↔ VALARM ACTION.  AUDIO has no Google method: popup.
METHOD_TO_ACTION: dict[str, str] = {"email": "EMAIL", "popup": "DISPLAY"}
ACTION_TO_METHOD: dict[str, str] = {"EMAIL": "email", "DISPLAY": "popup", "AUDIO": "popup"}

# conferenceData.entryPoints[].entryPointType ↔ CONFERENCE;FEATURE (RFC 7986 5.11).
ENTRY_POINT_FEATURES: dict[str, str] = {
    "video": "AUDIO,VIDEO",
    "phone": "PHONE",
    "sip": "AUDIO,VIDEO",
    "more": "FEED",
}
# Back: the URI scheme decides first (tel: phone, sip: sip), then FEATURE.

DEFAULT_CONFERENCE_LABEL = "Google Meet"

# eventType → availability for other providers (interop-notes case 18, section 4.11).
# (X-MICROSOFT-CDO-BUSYSTATUS, TRANSP)
EVENT_TYPE_TO_BUSY: dict[str, tuple[str, str]] = {
    "outOfOffice": ("OOF", "OPAQUE"),
    "focusTime": ("BUSY", "OPAQUE"),
    "workingLocation": ("WORKINGELSEWHERE", "TRANSPARENT"),
}

# source ↔ LINK (RFC 9253).  IANA link relation "via": "the source of the information".
LINK_REL_SOURCE = "via"

# --- colorId ↔ COLOR ---------------------------------------------------------------------------
# The event palette of GET /calendar/v3/colors (``event`` section, background colours), and the
# nearest CSS3 colour name (RFC 7986 5.9 COLOR takes a CSS3 name), by RGB distance over
# CSS3_COLORS below (tests/test_google_tables.py recomputes it).
EVENT_PALETTE: dict[str, str] = {
    "1": "#a4bdfc",   # Lavender
    "2": "#7ae7bf",   # Sage
    "3": "#dbadff",   # Grape
    "4": "#ff887c",   # Flamingo
    "5": "#fbd75b",   # Banana
    "6": "#ffb878",   # Tangerine
    "7": "#46d6db",   # Peacock
    "8": "#e1e1e1",   # Graphite
    "9": "#5484ed",   # Blueberry
    "10": "#51b749",  # Basil
    "11": "#dc2127",  # Tomato
}

# CSS Color Module Level 3, 4.3 extended colour keywords (grey/gray spellings: gray kept).
CSS3_COLORS: dict[str, str] = dict(item.split("=") for item in """
aliceblue=#f0f8ff antiquewhite=#faebd7 aqua=#00ffff aquamarine=#7fffd4 azure=#f0ffff beige=#f5f5dc
bisque=#ffe4c4 black=#000000 blanchedalmond=#ffebcd blue=#0000ff blueviolet=#8a2be2 brown=#a52a2a
burlywood=#deb887 cadetblue=#5f9ea0 chartreuse=#7fff00 chocolate=#d2691e coral=#ff7f50
cornflowerblue=#6495ed cornsilk=#fff8dc crimson=#dc143c cyan=#00ffff darkblue=#00008b darkcyan=#008b8b
darkgoldenrod=#b8860b darkgray=#a9a9a9 darkgreen=#006400 darkkhaki=#bdb76b darkmagenta=#8b008b
darkolivegreen=#556b2f darkorange=#ff8c00 darkorchid=#9932cc darkred=#8b0000 darksalmon=#e9967a
darkseagreen=#8fbc8f darkslateblue=#483d8b darkslategray=#2f4f4f darkturquoise=#00ced1
darkviolet=#9400d3 deeppink=#ff1493 deepskyblue=#00bfff dimgray=#696969 dodgerblue=#1e90ff
firebrick=#b22222 floralwhite=#fffaf0 forestgreen=#228b22 fuchsia=#ff00ff gainsboro=#dcdcdc
ghostwhite=#f8f8ff gold=#ffd700 goldenrod=#daa520 gray=#808080 green=#008000 greenyellow=#adff2f
honeydew=#f0fff0 hotpink=#ff69b4 indianred=#cd5c5c indigo=#4b0082 ivory=#fffff0 khaki=#f0e68c
lavender=#e6e6fa lavenderblush=#fff0f5 lawngreen=#7cfc00 lemonchiffon=#fffacd lightblue=#add8e6
lightcoral=#f08080 lightcyan=#e0ffff lightgoldenrodyellow=#fafad2 lightgray=#d3d3d3 lightgreen=#90ee90
lightpink=#ffb6c1 lightsalmon=#ffa07a lightseagreen=#20b2aa lightskyblue=#87cefa lightslategray=#778899
lightsteelblue=#b0c4de lightyellow=#ffffe0 lime=#00ff00 limegreen=#32cd32 linen=#faf0e6 magenta=#ff00ff
maroon=#800000 mediumaquamarine=#66cdaa mediumblue=#0000cd mediumorchid=#ba55d3 mediumpurple=#9370db
mediumseagreen=#3cb371 mediumslateblue=#7b68ee mediumspringgreen=#00fa9a mediumturquoise=#48d1cc
mediumvioletred=#c71585 midnightblue=#191970 mintcream=#f5fffa mistyrose=#ffe4e1 moccasin=#ffe4b5
navajowhite=#ffdead navy=#000080 oldlace=#fdf5e6 olive=#808000 olivedrab=#6b8e23 orange=#ffa500
orangered=#ff4500 orchid=#da70d6 palegoldenrod=#eee8aa palegreen=#98fb98 paleturquoise=#afeeee
palevioletred=#db7093 papayawhip=#ffefd5 peachpuff=#ffdab9 peru=#cd853f pink=#ffc0cb plum=#dda0dd
powderblue=#b0e0e6 purple=#800080 red=#ff0000 rosybrown=#bc8f8f royalblue=#4169e1 saddlebrown=#8b4513
salmon=#fa8072 sandybrown=#f4a460 seagreen=#2e8b57 seashell=#fff5ee sienna=#a0522d silver=#c0c0c0
skyblue=#87ceeb slateblue=#6a5acd slategray=#708090 snow=#fffafa springgreen=#00ff7f steelblue=#4682b4
tan=#d2b48c teal=#008080 thistle=#d8bfd8 tomato=#ff6347 turquoise=#40e0d0 violet=#ee82ee wheat=#f5deb3
white=#ffffff whitesmoke=#f5f5f5 yellow=#ffff00 yellowgreen=#9acd32
""".split())
CSS3_COLORS.update({"darkgrey": "#a9a9a9", "darkslategrey": "#2f4f4f", "dimgrey": "#696969", "grey": "#808080",
                    "lightgrey": "#d3d3d3", "lightslategrey": "#778899", "slategrey": "#708090"})


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def nearest(hex_colour: str, candidates: dict[str, str]) -> tuple[str, int]:
    """The key of ``candidates`` (name → #rrggbb) nearest to ``hex_colour`` and the squared
    RGB distance."""
    r, g, b = _rgb(hex_colour)
    best = min(candidates, key=lambda k: (sum((x - y) ** 2 for x, y in zip((r, g, b), _rgb(candidates[k]))), k))
    return best, sum((x - y) ** 2 for x, y in zip((r, g, b), _rgb(candidates[best])))


COLOR_ID_TO_CSS: dict[str, str] = {cid: nearest(hx, {k: v for k, v in CSS3_COLORS.items() if "grey" not in k})[0]
                                   for cid, hx in EVENT_PALETTE.items()}
CSS_TO_COLOR_ID: dict[str, str] = {name: cid for cid, name in COLOR_ID_TO_CSS.items()}


def css_to_color_id(name: str) -> tuple[str | None, bool]:
    """A COLOR value → (colorId, exact).  Exact for the eleven names the palette maps to; any
    other CSS3 name or #rrggbb goes to the nearest palette entry (inexact); unknown → None."""
    key = name.strip().lower()
    if key in CSS_TO_COLOR_ID:
        return CSS_TO_COLOR_ID[key], True
    hex_colour = CSS3_COLORS.get(key)
    if hex_colour is None and len(key) == 7 and key.startswith("#"):
        try:
            _rgb(key)
            hex_colour = key
        except ValueError:
            hex_colour = None
    if hex_colour is None:
        return None, False
    return nearest(hex_colour, EVENT_PALETTE)[0], False

# CATEGORIES have no Google field: kept in extendedProperties.private under this key (a JSON list),
# as OGCS keeps Outlook-only values, so Graph→Google→Graph and ICS→Google→ICS restore them.
CATEGORIES_KEY = "ics-bridge.categories"
# Other iCalendar properties Google has no field for (PRIORITY, GEO, COMMENT…): their content
# lines, under this key, while they fit Google's 1024-character limit for one value.
ICAL_LINES_KEY = "ics-bridge.ical"
MAX_EXTENDED_VALUE = 1024
