"""What the target provider itself holds and shows: a document without ics-bridge's private data.

ics-bridge carries values a provider has no field for in places only ics-bridge reads back:

* Graph: the named extended property ``singleValueExtendedProperties``
  ``String {9b8e5a3c-…} Name ics-bridge.ical`` (:data:`providers.graph.from_ical.ICAL_LINES_PROPERTY`);
  Outlook never shows an extended property (Graph docs, "Extended properties overview": they are
  for "custom data … not exposed in the UI");
* Google: the ``extendedProperties.private`` keys ``ics-bridge.categories`` and ``ics-bridge.ical``
  (:mod:`providers.google.tables`); the Calendar UI shows no extended property (Google Calendar
  API, "Extended properties": "private properties … are only visible to the calendar owner's
  apps");
* iCalendar: every ``X-ICSBRIDGE-*`` property and parameter (RFC 5545 3.8.8.2: other programs may
  ignore an X- property, and do).

Round-trip validation and diff judge the document without them (``strip_private``), so a value
that only comes back through ics-bridge's own stash is not counted as kept.  A Graph ``request``
document is a list of create bodies: ``as_created`` makes it the mailbox an import produces (each
master created, each exception patched onto its master's occurrence), which is what Outlook then
shows.
"""

from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass, replace
from typing import Any, Iterator

from . import model as m
from .io.lines import params_text
from .options import Format

PREFIX = "X-ICSBRIDGE-"

# Who does not show the private data, for "kept only in ics-bridge's private data; <who> does not
# show it".
SHOWN_BY: dict[str, str] = {"graph": "Outlook", "google": "Google Calendar", "ics": "another calendar program"}


def _items(data: Any) -> Iterator[dict[str, Any]]:
    """The event objects of a Graph or Google document (one event, a list response, an array)."""
    if isinstance(data, list):
        for item in data:
            yield from _items(item)
    elif isinstance(data, dict):
        inner = data.get("value", data.get("items"))
        if isinstance(inner, list):
            yield from _items(inner)
        else:
            yield data


def _strip_graph(item: dict[str, Any]) -> None:
    from .providers.graph.from_ical import ICAL_LINES_PROPERTY
    props = item.get("singleValueExtendedProperties")
    if not isinstance(props, list):
        return
    kept = [p for p in props if not (isinstance(p, dict) and str(p.get("id", "")).lower() == ICAL_LINES_PROPERTY.lower())]
    if kept:
        item["singleValueExtendedProperties"] = kept
    else:
        del item["singleValueExtendedProperties"]


def _strip_google(item: dict[str, Any]) -> None:
    from .providers.google.tables import CATEGORIES_KEY, ICAL_LINES_KEY
    ext = item.get("extendedProperties")
    if not isinstance(ext, dict) or not isinstance(ext.get("private"), dict):
        return
    private = {k: v for k, v in ext["private"].items() if k not in (CATEGORIES_KEY, ICAL_LINES_KEY)}
    if private:
        ext["private"] = private
    else:
        del ext["private"]
    if not ext:
        del item["extendedProperties"]


def strip_calendar(cal: m.Calendar) -> m.Calendar:
    """``cal`` without any ``X-ICSBRIDGE-*`` property or parameter, anywhere (VALARMs and
    components the model does not type included)."""
    return _strip(cal)


def _private(name: str) -> bool:
    return name.upper().startswith(PREFIX)


def _strip(value: Any) -> Any:
    """``value`` with the private lines and parameters gone; the same object when it had none."""
    if isinstance(value, m.Line):
        params = tuple(p for p in value.params if not _private(p.name))
        if len(params) == len(value.params):
            return value
        return value._replace(params=params, text=f"{value.name}{params_text(params)}:{value.value}")
    if isinstance(value, m.RawComponent):
        lines = tuple(line for line in value.lines if not _private(line.split(":", 1)[0].split(";", 1)[0]))
        return value if len(lines) == len(value.lines) else replace(value, lines=lines)
    if isinstance(value, (str, bytes, m.Zone, m.TimezoneDef, m.ZonedDateTime, m.Param)) or not isinstance(value, tuple) \
            and not is_dataclass(value):
        return value
    if is_dataclass(value):
        changes = {}
        for f in fields(value):
            old = getattr(value, f.name)
            new = _strip(old)
            if new is not old:
                changes[f.name] = new
        return replace(value, **changes) if changes else value
    items = [item for item in value if not (isinstance(item, (m.Line, m.Param)) and _private(item.name))]
    stripped = [_strip(item) for item in items]
    if len(items) == len(value) and all(a is b for a, b in zip(stripped, value)):
        return value
    return type(value)(*stripped) if hasattr(value, "_fields") else tuple(stripped)


def strip_private(data: Any, fmt: Format) -> Any:
    """``data`` (parsed Graph/Google JSON, or a typed calendar) without ics-bridge's private data (a copy)."""
    if fmt == "ics":
        return strip_calendar(data) if isinstance(data, m.Calendar) else data
    data = copy.deepcopy(data)
    strip = _strip_graph if fmt == "graph" else _strip_google
    for item in _items(data):
        strip(item)
    return data


def as_created(data: Any, cal: m.Calendar) -> Any:
    """A Graph ``request`` document as the mailbox holds it once imported: each body POSTed, each
    exception (a body with ``originalStart``) PATCHed onto the occurrence of its series master.
    The bodies name neither the master nor the UID (``transactionId`` only: Graph assigns ids on
    create), so the link comes from the calendar they were written from, as an importer keeps it:
    an exception's ``transactionId`` is derived from (UID, RECURRENCE-ID), its master's from
    (UID, none) (``providers.graph.from_ical.transaction_id``)."""
    from .providers.graph.from_ical import transaction_id
    from .series import recurrence_id_text
    master_of: dict[str, str] = {}
    for event in cal.events:
        uid = event.uid
        rid = recurrence_id_text(event)
        if uid is not None and rid is not None:
            master_of[transaction_id(uid, rid)] = transaction_id(uid, None)
    data = copy.deepcopy(data)
    items = list(_items(data))
    masters = {item.get("transactionId"): item for item in items
               if isinstance(item.get("recurrence"), dict) and "originalStart" not in item}
    for item in items:
        master = masters.get(master_of.get(item.get("transactionId", "")))
        if master is None or "originalStart" not in item or item.get("seriesMasterId"):
            continue
        master.setdefault("id", f"created-{master['transactionId']}")
        master.setdefault("type", "seriesMaster")
        item.update(type="exception", seriesMasterId=master["id"])
    return data
