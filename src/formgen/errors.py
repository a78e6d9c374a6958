"""Problems a user can act on: where (file:line:column, field path), what, how to fix.

Every message a user sees is built here so that all of them share one shape:

    declarations/x.yaml:12:5: 错误：……（字段：项目资金.中期.资金总额）
      提示：……
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "错误", "警告"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # 1-based; None when the problem has no position
    column: int | None  # 1-based
    message: str
    hint: str = ""
    field: str = ""  # dotted path such as 绩效指标.产出指标.数量指标[2].中期指标值
    severity: str = ERROR
    rule: str = ""  # stable id of a `formgen check` rule, e.g. W-INDICATOR-L2

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        if self.rule:
            text = f"{where}: {self.severity} {self.rule} {self.message}"
        else:
            text = f"{where}: {self.severity}：{self.message}"
        if self.field:
            text += f"（字段：{self.field}）"
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": "error" if self.severity == ERROR else "warning",
            "rule": self.rule or "E-LOAD",
            "message": self.message,
            "hint": self.hint,
            "field": self.field,
        }


class FormgenError(Exception):
    """Base of every error formgen reports to a user instead of a traceback."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class DeclarationError(FormgenError):
    """A declaration could not be read or is not valid."""


class OutputError(FormgenError):
    """An output file could not be written."""
