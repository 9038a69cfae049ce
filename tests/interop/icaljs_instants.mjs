// Read an iCalendar stream on stdin, print the UTC instant ical.js computes for every
// zoned date-time of every VEVENT (DTSTART, DTEND, RECURRENCE-ID, EXDATE, RDATE), and,
// with --expand=N, the first N occurrences of a recurring VEVENT.
//
// Output: JSON list of {uid, prop, local, tzid, utc, floating}.  "utc" is
// YYYY-MM-DDTHH:MM:SSZ as ical.js converts it with the VTIMEZONE found in the calendar
// (Component#getTimeZoneByID, the path Thunderbird and Nextcloud use after registering
// zones).  A TZID ical.js cannot find yields floating=true.
//
// Usage: node icaljs_instants.mjs [--expand=N] < file.ics
// Needs: npm install ical.js@2 (in this directory or any parent's node_modules).
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const expandArg = process.argv.find((a) => a.startsWith("--expand="));
const expand = expandArg ? Number(expandArg.split("=")[1]) : 0;
const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
for (const vtz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtz);
}

function utcOf(time) {
  const zone = time.zone;
  const floating = !zone || zone === ICAL.Timezone.localTimezone || zone.tzid === "floating";
  const utc = time.convertToZone(ICAL.Timezone.utcTimezone);
  const iso = utc.toString().replace(/Z?$/, "Z");
  return { utc: iso, floating };
}

const out = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  const uid = vevent.getFirstPropertyValue("uid");
  for (const name of ["dtstart", "dtend", "recurrence-id", "exdate", "rdate"]) {
    for (const prop of vevent.getAllProperties(name)) {
      for (const value of prop.getValues()) {
        if (!(value instanceof ICAL.Time) || value.isDate) continue;
        out.push({ uid, prop: name.toUpperCase(), local: value.toString(), tzid: prop.getParameter("tzid") || null, ...utcOf(value) });
      }
    }
  }
  if (expand > 0 && vevent.hasProperty("rrule")) {
    const iter = new ICAL.Event(vevent).iterator();
    for (let i = 0; i < expand; i++) {
      const next = iter.next();
      if (!next) break;
      out.push({ uid, prop: "OCCURRENCE", local: next.toString(), tzid: null, ...utcOf(next) });
    }
  }
}
process.stdout.write(JSON.stringify(out));
