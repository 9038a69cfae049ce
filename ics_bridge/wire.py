"""Helpers shared by the provider wire models: enum matching and validation errors.

Why shared: both APIs send enum values in varying case and both readers must turn a pydantic
ValidationError into one line naming the event and the field; the rules are the same.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Strict, ValidationError

from .errors import InputError
from .io.jsonio import describe


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


# pydantic's error types → what the wire format expects there, in a user's words
_EXPECTED = {
    "dict_type": "an object", "model_type": "an object", "model_attributes_type": "an object",
    "list_type": "an array", "tuple_type": "an array", "string_type": "a string", "bool_type": "true or false",
    "bool_parsing": "true or false", "int_type": "an integer", "int_parsing": "an integer",
    "int_from_float": "an integer", "float_type": "a number", "float_parsing": "a number",
}


def _problem(err: Any) -> str:
    """``expected X, found Y`` where the error is one of type; pydantic's own words otherwise."""
    expected = _EXPECTED.get(err.get("type", ""))
    if expected is None:
        return str(err.get("msg", "invalid value"))
    name = (err.get("ctx") or {}).get("class_name")
    if name and expected == "an object":
        expected = f"an object ({name})"

    return f"expected {expected}, found {describe(err.get('input'))}"


def input_error(exc: ValidationError, ident: Any) -> InputError:
    """The first validation problem as an InputError naming the event, the field path and, for
    a value of the wrong JSON type, what was expected and what was found."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err.get("loc", ()))
    return InputError(_problem(err), uid=str(ident) if ident else None, field=field or None)


def _bool(value: Any) -> Any:
    """``"true"``/``"false"`` as strings (seen from hand-written exports) are the booleans they
    spell; anything else that is not a JSON boolean (``"yes"``, ``1``) is refused by
    :data:`WireBool` rather than guessed."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


# A boolean on the wire: JSON true/false (Graph Edm.Boolean, Google "boolean"), or the strings
# "true"/"false"; pydantic's lax mode would also take "yes", "on", "1", 0 and 1 and so turn a
# broken field into a silent answer.
WireBool = Annotated[bool, BeforeValidator(_bool), Strict()]
