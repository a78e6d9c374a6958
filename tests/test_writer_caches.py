"""The writers cache pieces of XML across forms (labels and common values recur in every
form). A cached piece must depend on nothing but its key: each form's files are the same
bytes whether it is written first, with empty caches, or after every other form."""

from __future__ import annotations

import pytest

from conftest import DECLARATIONS
from formgen import docx_writer, package, xlsx_writer
from formgen.kinds.shenbao import layout
from formgen.loader import load
from formgen.package import zip_bytes


def _clear_caches() -> None:
    for module in (docx_writer, xlsx_writer, package):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def _write_all(grids) -> list[tuple[bytes, bytes]]:
    return [
        (zip_bytes(docx_writer.docx_parts(g)), zip_bytes(xlsx_writer.xlsx_parts([g])))
        for g in grids
    ]


@pytest.fixture(scope="module")
def grids():
    paths = sorted(DECLARATIONS.glob("*.yaml"))
    assert len(paths) >= 6
    return [layout(load(p)) for p in paths]


def test_each_form_is_the_same_written_first_or_after_the_others(grids):
    alone = []
    for grid in grids:
        _clear_caches()
        alone += _write_all([grid])
    _clear_caches()
    forward = _write_all(grids)
    backward = _write_all(grids[::-1])[::-1]
    assert forward == alone
    assert backward == alone
