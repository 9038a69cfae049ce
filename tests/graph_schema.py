"""A small validator of Graph JSON against the CSDL excerpts in tests/schemas/ (Graph metadata).

It checks what a Graph endpoint would reject: unknown property names, wrong JSON types,
enum values outside the EnumType members, Edm.DateTimeOffset/Int32 shapes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"edm": "http://docs.oasis-open.org/odata/ns/edm"}
# Navigation properties a body may carry inline (extended properties are not in the excerpt).
INLINE_NAVIGATION = {"singleValueExtendedProperties", "multiValueExtendedProperties", "extensions",
                     "attachments", "exceptionOccurrences", "instances"}
_DTO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


# Types the excerpts name but do not define (from the full metadata: id + value strings).
EXTENDED_PROPERTY = {"id": "Edm.String", "value": "Edm.String"}


@lru_cache(maxsize=None)
def schema(version: str) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """v1.0, or beta = the beta excerpt over v1.0 (the 2021 beta excerpt lacks some properties
    beta has always had, such as iCalUId)."""
    if version == "beta":
        base_types, base_enums = schema("v1.0")
        types, enums = _read(SCHEMAS / "graph-event-beta.xml")
        merged = {k: {**base_types.get(k, {}), **types.get(k, {})} for k in base_types.keys() | types.keys()}
        merged_enums = {k: base_enums.get(k, set()) | enums.get(k, set()) for k in base_enums.keys() | enums.keys()}
        return merged, merged_enums
    return _read(SCHEMAS / "graph-event-v1.0.xml")


def _read(path: Path) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    root = ET.parse(path).getroot()
    types: dict[str, dict[str, str]] = {}
    bases: dict[str, str] = {}
    enums: dict[str, set[str]] = {}
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        if tag in ("EntityType", "ComplexType"):
            props = {p.get("Name"): p.get("Type") for p in el if p.tag.split("}")[-1] in ("Property", "NavigationProperty")}
            types[el.get("Name")] = props
            if el.get("BaseType"):
                bases[el.get("Name")] = el.get("BaseType").split(".")[-1]
        elif tag == "EnumType":
            enums[el.get("Name")] = {m.get("Name") for m in el if m.tag.split("}")[-1] == "Member"}
    for name in list(types):
        merged: dict[str, str] = {}
        chain = name
        while chain:
            merged = {**types.get(chain, {}), **merged}
            chain = bases.get(chain)
        types[name] = merged
    types.setdefault("singleValueLegacyExtendedProperty", EXTENDED_PROPERTY)
    types.setdefault("multiValueLegacyExtendedProperty", {"id": "Edm.String", "value": "Collection(Edm.String)"})
    enums.setdefault("physicalAddressType", {"unknown", "home", "business", "other"})
    return types, enums


def validate(value: Any, type_name: str = "graph.event", version: str = "v1.0", path: str = "") -> list[str]:
    """Problems with ``value`` as the given CSDL type; empty when valid."""
    types, enums = schema(version)
    problems: list[str] = []
    if type_name.startswith("Collection("):
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        inner = type_name[len("Collection("):-1]
        for i, item in enumerate(value):
            problems += validate(item, inner, version, f"{path}[{i}]")
        return problems
    if value is None:
        return problems
    short = type_name.split(".")[-1]
    if type_name == "Edm.String":
        return [] if isinstance(value, str) else [f"{path}: expected a string"]
    if type_name == "Edm.Boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean"]
    if type_name in ("Edm.Int32", "Edm.Int64"):
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{path}: expected an integer"]
    if type_name == "Edm.Double":
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{path}: expected a number"]
    if type_name == "Edm.DateTimeOffset":
        return [] if isinstance(value, str) and _DTO.match(value) else [f"{path}: not a DateTimeOffset: {value!r}"]
    if type_name == "Edm.Date":
        return [] if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value) else [f"{path}: not a Date"]
    if short in enums:
        return [] if value in enums[short] else [f"{path}: {value!r} is not one of {sorted(enums[short])}"]
    if short in types:
        if not isinstance(value, dict):
            return [f"{path}: expected an object for {short}"]
        for key, item in value.items():
            if key.startswith("@"):
                continue
            if key not in types[short]:
                if not (short == "event" and key in INLINE_NAVIGATION):
                    problems.append(f"{path}.{key}: not a property of {short} ({version})")
                continue
            problems += validate(item, types[short][key], version, f"{path}.{key}")
        return problems
    if type_name.startswith("Edm."):
        return problems
    return [f"{path}: unknown type {type_name}"]
