"""The value checks both providers' ``fastwire`` modules build their stand-in readers from.

A check takes a parsed JSON value and returns the value the model's attribute would hold, or
:data:`NO` when the value is not of the common shape; the provider's ``fast_event`` then gives
the whole event to pydantic, so every repair, error text and loss report stays in the models.
Only checks whose rule is the same for Graph and Google live here (a JSON type, a list of one
kind); enums, timestamps and objects differ per API and stay in each provider's module.
"""

from __future__ import annotations

from typing import Any, Callable

#: "not of the common shape": pydantic reads the event instead
NO: Any = object()
Check = Callable[[Any], Any]


def int64(value: Any) -> Any:
    """A JSON integer that fits 64 bits (beyond that, pydantic's answer is pydantic's to give);
    a bool or float is not one (``type`` is, not ``isinstance``: pydantic would convert them)."""
    return value if type(value) is int and -(1 << 63) <= value < (1 << 63) else NO


def str_list(value: Any) -> Any:
    """An array of strings, as it is (``list[str]`` fields: categories, recurrence lines, ids)."""
    if type(value) is not list:
        return NO
    for item in value:
        if type(item) is not str:
            return NO
    return value


def list_of(check_item: Check) -> Check:
    """An array whose every item passes ``check_item``, as the list of the items' values."""
    def check(value: Any) -> Any:
        if type(value) is not list:
            return NO
        out = []
        for item in value:
            got = check_item(item)
            if got is NO:
                return NO
            out.append(got)
        return out
    return check
