"""Helpers shared by the provider wire models: enum matching and validation errors.

Why shared: both APIs send enum values in varying case and both readers must turn a pydantic
ValidationError into one line naming the event and the field; the rules are the same.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .errors import InputError


def canonical_enum(value: Any, vocabulary: tuple[str, ...]) -> Any:
    """Match an enum value case-insensitively; unknown values pass through unchanged so the
    mapper can report them (never guessed here)."""
    if not isinstance(value, str):
        return value
    lowered = value.strip().lower()
    for word in vocabulary:
        if word.lower() == lowered:
            return word
    return value


def input_error(exc: ValidationError, ident: Any) -> InputError:
    """The first validation problem as an InputError naming the event and the field path."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err.get("loc", ()))
    return InputError(err.get("msg", "invalid value"), uid=str(ident) if ident else None, field=field or None)
