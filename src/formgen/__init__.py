"""formgen: 项目支出绩效目标申报表 from YAML declarations, as .docx and .xlsx.

The library API the command line is a thin shell over:

    decl = formgen.load("declarations/x.yaml")   # typed model, or DeclarationError
    grid = formgen.layout(decl)                  # the one grid both writers draw
    formgen.write_docx(grid, "output/x.docx")
    formgen.write_xlsx(grid, "output/x.xlsx")
    formgen.build(["declarations"], "output")    # all of it, one result per form
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "load",
    "loads",
    "layout",
    "build",
    "write_docx",
    "write_xlsx",
    "DeclarationError",
    "FormgenError",
    "__version__",
]


def __getattr__(name: str):
    # Imported lazily so that `formgen --help` starts fast.
    if name in ("load", "loads"):
        from . import loader

        return getattr(loader, name)
    if name == "layout":
        from .kinds.shenbao import layout

        return layout
    if name == "build":
        from .build import build

        return build
    if name == "write_docx":
        from .docx_writer import write_docx

        return write_docx
    if name == "write_xlsx":
        from .xlsx_writer import write_xlsx

        return write_xlsx
    if name in ("DeclarationError", "FormgenError"):
        from . import errors

        return getattr(errors, name)
    raise AttributeError(name)
