"""The grid's fast paths give what their plainer forms give: Cell.new the cell Cell(...)
makes, Grid._tiles True exactly where Grid._first_defect finds nothing."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_grid_defect import grids

from conftest import DECLARATIONS
from formgen.grid import ROLES, Cell, Grid
from formgen.kinds import shenbao
from formgen.loader import load
from formgen.template import default_template

cell_arguments = st.tuples(
    st.integers(-2, 50),
    st.integers(-2, 9),
    st.text(max_size=5),
    st.sampled_from((*ROLES, "bold")),
    st.integers(-1, 4),
    st.integers(-1, 9),
    st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.text(max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(cell_arguments)
def test_new_makes_the_cell_the_class_makes(arguments):
    made, new = Cell(*arguments), Cell.new(*arguments)
    assert type(new) is Cell
    assert new.__dict__ == made.__dict__
    assert list(new.__dict__) == [f.name for f in dataclasses.fields(Cell)]
    assert new == made and hash(new) == hash(made) and repr(new) == repr(made)
    assert pickle.loads(pickle.dumps(new)) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        new.text = "changed"  # type: ignore[misc]


def test_new_has_the_class_defaults():
    assert Cell.new(3, 4).__dict__ == Cell(3, 4).__dict__
    assert Cell.new(3, 4, field="a").__dict__ == Cell(3, 4, field="a").__dict__
    assert Cell.new(1, 2, "x", number=Decimal("1.5")) == Cell(1, 2, "x", number=Decimal("1.5"))


class _Unchecked(Grid):
    """A grid that does not check itself when made, to ask both checks about it."""

    def __post_init__(self) -> None:
        pass


@settings(max_examples=1500, deadline=None)
@given(grids())
def test_tiles_exactly_where_first_defect_finds_nothing(case):
    cells, n_rows, n_cols, head_rows = case
    grid = _Unchecked(cells, n_rows, default_template(), "x", 2024, (2.0,) * n_cols)
    grid = dataclasses.replace(grid, head_rows=head_rows)
    assert grid._tiles() == (grid._first_defect() is None)


def test_tiles_holds_for_the_layouts_of_the_bundled_declarations():
    paths = sorted(DECLARATIONS.glob("*.yaml"))
    assert paths
    for path in paths:
        grid = shenbao.layout(load(path))
        assert grid._tiles()  # the fast path is the one taken
        assert grid._first_defect() is None
