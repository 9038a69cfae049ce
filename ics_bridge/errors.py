"""The few exceptions that cross the public API.

Bad input is a user's problem to fix, so the error names the file, the event and the field;
the CLI prints ``str(error)`` on one line and never a traceback.
"""

from __future__ import annotations


class IcsBridgeError(Exception):
    """Base class for everything ics-bridge raises on purpose."""


class InputError(IcsBridgeError):
    """The input cannot be read: names the file, the event (UID or provider id) and the field;
    ``item`` is the event's place in a JSON collection (``value[3]``, ``items[0]``, ``[2]``,
    ``line 4`` of JSON Lines), the only name an item without an id or of the wrong type has."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        uid: str | None = None,
        field: str | None = None,
        item: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.uid = uid
        self.field = field
        self.item = item

    def located(self, file: str) -> "InputError":
        """The same error, with the file filled in where the reader did not know it."""
        if self.file:
            return self
        return InputError(self.message, file=file, uid=self.uid, field=self.field, item=self.item)

    def at(self, item: str) -> "InputError":
        """The same error, with its place in the collection filled in."""
        if self.item:
            return self
        return InputError(self.message, file=self.file, uid=self.uid, field=self.field, item=item)

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.item, f"event {self.uid}" if self.uid else None,
                             f"field {self.field}" if self.field else None) if p]
        where = ": ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class OutputError(IcsBridgeError):
    """An output cannot be written (exists without --force, would overwrite an input, escapes)."""
