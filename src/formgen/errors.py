"""Problems a user can act on: where (file:line:column, field path), what, how to fix.

Every message a user sees is built here so that all of them share one shape:

    declarations/x.yaml:12:5: 错误：……（字段：项目资金.中期.资金总额）
      提示：……
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"  # severity tokens; Chinese only when printed
SEVERITY_TEXT = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True)
class Problem:
    """One thing a user can act on, where it is (file, line, column, field) and how to fix it."""

    file: str
    line: int | None  # 1-based; None when the problem has no position
    column: int | None  # 1-based
    message: str
    hint: str = ""
    field: str = ""  # dotted path such as 绩效指标.产出指标.数量指标[2].中期指标值
    severity: str = ERROR
    rule: str = ""  # id of a `formgen check` rule (can be disabled), e.g. W-INDICATOR-L2
    code: str = ""  # stable code of any other problem, e.g. E-KEY-UNKNOWN

    @property
    def id(self) -> str:
        """The problem's stable code: its rule id, or its own code."""
        return self.rule or self.code or "E-OTHER"

    @property
    def location(self) -> tuple[str, int | None, int | None]:
        return (self.file, self.line, self.column)

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        severity = SEVERITY_TEXT[self.severity]
        if self.rule or (self.code and self.severity == WARNING):  # ids users can look up
            text = f"{where}: {severity} {self.id} {self.message}"
        else:
            text = f"{where}: {severity}：{self.message}"
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
            "severity": self.severity,
            "rule": self.id,
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
