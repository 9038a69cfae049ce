"""The closed catalogue of everything a conversion can lose, repair or guess.

Why a closed catalogue: users judge a converter by what silently goes missing.  Every reader,
mapper and writer reports through :class:`Report`, and only with a :class:`LossKind` declared
here, so ``--report`` is this catalogue serialised and nothing can be dropped without a name
(the pattern of pandoc's ``Text.Pandoc.Logging``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Iterable, Iterator

import orjson


class Severity(str, Enum):
    """How much a user should care: ``loss`` means data did not arrive, ``warning`` means it
    arrived but was repaired, guessed or re-expressed, ``info`` means a documented choice."""

    INFO = "info"
    WARNING = "warning"
    LOSS = "loss"


class LossKind(str, Enum):
    """Every kind of entry a conversion may emit.  The value is the stable JSON name."""

    # the target format has no slot for the value
    UNSUPPORTED_FIELD = "unsupported-field"
    # a value exists in the target but a variant of it does not (e.g. Graph ``personal``)
    VALUE_COLLAPSED = "value-collapsed"
    # the recurrence cannot be expressed exactly in the target
    RECURRENCE_UNSUPPORTED = "recurrence-unsupported"
    # an alarm that the target cannot hold
    ALARM_DROPPED = "alarm-dropped"
    # an alarm re-expressed (end-relative / absolute → minutes before start)
    ALARM_CONVERTED = "alarm-converted"
    # a time zone was resolved by name mapping or rule matching rather than read exactly
    TIMEZONE_GUESSED = "timezone-guessed"
    # a time zone could not be resolved at all
    TIMEZONE_UNKNOWN = "timezone-unknown"
    # a floating or UTC time was given a zone
    TIMEZONE_ASSIGNED = "timezone-assigned"
    # an input quirk of a known producer was repaired
    QUIRK_REPAIRED = "quirk-repaired"
    # a value was invalid and was repaired or dropped
    INVALID_VALUE = "invalid-value"
    # an unknown provider property, kept for a round trip in an X- property
    STASHED = "stashed"
    # an unknown provider property that could not be kept
    DROPPED = "dropped"
    # a whole event could not be converted
    EVENT_SKIPPED = "event-skipped"
    # the input removes an event (delta @removed, cancelled tombstone without master)
    EVENT_REMOVED = "event-removed"
    # HTML content was sanitised (scripts, handlers removed)
    HTML_SANITIZED = "html-sanitized"
    # a documented mapping choice worth knowing about
    MAPPING_CHOICE = "mapping-choice"


_SEVERITY = {
    LossKind.UNSUPPORTED_FIELD: Severity.LOSS,
    LossKind.VALUE_COLLAPSED: Severity.LOSS,
    LossKind.RECURRENCE_UNSUPPORTED: Severity.LOSS,
    LossKind.ALARM_DROPPED: Severity.LOSS,
    LossKind.ALARM_CONVERTED: Severity.WARNING,
    LossKind.TIMEZONE_GUESSED: Severity.WARNING,
    LossKind.TIMEZONE_UNKNOWN: Severity.LOSS,
    LossKind.TIMEZONE_ASSIGNED: Severity.WARNING,
    LossKind.QUIRK_REPAIRED: Severity.WARNING,
    LossKind.INVALID_VALUE: Severity.LOSS,
    LossKind.STASHED: Severity.INFO,
    LossKind.DROPPED: Severity.LOSS,
    LossKind.EVENT_SKIPPED: Severity.LOSS,
    LossKind.EVENT_REMOVED: Severity.WARNING,
    LossKind.HTML_SANITIZED: Severity.WARNING,
    LossKind.MAPPING_CHOICE: Severity.INFO,
}


@dataclass(frozen=True)
class Loss:
    """One entry of the report: what happened to which field of which event, and why."""

    kind: LossKind
    field: str
    reason: str
    uid: str | None = None
    recurrence_id: str | None = None
    before: str | None = None
    after: str | None = None
    file: str | None = None
    # A repair that guesses what a broken input meant (encoding, a missing END, a broken fold, a
    # zone): the file was not what it claimed to be, so the CLI prints it without -v (issue 13).
    guess: bool = False

    @property
    def severity(self) -> Severity:
        return _SEVERITY[self.kind]

    @property
    def shown_by_default(self) -> bool:
        """Losses and guessed repairs are printed by default; other warnings and notes with -v."""
        return self.severity is Severity.LOSS or self.guess or self.kind is LossKind.TIMEZONE_GUESSED

    def as_dict(self) -> dict[str, str | bool | None]:
        values = self.__dict__
        if all(type(value) in _PLAIN for value in values.values()):  # every entry Report.add makes
            data: dict[str, str | bool | None] = {name: values[name] for name in _FIELDS}
        else:  # a value of another type given to Loss directly: asdict's deep copy, as always
            data = asdict(self)
        data["kind"] = self.kind.value
        data["severity"] = self.severity.value
        if not self.guess:  # the key only where it says something: reports stay as they were
            del data["guess"]
        return data

    def as_text(self) -> str:
        where = self.uid or "?"
        if self.recurrence_id:
            where += f" [{self.recurrence_id}]"
        prefix = f"{self.file}: " if self.file else ""
        change = ""
        if self.before is not None or self.after is not None:
            change = f" ({self.before!s} -> {self.after!s})"
        level = f"{self.severity.value} (guess)" if self.guess else self.severity.value
        return f"{prefix}{level}: {where}: {self.field}: {self.kind.value}: {self.reason}{change}"


# Loss's fields in order, and the value types ``as_dict`` copies as they are (``asdict`` deep-copies
# each value; these it returns unchanged, and it cost a third of writing a report)
_FIELDS = tuple(f.name for f in fields(Loss))
_PLAIN = frozenset({str, bool, type(None), LossKind})
_new = object.__new__
_set = object.__setattr__


def _loss(values: dict[str, object]) -> Loss:
    """A :class:`Loss` of ``values`` (every field, in field order), as ``Loss(**values)`` makes
    it, without the frozen ``__init__``'s one ``object.__setattr__`` per field: a conversion of
    10k events adds ~13k entries (a third of the cost of an entry)."""
    loss = _new(Loss)
    _set(loss, "__dict__", values)
    return loss


@dataclass
class Report:
    """The losses of one conversion, in the order they happened."""

    entries: list[Loss] = field(default_factory=list)
    file: str | None = None

    def add(
        self,
        kind: LossKind,
        field: str,
        reason: str,
        *,
        uid: str | None = None,
        recurrence_id: str | None = None,
        before: object = None,
        after: object = None,
        guess: bool = False,
    ) -> None:
        self.entries.append(_loss({
            "kind": kind, "field": field, "reason": reason, "uid": uid, "recurrence_id": recurrence_id,
            "before": None if before is None else str(before), "after": None if after is None else str(after),
            "file": self.file, "guess": guess}))

    def extend(self, other: "Report | Iterable[Loss]") -> None:
        items = other.entries if isinstance(other, Report) else other
        for loss in items:
            if self.file and not loss.file:
                loss = Loss(**{**loss.__dict__, "file": self.file})
            self.entries.append(loss)

    def __iter__(self) -> Iterator[Loss]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:  # a Report is an object, not a truth value
        return True

    def losses(self) -> list[Loss]:
        """Entries that mean data did not arrive (severity ``loss``)."""
        return [e for e in self.entries if e.severity is Severity.LOSS]

    def of_kind(self, kind: LossKind) -> list[Loss]:
        return [e for e in self.entries if e.kind is kind]

    def for_field(self, name: str) -> list[Loss]:
        return [e for e in self.entries if e.field == name]

    def as_json(self) -> str:
        """The entries as indented JSON: ``json.dumps(..., indent=2, ensure_ascii=False)``'s
        text, written by orjson (json's indenting encoder is Python code: most of the cost of a
        10k-event report); what orjson refuses (a lone surrogate) goes to json itself."""
        data = [e.as_dict() for e in self.entries]
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError
            return json.dumps(data, indent=2, ensure_ascii=False)

    def as_text(self) -> str:
        return "\n".join(e.as_text() for e in self.entries)
