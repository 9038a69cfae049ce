"""Deterministic realistic calendars for the benchmark (``python bench/generate.py --sizes 1000,10000``).

Each size N gives ``bench/data/cal_N.ics`` (N VEVENTs) plus ``graph_N.json`` (``{"value": [...]}``)
and ``google_N.json`` (``{"kind": "calendar#events", "items": [...]}``), the JSON made by converting
the ICS with the library (streaming, so 100k does not need the whole calendar in memory).

Content, all from ``random.Random(seed)``: timed events in six zones (each with its VTIMEZONE),
all-day events, recurring series (daily/weekly/monthly) with overrides and EXDATEs — one override
in ten placed at the end of the file, far from its master — 2–6 attendees, a VALARM on most
events, long non-ASCII descriptions, and every line folded at 75 octets as RFC 5545 requires.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE.parent))

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", "Europe/London",
         "America/Los_Angeles"]
WORDS = ("réunion", "Besprechung", "会議", "встреча", "reunión", "planning", "Überprüfung", "budget",
         "équipe", "projet", "Zusammenfassung", "進捗", "обзор", "café", "naïve", "δοκιμή", "roadmap",
         "quarterly", "Straße", "sprint", "日本語", "ünïcödé", "follow-up", "décision")
NAMES = ("Ana", "Björn", "Chloé", "Dmitri", "Eiko", "François", "Günther", "Hélène", "Ivan", "José",
         "Kenji", "Łukasz", "María", "Nuño", "Øystein", "Pál", "Renée", "Søren", "Tomás", "Zoë")


def fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets split with CRLF + space, never inside a UTF-8 character."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    out = bytearray()
    limit = 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(out) + len(b) > limit:
            parts.append(out.decode("utf-8"))
            out = bytearray()
            limit = 74  # the leading space counts
        out += b
    parts.append(out.decode("utf-8"))
    return "\r\n ".join(parts) + "\r\n"


def esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def fmt(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%S")


def vtimezones() -> list[str]:
    from ics_bridge.timezones import vtimezone
    out = []
    for zone in ZONES:
        text = vtimezone(zone, start=date(2023, 1, 1)).to_ical().decode("utf-8")
        out.append(text.replace("\r\n", "\n").replace("\n", "\r\n"))
    return out


class Gen:
    def __init__(self, n: int, seed: int = 7) -> None:
        self.n = n
        self.rng = random.Random(seed * 1_000_003 + n)
        self.count = 0
        self.late: list[str] = []  # overrides written at the end of the file

    def attendees(self, lines: list[str]) -> None:
        rng = self.rng
        org = rng.choice(NAMES)
        lines.append(f"ORGANIZER;CN={org}:mailto:{org.lower().encode('ascii', 'ignore').decode() or 'x'}@example.com")
        for i in range(rng.randint(2, 6)):
            name = rng.choice(NAMES)
            mail = (name.lower().encode("ascii", "ignore").decode() or "p") + f".{i}@example.org"
            stat = rng.choice(("ACCEPTED", "TENTATIVE", "NEEDS-ACTION", "DECLINED"))
            lines.append(f'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={stat};RSVP=TRUE;CN="{name} {i}":mailto:{mail}')

    def common(self, lines: list[str], uid: str, stamp: datetime) -> None:
        rng = self.rng
        lines.append(f"UID:{uid}")
        lines.append(f"DTSTAMP:{fmt(stamp)}Z")
        lines.append(f"SUMMARY:{esc(sentence(rng, rng.randint(2, 6)).capitalize())}")
        desc = "\n".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(3, 12)))
        lines.append(f"DESCRIPTION:{esc(desc)}")
        if rng.random() < 0.6:
            lines.append(f"LOCATION:{esc(rng.choice(('Salle Émile', 'Raum 3.14', '会議室 A', 'Café Zürich', 'Room 101')))}")
        if rng.random() < 0.3:
            lines.append(f"CATEGORIES:{rng.choice(('Work', 'Projet', 'Privé'))}")
        lines.append(f"SEQUENCE:{rng.randint(0, 3)}")
        lines.append(f"STATUS:{rng.choice(('CONFIRMED', 'CONFIRMED', 'TENTATIVE'))}")
        lines.append(f"TRANSP:{rng.choice(('OPAQUE', 'OPAQUE', 'TRANSPARENT'))}")

    def alarm(self, lines: list[str]) -> None:
        if self.rng.random() < 0.8:
            mins = self.rng.choice((5, 10, 15, 30, 60))
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder", f"TRIGGER:-PT{mins}M", "END:VALARM"]

    def block(self, lines: list[str]) -> str:
        self.count += 1
        return "".join(fold(line) for line in ["BEGIN:VEVENT", *lines, "END:VEVENT"])

    def events(self):
        rng = self.rng
        base = datetime(2024, 1, 8, 0, 0)
        i = 0
        while self.count < self.n:
            i += 1
            uid = f"{i:07d}-{rng.getrandbits(48):012x}@bench.ics-bridge.example"
            stamp = datetime(2024, 1, 1) + timedelta(minutes=i)
            kind = rng.random()
            start = base + timedelta(days=rng.randint(0, 500), hours=rng.randint(7, 18), minutes=rng.choice((0, 15, 30, 45)))
            zone = rng.choice(ZONES)
            lines: list[str] = []
            if kind < 0.15:  # all-day
                day = start.date()
                self.common(lines, uid, stamp)
                lines.insert(2, f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
                lines.insert(3, f"DTEND;VALUE=DATE:{day + timedelta(days=rng.randint(1, 3)):%Y%m%d}")
                self.alarm(lines)
                yield self.block(lines)
            elif kind < 0.75 or self.n - self.count < 5:  # timed single
                self.common(lines, uid, stamp)
                end = start + timedelta(minutes=rng.choice((30, 45, 60, 90)))
                if rng.random() < 0.1:
                    lines.insert(2, f"DTSTART:{fmt(start)}Z")
                    lines.insert(3, f"DTEND:{fmt(end)}Z")
                else:
                    lines.insert(2, f"DTSTART;TZID={zone}:{fmt(start)}")
                    lines.insert(3, f"DTEND;TZID={zone}:{fmt(end)}")
                self.attendees(lines)
                self.alarm(lines)
                yield self.block(lines)
            else:  # recurring series
                self.common(lines, uid, stamp)
                end = start + timedelta(minutes=rng.choice((30, 60)))
                freq = rng.choice(("DAILY", "WEEKLY", "WEEKLY", "MONTHLY"))
                step = {"DAILY": timedelta(days=1), "WEEKLY": timedelta(days=7), "MONTHLY": None}[freq]
                count = rng.randint(5, 30)
                if freq == "WEEKLY":
                    day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
                    rule = f"RRULE:FREQ=WEEKLY;BYDAY={day};COUNT={count}"
                else:
                    rule = f"RRULE:FREQ={freq};COUNT={count}"
                if freq == "MONTHLY" and start.day > 28:
                    start = start.replace(day=28)
                    end = start + timedelta(minutes=60)
                lines.insert(2, f"DTSTART;TZID={zone}:{fmt(start)}")
                lines.insert(3, f"DTEND;TZID={zone}:{fmt(end)}")
                lines.append(rule)
                occ = [start + k * step for k in range(1, count)] if step else \
                    [start.replace(year=start.year + (start.month - 1 + k) // 12, month=(start.month - 1 + k) % 12 + 1)
                     for k in range(1, count)]
                picks = rng.sample(occ, min(len(occ), rng.randint(0, 4)))
                ex = picks[: len(picks) // 2]
                ov = picks[len(picks) // 2:]
                if ex:
                    lines.append(f"EXDATE;TZID={zone}:" + ",".join(fmt(d) for d in sorted(ex)))
                self.attendees(lines)
                self.alarm(lines)
                yield self.block(lines)
                for rid in ov:
                    if self.count >= self.n:
                        break
                    o: list[str] = []
                    self.common(o, uid, stamp)
                    moved = rid + timedelta(hours=rng.choice((1, 2, -1)))
                    o.insert(2, f"RECURRENCE-ID;TZID={zone}:{fmt(rid)}")
                    o.insert(3, f"DTSTART;TZID={zone}:{fmt(moved)}")
                    o.insert(4, f"DTEND;TZID={zone}:{fmt(moved + (end - start))}")
                    self.attendees(o)
                    text = self.block(o)
                    if rng.random() < 0.1:
                        self.late.append(text)
                    else:
                        yield text
        yield from self.late


def write_ics(path: Path, n: int, seed: int = 7) -> None:
    gen = Gen(n, seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ics-bridge//bench generator//EN\r\n"
                 "CALSCALE:GREGORIAN\r\nX-WR-CALNAME:Bench calendar\r\n")
        for vtz in vtimezones():
            fh.write(vtz)
        for text in gen.events():
            fh.write(text)
        fh.write("END:VCALENDAR\r\n")


def write_json(ics: Path, target: str, out: Path) -> None:
    from ics_bridge.pipeline import convert_file
    convert_file(ics, out, to=target)


def ensure(n: int, seed: int = 7, *, force: bool = False) -> dict[str, Path]:
    DATA.mkdir(parents=True, exist_ok=True)
    paths = {"ics": DATA / f"cal_{n}.ics", "graph": DATA / f"graph_{n}.json", "google": DATA / f"google_{n}.json"}
    if force or not paths["ics"].exists():
        write_ics(paths["ics"], n, seed)
    for target in ("graph", "google"):
        if force or not paths[target].exists():
            write_json(paths["ics"], target, paths[target])
    return paths


def ensure_many(count: int = 200, per_file: int = 50) -> Path:
    """``count`` small calendars for the ``--jobs`` scaling run."""
    folder = DATA / f"many_{count}x{per_file}"
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        path = folder / f"cal_{k:03d}.ics"
        if not path.exists():
            write_ics(path, per_file, seed=1000 + k)
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        for kind, path in ensure(n, force=args.force).items():
            print(f"{kind:6} {n:>8} {path} {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
