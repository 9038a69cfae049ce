"""A large benchmark calendar made by repeating a generated one with new UIDs, streaming
(``python bench/repeat.py bench/data/cal_10000.ics 100 bench/data/cal_1000000.ics``).

Why: ``generate.py`` makes the JSON by converting the ICS with the library, which at a million
events takes as long as the benchmark itself.  Each copy ``k`` of the events gets ``-r<k>``
appended to its UID (.ics) or to its ``id``/``iCalUId``/``seriesMasterId``/``iCalUID``/
``recurringEventId`` (JSON), so copies are distinct series with the same shapes (far overrides
included); memory holds one copy's events block.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_ICS_UID = re.compile(rb"^(UID[;:][^\r\n]*)", re.M)
_JSON_IDS = re.compile(rb'("(?:id|iCalUId|seriesMasterId|iCalUID|recurringEventId)": "(?!String )[^"]*)"')  # not an extended property's id


def repeat_ics(src: Path, times: int, dst: Path) -> None:
    data = src.read_bytes()
    first = data.index(b"BEGIN:VEVENT")
    last = data.rindex(b"END:VEVENT") + len(b"END:VEVENT\r\n")
    body = data[first:last]
    if b"\r\n " in b"".join(_ICS_UID.findall(body)):
        raise SystemExit("folded UID lines: not handled")
    with open(dst, "wb") as out:
        out.write(data[:first])
        for k in range(times):
            out.write(_ICS_UID.sub(lambda m: m.group(1) + f"-r{k}".encode(), body))
        out.write(data[last:])


def repeat_json(src: Path, times: int, dst: Path) -> None:
    data = src.read_bytes()
    start = data.index(b"[") + 1          # the value/items array (the generator's shape)
    end = data.rindex(b"]")
    body = data[start:end].rstrip()
    with open(dst, "wb") as out:
        out.write(data[:start])
        for k in range(times):
            if k:
                out.write(b",")
            out.write(_JSON_IDS.sub(lambda m: m.group(1) + f'-r{k}"'.encode(), body))
        out.write(data[end:])


def main() -> None:
    src, times, dst = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    (repeat_ics if src.suffix == ".ics" else repeat_json)(src, times, dst)


if __name__ == "__main__":
    main()
