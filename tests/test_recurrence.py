"""Recurrence: Graph patternedRecurrence ↔ RRULE, checked by expanding both sides independently.

* Graph → RRULE: the written RRULE is expanded with python-dateutil and compared, as UTC
  instants (all-day: dates), with :func:`expand_graph_dates` (Outlook semantics) plus the series
  start time in the series zone — over 2+ years, across DST changes in Europe/Paris,
  America/New_York and Australia/Sydney, for every pattern type and range type; explicit cases
  and hypothesis-generated ones.
* RRULE → Graph: the interop-notes cases 19–31 (shared/design/interop-notes.md section 3), each
  accepted one round-tripped RRULE → Graph → RRULE and compared by expansion; refused ones must
  name the reason.  ``rrule_to_graph`` takes the typed hub's rule (``model.Recur``, as the .ics
  reader builds it) and must never raise (hypothesis over typed rules with values out of range),
  and whatever it accepts must expand exactly like the RRULE it came from.
* The written RRULE forms are read the same by the independent readers of tests/interop
  (ical.js, libical, ical, recurring-ical-events, vobject), except for one measured ical.js
  limitation that is asserted as such.
"""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar.prop import vRecur

from ics_bridge import model as m
from ics_bridge.io.model_reader import parse_recur
from ics_bridge.io.model_writer import recur_text
from ics_bridge.recurrence import (GRAPH_DAYS, PatternError, RuleResult, end_date_from_until,
                                   expand_graph_dates, graph_to_rrule, rrule_to_graph,
                                   until_from_end_date)

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
ZONES = {"paris": PARIS, "new_york": NEW_YORK, "sydney": SYDNEY, "all_day": None}
SPAN = timedelta(days=800)  # > 2 years: every DST change of both hemispheres, twice
WEEKDAYS_ONLY = ["monday", "tuesday", "wednesday", "thursday", "friday"]

# ---------------------------------------------------------------- helpers


def series_start(day: date, zone: ZoneInfo | None, at: time = time(9, 0)) -> date | datetime:
    """The DTSTART of a series: a date for all-day, else wall-clock time in the zone."""
    return day if zone is None else datetime.combine(day, at, tzinfo=zone)


def _instant(value: datetime | date) -> datetime | date:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value
    return value


def rrule_instants(rule: m.Recur | vRecur | str, dtstart: date | datetime, horizon: date) -> list[Any]:
    """dateutil's expansion of the RRULE text, as UTC instants (dates for all-day), before horizon."""
    text = rule if isinstance(rule, str) else recur_text(rule) if isinstance(rule, m.Recur) else rule.to_ical().decode()
    all_day = not isinstance(dtstart, datetime)
    start = datetime.combine(dtstart, time()) if all_day else dtstart
    out: list[Any] = []
    for occurrence in rrulestr(text, dtstart=start):
        if occurrence.date() >= horizon or len(out) >= 5000:
            break
        out.append(occurrence.date() if all_day else occurrence.astimezone(UTC))
    return out


def graph_instants(pattern: dict[str, Any], rng: dict[str, Any], dtstart: date | datetime,
                   horizon: date) -> list[Any]:
    """Outlook's occurrence dates (expand_graph_dates) + the series start time in its zone."""
    if not isinstance(dtstart, datetime):
        return list(expand_graph_dates(pattern, rng, dtstart, horizon))
    wall = dtstart.timetz().replace(tzinfo=None)
    return [datetime.combine(d, wall, tzinfo=dtstart.tzinfo).astimezone(UTC)
            for d in expand_graph_dates(pattern, rng, dtstart.date(), horizon)]


def check_graph_to_rrule(pattern: dict[str, Any], rng: dict[str, Any], dtstart: date | datetime,
                         span: timedelta = SPAN) -> m.Recur:
    zone = dtstart.tzinfo if isinstance(dtstart, datetime) else None
    rule, _notes = graph_to_rrule(pattern, rng, dtstart, zone)
    day = dtstart.date() if isinstance(dtstart, datetime) else dtstart
    horizon = day + span
    want = graph_instants(pattern, rng, dtstart, horizon)
    got = rrule_instants(rule, dtstart, horizon)
    assert got == want, f"{recur_text(rule)}: only RRULE {sorted(set(got) - set(want))[:5]}, " \
                        f"only Graph {sorted(set(want) - set(got))[:5]}"
    return rule


def graph_range(kind: str, start: date, *, count: int = 14, days: int = 500) -> dict[str, Any]:
    if kind == "numbered":
        return {"type": "numbered", "numberOfOccurrences": count, "startDate": start.isoformat()}
    if kind == "endDate":
        return {"type": "endDate", "endDate": (start + timedelta(days=days)).isoformat(),
                "startDate": start.isoformat()}
    return {"type": "noEnd", "startDate": start.isoformat()}


def parse(text: str) -> m.Recur:
    """An RRULE value as the hub holds it (the .ics reader's typed rule)."""
    return parse_recur(text)


def accepted(result: RuleResult) -> tuple[dict[str, Any], dict[str, Any]]:
    assert result.recurrence is not None, result.problems
    return result.recurrence.pattern, result.recurrence.range


# ---------------------------------------------------------------- Graph → RRULE, explicit

PATTERNS: dict[str, dict[str, Any]] = {
    "daily": {"type": "daily", "interval": 1},
    "daily_3": {"type": "daily", "interval": 3},
    "weekly_mo_fr": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday", "friday"],
                     "firstDayOfWeek": "monday"},
    "weekly_2_su_mo_we_wkst_mo": {"type": "weekly", "interval": 2, "daysOfWeek": ["sunday", "monday", "wednesday"],
                                  "firstDayOfWeek": "monday"},
    "weekly_2_su_mo_we_wkst_su": {"type": "weekly", "interval": 2, "daysOfWeek": ["sunday", "monday", "wednesday"],
                                  "firstDayOfWeek": "sunday"},
    "weekly_3_sa_su_wkst_we": {"type": "weekly", "interval": 3, "daysOfWeek": ["saturday", "sunday"],
                               "firstDayOfWeek": "wednesday"},
    "abs_monthly_15": {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 15},
    "abs_monthly_29": {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 29},
    "abs_monthly_30": {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 30},
    "abs_monthly_31": {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
    "abs_monthly_31_every_5": {"type": "absoluteMonthly", "interval": 5, "dayOfMonth": 31},
    "rel_monthly_first_mo": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["monday"], "index": "first"},
    "rel_monthly_second_tu": {"type": "relativeMonthly", "interval": 2, "daysOfWeek": ["tuesday"], "index": "second"},
    "rel_monthly_third_we": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["wednesday"], "index": "third"},
    "rel_monthly_fourth_su": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["sunday"], "index": "fourth"},
    "rel_monthly_last_th": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["thursday"], "index": "last"},
    "rel_monthly_last_weekday": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": WEEKDAYS_ONLY,
                                 "index": "last"},
    "rel_monthly_first_weekend_day": {"type": "relativeMonthly", "interval": 1,
                                      "daysOfWeek": ["saturday", "sunday"], "index": "first"},
    "rel_monthly_second_weekend_day": {"type": "relativeMonthly", "interval": 3,
                                       "daysOfWeek": ["saturday", "sunday"], "index": "second"},
    "rel_monthly_last_day": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": list(GRAPH_DAYS),
                             "index": "last"},
    "abs_yearly_mar_15": {"type": "absoluteYearly", "interval": 1, "month": 3, "dayOfMonth": 15},
    "abs_yearly_feb_29": {"type": "absoluteYearly", "interval": 1, "month": 2, "dayOfMonth": 29},
    "abs_yearly_jan_31_every_2": {"type": "absoluteYearly", "interval": 2, "month": 1, "dayOfMonth": 31},
    "abs_yearly_apr_30": {"type": "absoluteYearly", "interval": 1, "month": 4, "dayOfMonth": 30},
    "rel_yearly_last_su_oct": {"type": "relativeYearly", "interval": 1, "month": 10, "daysOfWeek": ["sunday"],
                               "index": "last"},
    "rel_yearly_second_weekday_mar": {"type": "relativeYearly", "interval": 1, "month": 3,
                                      "daysOfWeek": WEEKDAYS_ONLY, "index": "second"},
    "rel_yearly_fourth_th_nov": {"type": "relativeYearly", "interval": 1, "month": 11, "daysOfWeek": ["thursday"],
                                 "index": "fourth"},
}


def first_occurrence(pattern: dict[str, Any], day: date) -> date:
    """Graph moves a series start onto its first occurrence; do the same for realistic DTSTARTs."""
    return next(expand_graph_dates(pattern, {"type": "noEnd"}, day, day + timedelta(days=3000)))


@pytest.mark.parametrize("zone_name", list(ZONES))
@pytest.mark.parametrize("range_kind", ["noEnd", "numbered", "endDate"])
@pytest.mark.parametrize("name", list(PATTERNS))
def test_graph_to_rrule_expands_like_outlook(name: str, range_kind: str, zone_name: str) -> None:
    pattern = PATTERNS[name]
    zone = ZONES[zone_name]
    for raw_start in (date(2026, 1, 30), date(2027, 2, 27)):  # also a start that is not an occurrence
        for day in (raw_start, first_occurrence(pattern, raw_start)):
            rng = graph_range(range_kind, day, count=25, days=600)
            check_graph_to_rrule(pattern, rng, series_start(day, zone))


@pytest.mark.parametrize("zone", [PARIS, NEW_YORK, SYDNEY], ids=["paris", "new_york", "sydney"])
@pytest.mark.parametrize("at", [time(0, 0), time(2, 30), time(23, 30)])
def test_graph_to_rrule_at_dst_edge_times(zone: ZoneInfo, at: time) -> None:
    """Start times inside the DST gap/overlap (02:30) and near midnight keep their wall clock."""
    for name in ("daily", "weekly_mo_fr", "rel_monthly_last_day", "abs_monthly_31"):
        day = first_occurrence(PATTERNS[name], date(2026, 1, 5))
        for range_kind in ("noEnd", "endDate"):
            check_graph_to_rrule(PATTERNS[name], graph_range(range_kind, day, days=700),
                                 series_start(day, zone, at))


def test_case_19_weekly_numbered_text() -> None:
    pattern = {"type": "weekly", "interval": 1, "daysOfWeek": ["monday", "friday"], "firstDayOfWeek": "monday"}
    rng = {"type": "numbered", "numberOfOccurrences": 10}
    rule, _ = graph_to_rrule(pattern, rng, datetime(2026, 3, 2, 9, tzinfo=PARIS), PARIS)
    assert recur_text(rule) == "FREQ=WEEKLY;COUNT=10;BYDAY=MO,FR;WKST=MO"


def test_case_20_end_date_is_end_of_local_day() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=PARIS)
    until = until_from_end_date(date(2026, 9, 30), start, PARIS)
    assert until == datetime(2026, 9, 30, 21, 59, 59, tzinfo=UTC)
    rule, _ = graph_to_rrule({"type": "daily", "interval": 1}, {"type": "endDate", "endDate": "2026-09-30"},
                             start, PARIS)
    assert "UNTIL=20260930T215959Z" in recur_text(rule)
    last = rrule_instants(rule, start, date(2027, 1, 1))[-1]
    assert last == datetime(2026, 9, 30, 7, tzinfo=UTC)  # the 30 Sept occurrence is kept


def test_case_21_all_day_until_is_a_date() -> None:
    rule, _ = graph_to_rrule({"type": "weekly", "interval": 1, "daysOfWeek": ["wednesday"]},
                             {"type": "endDate", "endDate": "2023-04-05"}, date(2023, 3, 1), None)
    assert rule.until == date(2023, 4, 5)
    assert "UNTIL=20230405;" in recur_text(rule)
    assert rrule_instants(rule, date(2023, 3, 1), date(2024, 1, 1))[-1] == date(2023, 4, 5)


def test_case_22_last_weekday_uses_bysetpos() -> None:
    rule, _ = graph_to_rrule(PATTERNS["rel_monthly_last_weekday"], {"type": "noEnd"},
                             datetime(2026, 3, 31, 9, tzinfo=PARIS), PARIS)
    assert recur_text(rule) == "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"


def test_case_24_day_31_is_last_day_and_29_30_use_bysetpos() -> None:
    start = datetime(2026, 1, 31, 9, tzinfo=PARIS)
    rule, notes = graph_to_rrule(PATTERNS["abs_monthly_31"], {"type": "noEnd"}, start, PARIS)
    assert rule.bymonthday == (-1,) and notes
    rule, notes = graph_to_rrule(PATTERNS["abs_monthly_30"], {"type": "noEnd"}, start, PARIS)
    assert rule.bymonthday == (28, 29, 30) and rule.bysetpos == (-1,)
    assert any("ical.js" in n for n in notes)
    dates = [i.date() for i in rrule_instants(rule, start, date(2026, 6, 1))]
    assert dates == [date(2026, 2, 28), date(2026, 3, 30), date(2026, 4, 30), date(2026, 5, 30)]


def test_feb_29_yearly_falls_back_to_feb_28() -> None:
    start = date(2028, 2, 29)
    rule = check_graph_to_rrule(PATTERNS["abs_yearly_feb_29"], {"type": "noEnd"}, start, timedelta(days=3000))
    assert rule.bymonthday == (-1,)
    assert rrule_instants(rule, start, date(2031, 1, 1)) == [date(2028, 2, 29), date(2029, 2, 28),
                                                             date(2030, 2, 28)]


def test_case_30_no_end_has_no_until() -> None:
    rule, _ = graph_to_rrule({"type": "daily", "interval": 1},
                             {"type": "noEnd", "endDate": "0001-01-01", "numberOfOccurrences": 0},
                             datetime(2026, 3, 2, 9, tzinfo=PARIS), PARIS)
    assert rule.until is None and rule.count is None


@pytest.mark.parametrize("pattern", [
    {"type": "hourly", "interval": 1},
    {"type": "weekly", "interval": 1, "daysOfWeek": ["funday"]},
    {"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["monday"], "index": "fifth"},
    {"type": "daily", "interval": -2},
])
def test_graph_patterns_graph_rejects_raise_a_located_input_error(pattern: dict[str, Any]) -> None:
    with pytest.raises(PatternError) as err:
        graph_to_rrule(pattern, {"type": "noEnd"}, date(2026, 1, 1), None)
    assert err.value.field and err.value.field.startswith("recurrence.pattern.")
    assert isinstance(err.value, ValueError)


def test_graph_enum_case_is_ignored() -> None:
    rule, _ = graph_to_rrule({"type": "relativeMonthly", "daysOfWeek": ["Thursday"], "index": "Last",
                              "firstDayOfWeek": "Monday"}, {"type": "noEnd"}, date(2026, 1, 29), None)
    assert rule.byday == (m.WeekdayNum(-1, "TH"),) and rule.wkst == "MO"


# ---------------------------------------------------------------- Graph → RRULE, hypothesis

DAY_SETS = st.lists(st.sampled_from(GRAPH_DAYS), min_size=1, max_size=7, unique=True)


@st.composite
def graph_series(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], date | datetime]:
    kind = draw(st.sampled_from(["daily", "weekly", "absoluteMonthly", "relativeMonthly",
                                 "absoluteYearly", "relativeYearly"]))
    pattern: dict[str, Any] = {"type": kind, "interval": draw(st.integers(1, 4))}
    if kind == "weekly":
        pattern["daysOfWeek"] = draw(DAY_SETS)
        pattern["firstDayOfWeek"] = draw(st.sampled_from(GRAPH_DAYS))
    if kind in ("absoluteYearly", "relativeYearly"):
        pattern["month"] = draw(st.integers(1, 12))
    if kind == "absoluteMonthly":
        pattern["dayOfMonth"] = draw(st.integers(1, 31))
    if kind == "absoluteYearly":
        pattern["dayOfMonth"] = draw(st.integers(1, 29 if pattern["month"] == 2 else
                                                 calendar.monthrange(2001, pattern["month"])[1]))
    if kind in ("relativeMonthly", "relativeYearly"):
        pattern["daysOfWeek"] = draw(DAY_SETS)
        pattern["index"] = draw(st.sampled_from(["first", "second", "third", "fourth", "last"]))
    if kind != "weekly" and draw(st.booleans()):
        pattern["firstDayOfWeek"] = draw(st.sampled_from(GRAPH_DAYS))
    day = draw(st.dates(date(2024, 1, 1), date(2027, 12, 31)))
    if draw(st.booleans()):
        day = first_occurrence(pattern, day)
    zone = draw(st.sampled_from(list(ZONES.values())))
    at = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30, 59])))
    range_kind = draw(st.sampled_from(["noEnd", "numbered", "endDate"]))
    rng = graph_range(range_kind, day, count=draw(st.integers(1, 40)), days=draw(st.integers(0, 900)))
    return pattern, rng, series_start(day, zone, at)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_series())
def test_graph_to_rrule_property(series: tuple[dict[str, Any], dict[str, Any], date | datetime]) -> None:
    pattern, rng, dtstart = series
    check_graph_to_rrule(pattern, rng, dtstart)


# ---------------------------------------------------------------- RRULE → Graph, interop cases

def roundtrip(text: str, dtstart: date | datetime, zone: ZoneInfo | None, *,
              original: str | None = None, span: timedelta = SPAN, rule: m.Recur | None = None) -> RuleResult:
    """RRULE → Graph must be exact: the original (dateutil), the Graph pattern (Outlook
    semantics) and the RRULE written back from it all expand to the same instants."""
    result = rrule_to_graph(rule or parse(text), dtstart, zone)
    pattern, rng = accepted(result)
    day = dtstart.date() if isinstance(dtstart, datetime) else dtstart
    horizon = day + span
    want = rrule_instants(original or text, dtstart, horizon)
    assert want, "a case that never occurs proves nothing"
    assert graph_instants(pattern, rng, dtstart, horizon) == want
    back, _ = graph_to_rrule(pattern, rng, dtstart, zone)
    assert rrule_instants(back, dtstart, horizon) == want, recur_text(back)
    return result


def test_case_19_back() -> None:
    result = roundtrip("FREQ=WEEKLY;BYDAY=MO,FR;WKST=MO;COUNT=10", datetime(2026, 3, 2, 9, tzinfo=PARIS), PARIS)
    assert result.recurrence.pattern == {"interval": 1, "firstDayOfWeek": "monday", "type": "weekly",
                                         "daysOfWeek": ["monday", "friday"]}
    assert result.recurrence.range == {"type": "numbered", "numberOfOccurrences": 10}


def test_case_20_back_paris() -> None:
    result = roundtrip("FREQ=DAILY;UNTIL=20260930T215959Z", datetime(2026, 9, 1, 9, tzinfo=PARIS), PARIS)
    assert result.recurrence.range == {"type": "endDate", "endDate": "2026-09-30"}


def test_case_20_back_us_evening() -> None:
    start = datetime(2026, 9, 1, 19, tzinfo=NEW_YORK)
    result = roundtrip("FREQ=DAILY;UNTIL=20261001T035959Z", start, NEW_YORK)
    assert result.recurrence.range == {"type": "endDate", "endDate": "2026-09-30"}  # not 10-01


@pytest.mark.parametrize("until, end", [
    ("20260930T000000Z", "2026-09-29"),  # 02:00 Paris on the 30th: the 09:00 occurrence is excluded
    ("20260930T070000Z", "2026-09-30"),  # exactly the last occurrence: included (inclusive UNTIL)
    ("20260930T065959Z", "2026-09-29"),
    ("20260930T215959Z", "2026-09-30"),
    ("20260930T220000Z", "2026-09-30"),  # 00:00 Paris on 1 Oct: the 1 Oct occurrence is after it
])
def test_until_before_start_time_of_its_day_is_not_gained(until: str, end: str) -> None:
    start = datetime(2026, 9, 1, 9, tzinfo=PARIS)
    result = roundtrip(f"FREQ=DAILY;UNTIL={until}", start, PARIS)
    assert result.recurrence.range["endDate"] == end


def test_end_date_from_until_without_dtstart_keeps_the_local_date() -> None:
    assert end_date_from_until(datetime(2026, 10, 1, 3, 59, 59, tzinfo=UTC), NEW_YORK) == date(2026, 9, 30)
    assert end_date_from_until(date(2026, 9, 30), PARIS) == date(2026, 9, 30)


def test_case_21_back_all_day_date_until() -> None:
    result = roundtrip("FREQ=WEEKLY;BYDAY=WE;UNTIL=20230405", date(2023, 3, 1), None)
    assert result.recurrence.range == {"type": "endDate", "endDate": "2023-04-05"}


def test_case_21_google_date_until_on_timed_series_is_inclusive() -> None:
    start = datetime(2022, 3, 2, 9, tzinfo=PARIS)
    result = rrule_to_graph(parse("FREQ=WEEKLY;BYDAY=WE;UNTIL=20220420"), start, PARIS)
    assert accepted(result)[1] == {"type": "endDate", "endDate": "2022-04-20"}


def test_case_22_back_last_weekday() -> None:
    result = roundtrip("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", datetime(2026, 3, 31, 9, tzinfo=PARIS), PARIS)
    assert result.recurrence.pattern == {"interval": 1, "type": "relativeMonthly",
                                         "daysOfWeek": WEEKDAYS_ONLY, "index": "last"}


def test_case_22_davmail_per_day_prefix_is_refused() -> None:
    result = rrule_to_graph(parse("FREQ=MONTHLY;BYDAY=-1MO,-1TU,-1WE,-1TH,-1FR"), date(2026, 3, 27), None)
    assert result.recurrence is None and "BYDAY" in result.problems[0]


@pytest.mark.parametrize("text", ["FREQ=MONTHLY;BYDAY=TH;BYSETPOS=-1", "FREQ=MONTHLY;BYDAY=-1TH"])
def test_case_23_last_thursday_both_forms(text: str) -> None:
    result = roundtrip(text, datetime(2026, 3, 26, 18, tzinfo=NEW_YORK), NEW_YORK)
    assert result.recurrence.pattern == {"interval": 1, "type": "relativeMonthly",
                                         "daysOfWeek": ["thursday"], "index": "last"}


@pytest.mark.parametrize("text", ["FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
                                  "FREQ=MONTHLY;BYMONTHDAY=31,30,29,28;BYSETPOS=-1"])
def test_case_24_bysetpos_form_is_day_31(text: str) -> None:
    result = roundtrip(text, datetime(2026, 1, 31, 9, tzinfo=SYDNEY), SYDNEY)
    assert result.recurrence.pattern == {"interval": 1, "type": "absoluteMonthly", "dayOfMonth": 31}


def test_case_24_rscale_skip_backward_is_day_31() -> None:
    # dateutil cannot read RSCALE: the original is expanded from its RFC 5545 equivalent.
    # The rule as typed (the .ics reader's icalendar fallback gives SKIP as "VSKIP.BACKWARD" today).
    text = "RSCALE=GREGORIAN;FREQ=MONTHLY;BYMONTHDAY=31;SKIP=BACKWARD"
    typed = m.Recur(text, freq="MONTHLY", bymonthday=(31,), rscale="GREGORIAN", skip="BACKWARD")
    result = roundtrip(text, datetime(2026, 1, 31, 9, tzinfo=SYDNEY), SYDNEY,
                       original="FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1", rule=typed)
    assert result.recurrence.pattern == {"interval": 1, "type": "absoluteMonthly", "dayOfMonth": 31}


def test_case_24_plain_day_31_is_refused_with_reason() -> None:
    result = rrule_to_graph(parse("FREQ=MONTHLY;BYMONTHDAY=31"), datetime(2026, 1, 31, 9, tzinfo=PARIS), PARIS)
    assert result.recurrence is None
    assert any("BYMONTHDAY=31" in p and "last day" in p for p in result.problems)
    # and the same for a DTSTART on the 31st with no BYMONTHDAY
    assert rrule_to_graph(parse("FREQ=MONTHLY"), datetime(2026, 1, 31, 9, tzinfo=PARIS), PARIS).recurrence is None
    forward = m.Recur("RSCALE=GREGORIAN;FREQ=MONTHLY;BYMONTHDAY=31;SKIP=FORWARD", freq="MONTHLY",
                      bymonthday=(31,), rscale="GREGORIAN", skip="FORWARD")
    refused = rrule_to_graph(forward, datetime(2026, 1, 31, 9, tzinfo=PARIS), PARIS)
    assert refused.recurrence is None and any("skips shorter months" in p for p in refused.problems)


def test_case_24_days_29_and_30() -> None:
    start = datetime(2026, 1, 30, 9, tzinfo=PARIS)
    assert accepted(roundtrip("FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1", start, PARIS))[0]["dayOfMonth"] == 30
    start = datetime(2026, 1, 29, 9, tzinfo=PARIS)
    assert accepted(roundtrip("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=28,29;BYSETPOS=-1", start, PARIS))[0] == {
        "interval": 2, "type": "absoluteMonthly", "dayOfMonth": 29}
    refused = rrule_to_graph(parse("FREQ=MONTHLY;BYMONTHDAY=29,30,31;BYSETPOS=-1"), start, PARIS)
    assert refused.recurrence is None  # skips February in common years: not Outlook's day 31


def test_case_25_last_day_of_month_is_day_31() -> None:
    result = roundtrip("FREQ=MONTHLY;BYMONTHDAY=-1", datetime(2026, 1, 31, 9, tzinfo=NEW_YORK), NEW_YORK)
    assert result.recurrence.pattern == {"interval": 1, "type": "absoluteMonthly", "dayOfMonth": 31}
    # Outlook's day 31 is the last day of *every* month (expand_graph_dates, independent of the RRULE)
    ends = list(expand_graph_dates(result.recurrence.pattern, {"type": "noEnd"}, date(2026, 1, 1),
                                   date(2029, 1, 1)))
    assert ends == [date(y, m, calendar.monthrange(y, m)[1]) for y in (2026, 2027, 2028) for m in range(1, 13)]


def test_case_25_yearly_last_day_of_february() -> None:
    result = roundtrip("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", date(2027, 2, 28), None, span=timedelta(days=3000))
    assert result.recurrence.pattern == {"interval": 1, "type": "absoluteYearly", "month": 2, "dayOfMonth": 29}


def test_case_26_daily_weekdays_is_weekly() -> None:
    result = roundtrip("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", datetime(2026, 3, 2, 8, tzinfo=SYDNEY), SYDNEY)
    assert result.recurrence.pattern == {"interval": 1, "type": "weekly", "daysOfWeek": WEEKDAYS_ONLY,
                                         "firstDayOfWeek": "monday"}
    refused = rrule_to_graph(parse("FREQ=DAILY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR"),
                             datetime(2026, 3, 2, 8, tzinfo=SYDNEY), SYDNEY)
    assert refused.recurrence is None and "INTERVAL" in refused.problems[0]
    refused = rrule_to_graph(parse("FREQ=DAILY;BYDAY=MO,FR;BYSETPOS=2"), date(2026, 3, 2), None)
    assert refused.recurrence is None


def test_case_27_yearly_monthday_without_month_takes_dtstart_month() -> None:
    """Decided per interop case 27 (gcal_sync) and what libical and ical.js do; RFC 5545's table
    ("expand") and dateutil/ical/vobject repeat it every month — so this is noted, and the
    round trip is checked against the explicit BYMONTH form."""
    start = datetime(2026, 3, 15, 9, tzinfo=PARIS)
    result = roundtrip("FREQ=YEARLY;BYMONTHDAY=15;INTERVAL=2", start, PARIS,
                       original="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15;INTERVAL=2", span=timedelta(days=3000))
    assert result.recurrence.pattern == {"interval": 2, "type": "absoluteYearly", "month": 3, "dayOfMonth": 15}
    assert any("BYMONTH" in n and "dateutil" in n for n in result.notes)


def test_yearly_byday_without_bymonth_counts_in_the_year() -> None:
    result = roundtrip("FREQ=YEARLY;BYDAY=1MO", datetime(2027, 1, 4, 9, tzinfo=PARIS), PARIS,
                       span=timedelta(days=2000))
    assert result.recurrence.pattern == {"interval": 1, "type": "relativeYearly", "month": 1,
                                         "daysOfWeek": ["monday"], "index": "first"}
    result = roundtrip("FREQ=YEARLY;BYDAY=-1FR", datetime(2026, 12, 25, 9, tzinfo=PARIS), PARIS,
                       span=timedelta(days=2000))
    assert result.recurrence.pattern["month"] == 12
    assert rrule_to_graph(parse("FREQ=YEARLY;BYDAY=10MO"), date(2026, 3, 9), None).recurrence is None
    assert rrule_to_graph(parse("FREQ=YEARLY;BYDAY=MO"), date(2026, 3, 9), None).recurrence is None


def test_case_28_negative_count_is_dropped_and_until_kept() -> None:
    result = rrule_to_graph(parse("FREQ=YEARLY;UNTIL=20230617;COUNT=-1;INTERVAL=1"), date(2020, 6, 17), None)
    assert accepted(result)[1] == {"type": "endDate", "endDate": "2023-06-17"}
    assert any("COUNT=-1" in n for n in result.notes)
    alone = rrule_to_graph(parse("FREQ=YEARLY;COUNT=-1"), date(2020, 6, 17), None)
    assert alone.recurrence is None and "COUNT=-1" in alone.problems[0]
    both = rrule_to_graph(parse("FREQ=YEARLY;UNTIL=20230617;COUNT=3"), date(2020, 6, 17), None)
    assert both.recurrence is None and "COUNT and UNTIL" in both.problems[0]


def test_case_30_far_future_until_is_no_end() -> None:
    result = rrule_to_graph(parse("FREQ=WEEKLY;BYDAY=TU;UNTIL=45001231T235959Z"),
                            datetime(2026, 3, 3, 9, tzinfo=PARIS), PARIS)
    assert accepted(result)[1] == {"type": "noEnd"}
    assert any("no end" in n for n in result.notes)


@pytest.mark.parametrize("text, part", [
    ("FREQ=DAILY;BYHOUR=9,17", "BYHOUR"),
    ("FREQ=WEEKLY;BYDAY=MO;BYMINUTE=0,30", "BYMINUTE"),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "BYWEEKNO"),
    ("FREQ=YEARLY;BYYEARDAY=100", "BYYEARDAY"),
    ("FREQ=HOURLY;INTERVAL=4", "HOURLY"),
    ("FREQ=MINUTELY", "MINUTELY"),
    ("FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1", "BYMONTH"),
    ("FREQ=MONTHLY;BYMONTHDAY=1,15", "BYMONTHDAY"),
    ("FREQ=MONTHLY;BYMONTH=3", "BYMONTH"),
    ("FREQ=MONTHLY;BYDAY=5MO", "position 5"),
    ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1,2", "BYSETPOS"),
    ("FREQ=MONTHLY;BYDAY=MO", "every matching weekday"),
    ("FREQ=MONTHLY;BYMONTHDAY=15;BYDAY=FR", "BYDAY with BYMONTHDAY"),
    ("FREQ=MONTHLY;BYMONTHDAY=15;BYSETPOS=2", "BYSETPOS"),
    ("FREQ=WEEKLY;BYDAY=1MO", "positions"),
    ("RSCALE=HEBREW;FREQ=YEARLY", "RSCALE"),
    ("FREQ=DAILY;COUNT=0", "COUNT=0"),
])
def test_case_31_refused_naming_the_part(text: str, part: str) -> None:
    result = rrule_to_graph(parse(text), datetime(2026, 3, 2, 9, tzinfo=PARIS), PARIS)
    assert result.recurrence is None
    assert any(part in p for p in result.problems), result.problems


def test_case_31_unknown_rule_part_is_refused_by_name() -> None:
    rule = parse("FREQ=DAILY;X-EXRULE=WEEKLY")
    assert rule.other == (("X-EXRULE", "WEEKLY"),)
    result = rrule_to_graph(rule, date(2026, 3, 2), None)
    assert result.recurrence is None and any("X-EXRULE" in p for p in result.problems)


def test_until_before_start_is_refused() -> None:
    result = rrule_to_graph(parse("FREQ=DAILY;UNTIL=20250101T000000Z"), datetime(2026, 3, 2, 9, tzinfo=PARIS), PARIS)
    assert result.recurrence is None and "before the series start" in result.problems[0]


# ---------------------------------------------------------------- RRULE → Graph, hypothesis

@st.composite
def plausible_rrules(draw: st.DrawFn) -> str:
    """RFC 5545 RRULEs dateutil can expand, biased toward forms near Graph's (and its traps)."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 3))}")
    days = draw(st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), max_size=7, unique=True))
    if days:
        prefix = draw(st.sampled_from(["", "", "1", "2", "4", "-1", "5", "-2"]))
        parts.append("BYDAY=" + ",".join(prefix + d for d in days) if draw(st.booleans())
                     else "BYDAY=" + ",".join(days))
    monthdays = draw(st.sampled_from([[], [], [1], [15], [28], [29], [30], [31], [-1], [-2],
                                      [28, 29, 30, 31], [28, 29, 30], [28, 29], [29, 30, 31], [1, 15]]))
    if monthdays:
        parts.append("BYMONTHDAY=" + ",".join(map(str, monthdays)))
    if draw(st.booleans()):
        parts.append("BYSETPOS=" + draw(st.sampled_from(["1", "-1", "2", "4", "5", "1,-1"])))
    if freq == "YEARLY" or draw(st.integers(0, 5)) == 0:
        months = draw(st.lists(st.integers(1, 12), max_size=2, unique=True))
        if months:
            parts.append("BYMONTH=" + ",".join(map(str, months)))
    if draw(st.booleans()):
        parts.append("WKST=" + draw(st.sampled_from(["MO", "SU", "WE"])))
    end = draw(st.sampled_from(["", "COUNT", "UNTIL"]))
    if end == "COUNT":
        parts.append(f"COUNT={draw(st.integers(1, 30))}")
    elif end == "UNTIL":
        parts.append("UNTIL=" + draw(st.sampled_from(["20270315T000000Z", "20270315T215959Z",
                                                      "20270314T230000Z", "20270601T120000Z"])))
    return ";".join(parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plausible_rrules(), st.dates(date(2025, 1, 1), date(2026, 12, 31)), st.sampled_from(list(ZONES.values())),
       st.integers(0, 23))
@example("FREQ=MONTHLY;BYMONTHDAY=15;BYSETPOS=2", date(2026, 1, 1), PARIS, 9)
@example("FREQ=DAILY;BYDAY=MO;BYSETPOS=2", date(2026, 1, 1), PARIS, 9)
@example("FREQ=YEARLY;BYDAY=1MO", date(2026, 3, 2), None, 9)
@example("FREQ=DAILY;UNTIL=20270315T000000Z", date(2026, 3, 2), PARIS, 9)
def test_rrule_to_graph_accepts_only_exact_forms(text: str, day: date, zone: ZoneInfo | None, hour: int) -> None:
    if zone is None:
        text = text.replace("T000000Z", "").replace("T215959Z", "").replace("T230000Z", "").replace("T120000Z", "")
    dtstart = series_start(day, zone, time(hour))
    result = rrule_to_graph(parse(text), dtstart, zone)
    if result.recurrence is None:
        assert result.problems
        return
    rule = parse(text)
    if "YEARLY" in text and "BYMONTHDAY" in text and "BYMONTH=" not in text:
        return  # decided ambiguity (case 27), covered above
    pattern, rng = result.recurrence.pattern, result.recurrence.range
    horizon = day + SPAN
    want = rrule_instants(rule, dtstart, horizon)
    assert graph_instants(pattern, rng, dtstart, horizon) == want, (text, pattern, rng)
    back, _ = graph_to_rrule(pattern, rng, dtstart, zone)
    assert rrule_instants(back, dtstart, horizon) == want, (text, recur_text(back))


def _zoned(value: datetime) -> m.ZonedDateTime:
    kind = "floating" if value.tzinfo is None else "utc" if value.tzinfo is UTC else "iana"
    return m.ZonedDateTime(value, m.Zone(kind, iana=None if kind == "floating" else str(value.tzinfo),
                                         tzinfo=value.tzinfo))


INTS = st.lists(st.integers(-10**6, 10**6), max_size=4).map(tuple)
WORDS = st.sampled_from(["MO", "SU", "XX", "", "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "SECONDLY", "GREGORIAN",
                         "HEBREW", "BACKWARD", "FORWARD", "OMIT", "SKIP"])
#: Typed rules with every value the reader can hand over (icalendar's reading included: a BYDAY
#: position out of range, BYMONTH 13 or 5L, COUNT 0, an UNTIL of another kind than DTSTART…).
TYPED_RULES = st.builds(
    m.Recur, text=st.just(""), freq=st.none() | WORDS, count=st.none() | st.integers(-10**12, 10**12),
    interval=st.none() | st.integers(-5, 10**7),
    until=st.none() | st.dates() | st.datetimes(timezones=st.sampled_from([None, UTC, PARIS])).map(_zoned),
    bysecond=INTS, byminute=INTS, byhour=INTS, bymonthday=INTS, byyearday=INTS, byweekno=INTS, bysetpos=INTS,
    byday=st.lists(st.builds(m.WeekdayNum, st.integers(-99, 99), st.sampled_from(["MO", "TH", "SU", "XX"])),
                   max_size=4).map(tuple),
    bymonth=st.lists(st.sampled_from(["1", "2", "12", "13", "0", "5L", "-1", "x"]), max_size=3).map(tuple),
    wkst=st.none() | WORDS, rscale=st.none() | WORDS, skip=st.none() | WORDS,
    other=st.lists(st.tuples(st.sampled_from(["X-FOO", "FOO", "BYWEEKDAY"]), st.text(max_size=8)), max_size=2).map(tuple))


@settings(max_examples=600, deadline=None)
@given(TYPED_RULES,
       st.sampled_from([date(2026, 1, 31), datetime(2026, 1, 31, 9, tzinfo=PARIS), datetime(2026, 3, 29, 2, 30),
                        datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)]))
@example(m.Recur("", freq="MONTHLY", interval=0), date(2026, 1, 31))
@example(m.Recur("", freq="WEEKLY", byday=(m.WeekdayNum(0, "MO"), m.WeekdayNum(60, "TU"))), date(2026, 1, 31))
@example(m.Recur("", freq="DAILY", count=0), date(2026, 1, 31))
@example(m.Recur("", freq="YEARLY", bymonth=("5L",), rscale="HEBREW"), date(2026, 1, 31))
@example(m.Recur("", freq="DAILY", until=_zoned(datetime(2027, 1, 1, tzinfo=UTC))), datetime(2026, 3, 29, 2, 30))
def test_rrule_to_graph_never_raises(rule: m.Recur, dtstart: date | datetime) -> None:
    zone = dtstart.tzinfo if isinstance(dtstart, datetime) else None
    result = rrule_to_graph(rule, dtstart, zone)
    assert isinstance(result, RuleResult)
    assert (result.recurrence is None) == bool(result.problems)
    if result.recurrence is not None:
        graph_to_rrule(result.recurrence.pattern, result.recurrence.range, dtstart, zone)


def test_leap_month_is_refused_for_its_scale() -> None:
    """RFC 7529 ``BYMONTH=5L`` (the leap month of a lunisolar scale) is refused by its RSCALE,
    not as an unreadable month (the reader keeps the ``L``; icalendar's ``vMonth`` reads 5)."""
    result = rrule_to_graph(parse("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=5L;BYMONTHDAY=1"), date(2026, 1, 31), None)
    assert result.recurrence is None and result.problems == ["RSCALE=CHINESE has no Graph equivalent"]


# ---------------------------------------------------------------- independent readers

READER_WINDOW = ("2026-01-01T00:00:00Z", "2028-06-01T00:00:00Z")
READER_CASES = [n for n in PATTERNS if n != "abs_yearly_feb_29"]
ICALJS_BYSETPOS_MONTHDAY = {"abs_monthly_29", "abs_monthly_30"}  # ical.js 2.x ignores BYSETPOS with BYMONTHDAY


def _reader_calendar() -> tuple[str, dict[str, list[str]]]:
    from interop import readers
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ics-bridge tests//EN"]
    expected: dict[str, list[str]] = {}
    for name in READER_CASES:
        pattern = PATTERNS[name]
        day = first_occurrence(pattern, date(2026, 1, 5))
        dtstart = datetime.combine(day, time(9, 0), tzinfo=UTC)
        rng = {"type": "endDate", "endDate": (day + timedelta(days=800)).isoformat()}
        rule, _ = graph_to_rrule(pattern, rng, dtstart, UTC)
        lines += ["BEGIN:VEVENT", f"UID:{name}", "DTSTAMP:20260101T000000Z",
                  f"DTSTART:{dtstart.strftime('%Y%m%dT%H%M%SZ')}", "DURATION:PT1H",
                  f"RRULE:{recur_text(rule)}", "SUMMARY:x", "END:VEVENT"]
        horizon = date(2028, 6, 1)
        expected[name] = [readers.fmt(i) for i in graph_instants(pattern, rng, dtstart, horizon)]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n", expected


@pytest.mark.parametrize("reader", ["icaljs", "libical", "ical", "recurring_ical_events", "vobject"])
def test_written_rrules_read_alike_by_independent_readers(reader: str) -> None:
    from interop import readers
    readers.require(reader)
    text, expected = _reader_calendar()
    reading = readers.read(reader, text, READER_WINDOW)
    assert not reading.errors
    for name, want in expected.items():
        got = reading.occurrences.get(name, [])
        if reader == "icaljs" and name in ICALJS_BYSETPOS_MONTHDAY:
            # measured limitation, reported in graph_to_rrule's note: extra days, none missing
            assert set(want) < set(got), name
            continue
        assert got == want, f"{reader} {name}: only reader {sorted(set(got) - set(want))[:4]}, " \
                            f"only Graph {sorted(set(want) - set(got))[:4]}"
