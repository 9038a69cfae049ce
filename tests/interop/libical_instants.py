"""Print the UTC instants libical computes for the zoned date-times of every VEVENT.

Runs under the *system* Python that has PyGObject and libical's introspection data
(Debian/Ubuntu: ``apt-get install -y gir1.2-ical-3.0 python3-gi``), not the project's Python:

    /usr/bin/python3 libical_instants.py [--expand=N] < file.ics

Output: the same JSON list as icaljs_instants.mjs, {uid, prop, local, tzid, utc, floating}.
Zones come from the calendar's own VTIMEZONEs (icalcomponent_get_timezone), so this checks the
VTIMEZONE we wrote, not libical's built-in tzdata; a TZID without one yields floating=true.
"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402

KINDS = {
    "DTSTART": I.PropertyKind.DTSTART_PROPERTY,
    "DTEND": I.PropertyKind.DTEND_PROPERTY,
    "RECURRENCE-ID": I.PropertyKind.RECURRENCEID_PROPERTY,
    "EXDATE": I.PropertyKind.EXDATE_PROPERTY,
    "RDATE": I.PropertyKind.RDATE_PROPERTY,
}


def components(parent, kind):
    child = parent.get_first_component(kind)
    while child is not None:
        yield child
        child = parent.get_next_component(kind)


def properties(comp, kind):
    prop = comp.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = comp.get_next_property(kind)


def tzid_of(prop):
    param = prop.get_first_parameter(I.ParameterKind.TZID_PARAMETER)
    return param.get_tzid() if param is not None else None


def as_utc(time, zone):
    utc = I.Timezone.get_utc_timezone()
    time = time.clone()
    if zone is not None:
        time.set_timezone(zone)
    floating = zone is None and not time.is_utc()
    if not floating:
        time.convert_to_zone_inplace(utc)
    text = f"{time.get_year():04d}-{time.get_month():02d}-{time.get_day():02d}T" \
           f"{time.get_hour():02d}:{time.get_minute():02d}:{time.get_second():02d}Z"
    return text, floating


def local_text(time):
    return f"{time.get_year():04d}-{time.get_month():02d}-{time.get_day():02d}T" \
           f"{time.get_hour():02d}:{time.get_minute():02d}:{time.get_second():02d}"


def main():
    expand = 0
    for arg in sys.argv[1:]:
        if arg.startswith("--expand="):
            expand = int(arg.split("=", 1)[1])
    root = I.Component.new_from_string(sys.stdin.read())
    out = []
    for event in components(root, I.ComponentKind.VEVENT_COMPONENT):
        uid = event.get_uid()
        for name, kind in KINDS.items():
            for prop in properties(event, kind):
                value = prop.get_value()
                if name in ("EXDATE", "DTSTART", "DTEND", "RECURRENCE-ID"):
                    time = value.get_datetime()
                else:
                    time = value.get_datetimeperiod().get_time()
                if time is None or time.is_date():
                    continue
                tzid = tzid_of(prop)
                zone = root.get_timezone(tzid) if tzid else None
                utc, floating = as_utc(time, zone)
                if tzid and zone is None:
                    floating = True
                out.append({"uid": uid, "prop": name, "local": local_text(time), "tzid": tzid,
                            "utc": utc, "floating": floating})
        rrule_prop = event.get_first_property(I.PropertyKind.RRULE_PROPERTY)
        if expand and rrule_prop is not None:
            dtstart_prop = event.get_first_property(I.PropertyKind.DTSTART_PROPERTY)
            start = dtstart_prop.get_dtstart()
            tzid = tzid_of(dtstart_prop)
            zone = root.get_timezone(tzid) if tzid else None
            iterator = I.RecurIterator.new(rrule_prop.get_rrule(), start)
            for _ in range(expand):
                occurrence = iterator.next()
                if occurrence is None or occurrence.is_null_time():
                    break
                utc, floating = as_utc(occurrence, zone)
                out.append({"uid": uid, "prop": "OCCURRENCE", "local": local_text(occurrence), "tzid": tzid,
                            "utc": utc, "floating": floating})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
