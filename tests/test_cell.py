"""Cell's hand-written __init__ (it sets the fields at once, for speed) takes exactly the
dataclass's fields, with their defaults, and keeps the dataclass's behaviour."""

from __future__ import annotations

import dataclasses
import inspect
from decimal import Decimal

import pytest

from formgen.grid import AMOUNT, LABEL, Cell


def test_init_takes_the_fields_in_order_with_their_defaults():
    parameters = list(inspect.signature(Cell).parameters.values())
    fields = dataclasses.fields(Cell)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for p, f in zip(parameters, fields, strict=True):
        expected = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        assert p.default == expected, p.name


def test_a_cell_is_a_frozen_value():
    cell = Cell(3, 2, "12.5", AMOUNT, rowspan=2, colspan=3, number=Decimal("12.5"), field="a.b")
    assert (cell.row, cell.col, cell.text, cell.role) == (3, 2, "12.5", AMOUNT)
    assert (cell.rowspan, cell.colspan, cell.number, cell.field) == (2, 3, Decimal("12.5"), "a.b")
    assert Cell(1, 0) == Cell(1, 0, "", LABEL, 1, 1, None, "")
    assert Cell(1, 0, field="x") == Cell(1, 0, field="y")  # field is not part of the value
    assert hash(Cell(1, 0, field="x")) == hash(Cell(1, 0, field="y"))
    assert Cell(1, 0) != Cell(1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cell.text = "changed"  # type: ignore[misc]
    moved = dataclasses.replace(cell, text="13")
    assert (moved.text, moved.number, moved.field, moved.ref) == (
        "13",
        Decimal("12.5"),
        "a.b",
        "C4:E5",
    )
    assert repr(Cell(0, 1)) == (
        "Cell(row=0, col=1, text='', role='label', rowspan=1, colspan=1, number=None, field='')"
    )
