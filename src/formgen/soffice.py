"""LibreOffice headless as a converter: one process per batch, a private profile, a timeout.

LibreOffice is an optional real component: PDF output and the import of legacy
.xls/.doc/.et/.wps files need it, everything else works without it. Users see
`missing_problem` when it is absent, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

TIMEOUT_SECONDS = 300.0
INSTALL_HINT = (
    "安装 LibreOffice 后重试：Debian/Ubuntu/统信/麒麟上运行 "
    "“sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk”；"
    "Windows 上从 https://zh-cn.libreoffice.org 下载安装，并把其 program 文件夹加入 PATH"
)


def find_soffice() -> str | None:
    """The soffice executable, or None. FORMGEN_SOFFICE names one explicitly."""
    explicit = os.environ.get("FORMGEN_SOFFICE")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (  # the usual Windows install folders, which are not on PATH
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    ):
        if Path(candidate).is_file():
            return candidate
    return None


def missing_problem(file: str | Path, purpose: str) -> Problem:
    """The message for a file that needs LibreOffice when it is not installed."""
    return Problem(
        str(file), None, None, f"{purpose}需要 LibreOffice（soffice），本机没有找到", INSTALL_HINT
    )


@dataclass
class Conversion:
    converted: dict[Path, Path]  # source → converted file
    failed: dict[Path, Problem]  # source → why it was not converted


def convert(
    files: list[Path],
    to: str,
    outdir: Path,
    *,
    timeout: float = TIMEOUT_SECONDS,
    soffice: str | None = None,
) -> Conversion:
    """Convert `files` to format `to` (e.g. "pdf", "xlsx", "docx") into `outdir`,
    in one LibreOffice process with a private, throw-away profile."""
    result = Conversion({}, {})
    if not files:
        return result
    soffice = soffice or find_soffice()
    if soffice is None:
        for file in files:
            result.failed[file] = missing_problem(file, f"转换为 {to}")
        return result
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="formgen-lo-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            *(str(f) for f in files),
        ]
        try:
            subprocess.run(
                command, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
            )
            why = "LibreOffice 没有转换出这个文件（文件可能已损坏或受密码保护）"
        except subprocess.TimeoutExpired:
            why = f"LibreOffice 在 {timeout:.0f} 秒内没有完成转换"
        except OSError as exc:
            why = f"无法启动 LibreOffice：{exc.strerror}"
    extension = to.split(":", 1)[0]
    for file in files:
        target = outdir / f"{file.stem}.{extension}"
        if target.is_file():
            result.converted[file] = target
        else:
            result.failed[file] = Problem(
                str(file), None, None, why, "用 WPS 或 Office 打开后另存为新格式，再重试"
            )
    return result
