"""A part given in pieces (the unit summary's sheet, a row at a time) is deflated as the
pieces come: the zip member must be the very bytes the whole text would give."""

from __future__ import annotations

import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from formgen.package import member, zip_bytes

# XML-ish text with CJK, full-width punctuation and long repeats, as a sheet has
_TEXT = st.text(
    alphabet=st.sampled_from(list('<c r="A1" s="3"><v>12.50</v></c>项目资金合计，。“”\n')),
    max_size=400,
)


@given(pieces=st.lists(_TEXT, max_size=60), repeat=st.integers(1, 200))
@settings(max_examples=300, deadline=None)
def test_pieces_give_the_bytes_of_the_whole(pieces: list[str], repeat: int):
    pieces = pieces * repeat  # past deflate's 32 KB window too
    whole = "".join(pieces)
    raw = whole.encode("utf-8")
    split = member("xl/worksheets/sheet1.xml", iter(pieces))
    joined = member("xl/worksheets/sheet1.xml", whole)
    assert split == joined
    assert zlib.decompress(split.data, wbits=-15) == raw
    assert zip_bytes([("a.xml", iter(pieces))]) == zip_bytes([("a.xml", whole)])


def test_no_pieces_is_an_empty_part():
    assert member("a.xml", iter([])) == member("a.xml", "")
