// Independent iCalendar reader: ical.js 2.x (Mozilla's parser, used by Thunderbird).
//
// Reads iCalendar text on stdin and prints one JSON object:
//   {"reader": "ical.js X.Y.Z",
//    "events": [{"uid", "recurrence_id", "start", "end"}, ...],
//    "occurrences": {uid: [start, ...]},
//    "errors": [...]}
//
// Usage: node icaljs_read.mjs WINDOW_START WINDOW_END   (UTC, e.g. 2020-01-01T00:00:00Z)
//        node icaljs_read.mjs --many WINDOW_START WINDOW_END
//   --many: stdin is a JSON array of iCalendar texts; prints a JSON array of the objects above,
//   one per text, in order (one node start for a whole corpus). Each text is read on its own.
//
// Value format shared by every reader of tests/interop/readers.py:
// DATE -> "YYYY-MM-DD"; DATE-TIME with a zone or Z -> UTC "YYYY-MM-DDTHH:MM:SSZ";
// floating DATE-TIME -> "YYYY-MM-DDTHH:MM:SS" (no Z). An occurrence belongs to the window when
// its start (a DATE as midnight UTC, floating as if UTC) is in [WINDOW_START, WINDOW_END).
//
// Expansion is ical.js's own: Event.iterator() (RRULE, RDATE, EXDATE) and getOccurrenceDetails()
// with the overrides related to their master through new ICAL.Event(master, {exceptions}).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const VERSION = JSON.parse(
  readFileSync(new URL("./node_modules/ical.js/package.json", import.meta.url), "utf8"),
).version;
const MAX_OCCURRENCES = 5000; // per UID; bounds runaway rules

const pad = (n, w = 2) => String(n).padStart(w, "0");

function isFloating(t) {
  const z = t.zone;
  return !z || z === ICAL.Timezone.localTimezone || z.tzid === "floating";
}

function fmt(t) {
  if (t.isDate) return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  if (isFloating(t)) {
    return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
  }
  const u = t.convertToZone(ICAL.Timezone.utcTimezone);
  return `${pad(u.year, 4)}-${pad(u.month)}-${pad(u.day)}T${pad(u.hour)}:${pad(u.minute)}:${pad(u.second)}Z`;
}

// Comparable key: DATE -> midnight, floating -> as if UTC.
const key = (s) => (s.length === 10 ? `${s}T00:00:00` : s.slice(0, 19));

function endOf(ev) {
  // Event.endDate derives DTEND from DURATION; with neither, RFC 5545: DATE -> +1 day, else = start
  let end = ev.component.hasProperty("dtend") || ev.component.hasProperty("duration") ? ev.endDate : null;
  if (!end) {
    end = ev.startDate.clone();
    if (end.isDate) end.adjust(1, 0, 0, 0);
  }
  return end;
}

function readOne(text, wStart, wEnd) {
  const stopAt = ICAL.Time.fromDateTimeString(wEnd).toUnixTime() + 2 * 86400;
  const result = { reader: `ical.js ${VERSION}`, events: [], occurrences: {}, errors: [] };

  let root;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (e) {
    result.errors.push(`parse: ${e.message}`);
    return result;
  }
  const vevents = root.name === "vevent" ? [root] : root.getAllSubcomponents("vevent");

  const masters = new Map();
  const overrides = new Map();
  for (const comp of vevents) {
    let ev;
    try {
      ev = new ICAL.Event(comp);
      if (!ev.startDate) {
        result.errors.push(`${ev.uid}: no DTSTART`);
        continue;
      }
      result.events.push({
        uid: ev.uid,
        recurrence_id: ev.recurrenceId ? fmt(ev.recurrenceId) : null,
        start: fmt(ev.startDate),
        end: fmt(endOf(ev)),
      });
    } catch (e) {
      result.errors.push(`event: ${e.message}`);
      continue;
    }
    if (ev.isRecurrenceException()) {
      if (!overrides.has(ev.uid)) overrides.set(ev.uid, []);
      overrides.get(ev.uid).push(comp);
    } else if (!masters.has(ev.uid)) {
      masters.set(ev.uid, comp);
    }
  }

  const inWindow = (s) => key(s) >= wStart && key(s) < wEnd;
  for (const [uid, comp] of masters) {
    const exceptions = overrides.get(uid) || [];
    const starts = [];
    try {
      const ev = new ICAL.Event(comp, { exceptions });
      if (!ev.isRecurring()) {
        // a lone override may still name the single instance
        const details = ev.getOccurrenceDetails(ev.startDate);
        starts.push(fmt(details.startDate));
      } else {
        const it = ev.iterator();
        let next;
        let n = 0;
        while ((next = it.next()) && n++ < 100000) {
          if (next.toUnixTime() > stopAt) break;
          starts.push(fmt(ev.getOccurrenceDetails(next).startDate));
        }
      }
    } catch (e) {
      result.errors.push(`${uid}: expand: ${e.message}`);
    }
    result.occurrences[uid] = starts
      .filter(inWindow)
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .slice(0, MAX_OCCURRENCES);
  }
  for (const [uid, comps] of overrides) {
    if (masters.has(uid)) continue; // orphan overrides: each is a single occurrence
    result.occurrences[uid] = comps
      .map((c) => fmt(new ICAL.Event(c).startDate))
      .filter(inWindow)
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return result;
}

function main() {
  const args = process.argv.slice(2);
  const many = args[0] === "--many";
  const [wStart, wEnd] = args.slice(many ? 1 : 0).map((s) => s.slice(0, 19));
  const input = readFileSync(0, "utf8");
  if (!many) {
    process.stdout.write(JSON.stringify(readOne(input, wStart, wEnd)));
    return;
  }
  const results = JSON.parse(input).map((text) => {
    try {
      return readOne(text, wStart, wEnd);
    } catch (e) {
      return { reader: `ical.js ${VERSION}`, events: [], occurrences: {}, errors: [`crash: ${e.message}`] };
    }
  });
  process.stdout.write(JSON.stringify(results));
}

main();
