"""io.stream's report spools without a seek per entry (the ``--jobs`` parent adds every group's
entries to them): :class:`SpooledEntries` tracks its end and seeks only when a read moved the
file; :class:`KeyedEntries` tracks its end and reads rows that arrive in order without seeking.
Held to a plain list on generated sequences of appends interleaved with (several) readers, and
to the stable sort on keys in and out of order."""

from __future__ import annotations

import random

import pytest

from ics_bridge.io import stream
from ics_bridge.report import Loss, LossKind, Report


def _loss(n: int) -> Loss:
    return Loss(LossKind.DROPPED, "X", f"entry {n}" + "x" * (n % 7), uid=f"u{n}")


@pytest.mark.parametrize("seed", range(8))
def test_spooled_entries_read_as_a_list_with_appends_between_reads(seed):
    rng = random.Random(seed)
    spool, model = stream.SpooledEntries(), []
    readers: list[tuple[object, list]] = []   # (spool iterator, what it has read)
    for step in range(300):
        op = rng.random()
        if op < 0.5 or not model:
            spool.append(_loss(step))
            model.append(_loss(step))
        elif op < 0.6 and len(readers) < 3:
            readers.append((iter(spool), []))
        elif readers:
            k = rng.randrange(len(readers))
            it, seen = readers[k]
            got = next(it, None)
            if got is None or len(seen) == len(model):
                readers.pop(k)
                continue
            seen.append(got)
            assert seen == model[:len(seen)]
    assert list(spool) == model
    assert len(spool) == len(model) and spool[3:9] == model[3:9]
    spool.append(_loss(-1))
    assert list(spool) == model + [_loss(-1)]


@pytest.mark.parametrize("ordered", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_keyed_entries_spooled_come_back_as_the_stable_sort(seed, ordered):
    rng = random.Random(seed)
    keys = [(rng.choice([2, 5, 9, 15]), rng.randrange(50), rng.randrange(3)) for _ in range(400)]
    if ordered:
        keys.sort()
    spooled, in_memory = stream.KeyedEntries(), stream.KeyedEntries(spool=False)
    for n, key in enumerate(keys):
        spooled.add(key, _loss(n))
        in_memory.add(key, _loss(n))
    out, ref = Report(), Report()
    spooled.into(out, [])
    in_memory.into(ref, [])
    expected = sorted(range(len(keys)), key=lambda n: (*keys[n], n))
    assert [e.reason for e in out.entries] == [_loss(n).reason for n in expected]
    assert out.entries == ref.entries


@pytest.mark.parametrize("file", [None, "", "in.ics"])
@pytest.mark.parametrize("ordered", [True, False])
def test_keyed_entries_into_a_spooled_report_as_into_a_list(file, ordered):
    """Into a spooled report the entries are copied as pickled bytes unless the report gives
    them its file: the same entries, files and order as :meth:`Report.extend` into a list."""
    rng = random.Random(len(file or "") + ordered)
    keys = [(rng.choice([2, 7, 9, 15]), rng.randrange(40), rng.randrange(3)) for _ in range(300)]
    if ordered:
        keys.sort()
    losses = [Loss(LossKind.DROPPED, "X", f"entry {n}", uid=f"u{n}", file=rng.choice([None, "", "own.ics"]))
              for n in range(len(keys))]
    losses[0] = Loss(LossKind.DROPPED, "X-WR-TIMEZONE", "3 UTC values read as local", file=None)
    spooled, in_memory = stream.KeyedEntries(), stream.KeyedEntries(spool=False)
    for key, loss in zip(keys, losses):
        spooled.add(key, loss)
        in_memory.add(key, loss)
    out, ref = stream.spooled_report(file), Report(file=file)
    spooled.into(out, [])
    in_memory.into(ref, [])
    assert list(out.entries) == ref.entries and len(out.entries) == len(ref.entries)
    assert [e.file for e in out.entries] == [e.file for e in ref.entries]
