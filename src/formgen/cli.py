"""The `formgen` command: a thin Chinese shell over the library API."""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .errors import ERROR, WARNING, FormgenError, Problem
from .i18n import install as _install_chinese

_install_chinese()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(
    context_settings=CONTEXT,
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
    help="formgen：由 YAML 申报文件生成《项目支出绩效目标申报表》（Word 与 Excel）。",
)
@click.version_option(__version__, "-V", "--version", prog_name="formgen")
@click.option(
    "--debug", is_flag=True, help="出现内部错误时显示完整的 Python 调用栈（供开发人员排查）。"
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    ctx.obj = {"debug": debug}


@cli.command(
    "build",
    context_settings=CONTEXT,
    options_metavar="[选项]",
    short_help="生成申报表（Word 与 Excel）。",
    help="生成申报表。不带参数时，把 declarations/ 下所有 .yaml 申报文件生成到 output/，"
    "子文件夹原样保留；也可指定若干文件或文件夹。每份申报生成同名的 .docx 和 .xlsx"
    "（--format 可选 html、pdf），每个输出文件夹另生成“<单位>项目汇总表.xlsx”。"
    "申报、单位文件（_unit.yaml）、模板都没有变、输出文件也未被改动的表会跳过；"
    "已删除的申报，其输出文件会一并删除。",
)
@click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[文件或文件夹]..."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="输出文件夹。",
)
@click.option(
    "--format",
    "fmt",
    default="docx,xlsx",
    show_default=True,
    metavar="格式",
    callback=lambda _ctx, _param, value: _formats(value),
    help="生成的格式，多个用逗号分隔：docx（Word）、xlsx（Excel）、html（网页预览，不需要 Word）、"
    "pdf（由 LibreOffice 从 Word 版转换，因此同时生成 docx）；all 即这四种。"
    "每个单位文件夹还会生成“<单位>项目汇总表.xlsx”；有 html 时另生成 index.html，"
    "有 pdf 时另生成“<单位>合订本.pdf”。",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="同时使用的进程数（默认：CPU 核数）。",
)
@click.option(
    "--force", is_flag=True, help="全部重新生成：不跳过未改动的表，手工改过的输出文件也覆盖。"
)
@click.option("--keep-orphans", is_flag=True, help="保留已删除申报的输出文件。")
@click.option("-q", "--quiet", is_flag=True, help="只显示错误和最后的汇总。")
def build_command(
    paths: tuple[Path, ...],
    output: Path,
    fmt: tuple[str, ...],
    jobs: int | None,
    force: bool,
    keep_orphans: bool,
    quiet: bool,
) -> None:
    from .build import build

    paths = _default_paths(paths)
    formats = fmt
    jobs = jobs or os.cpu_count() or 1
    show_bar = not quiet and sys.stderr.isatty() and not os.environ.get("CI")
    bar = None
    done = []

    shown: set[str] = set()  # problems in a file several forms share (_unit.yaml): once

    def show(problem, source) -> None:
        text = problem.format()
        if problem.file == str(source) or text not in shown:
            shown.add(text)
            click.echo(text, err=True)

    def progress(result):
        if not result.ok:
            for problem in result.problems:
                show(problem, result.source)
            click.echo(f"未生成：{result.source}（见上方错误）", err=True)
        elif not quiet:
            for warning in result.warnings:
                show(warning, result.source)
            if result.skipped and result.warnings:
                click.echo(f"  {_restored_note(result)}", err=True)
            if not result.skipped and bar is None:
                click.echo(
                    f"已生成：{result.source} → {'、'.join(map(str, result.outputs))}"
                    + _kept_note(result)
                )
        done.append(result)
        if bar is not None:
            bar.update(1)

    if show_bar:
        from .build import find_declarations

        total = len(find_declarations(paths))
        if total > 10:
            bar = click.progressbar(length=total, label="生成中", file=sys.stderr)
            bar.__enter__()
    try:
        report = build(
            paths,
            output,
            formats,
            jobs=jobs,
            force=force,
            keep_orphans=keep_orphans,
            progress=progress,
        )
    except KeyboardInterrupt:  # Ctrl-C: say what is left, not click's bare "Aborted!"
        if bar is not None:
            bar.__exit__(None, None, None)
            bar = None
        finished = f"已处理完 {len(done)} 份申报，" if jobs <= 1 else ""  # -j N: some unreported
        click.echo(
            f"\n已中断：{finished}已写出的文件完好，写到一半的文件不会留下。"
            "\n  提示：再运行一次同样的命令即可接着生成。",
            err=True,
        )
        sys.exit(130)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if not report.results:
        _none_found(paths)
    for problem in report.problems:
        click.echo(problem.format(), err=True)
    if not quiet:
        for written in report.folder_outputs:
            same = "（与原文件相同，未改写）" if written in report.folder_kept else ""
            click.echo(f"已生成（单位汇总）：{written}{same}")
        for removed in report.removed:
            click.echo(f"已删除：{removed}（已没有申报生成它：申报删除了、改名了，或单位名称变了）")
        for stale in report.stale:
            click.echo(f"已删除：{stale}（已过期：与改动后的申报不再相符，这次没有重新生成它）")
    built, skipped, failed = len(report.built), len(report.skipped), len(report.failed)
    files = sum(len(r.outputs) for r in report.built)
    kept = sum(len(r.kept) for r in report.built)
    same = f"，其中 {kept} 个与原文件相同、未改写" if kept else ""
    # the forms' warnings and the build's own (an output left from an earlier build…)
    warnings = sum(len(r.warnings) for r in report.results if r.ok)
    warnings += sum(p.severity == WARNING for p in report.problems)
    click.echo(
        f"完成：共 {len(report.results)} 份申报，生成 {built} 份（{files} 个文件{same}），"
        f"未改动跳过 {skipped} 份，失败 {failed} 份，警告 {warnings} 条，"
        f"{_folder_note(report)}用时 {report.seconds:.2f} 秒。"
    )
    if warnings and quiet:
        click.echo("  警告的内容：去掉 -q 再运行，或运行 formgen check")
    if failed or report.problems:
        sys.exit(1)


def _folder_note(report) -> str:
    """The unit folders' files written (summaries, indexes, bundles), for the last line."""
    n, same = len(report.folder_outputs), len(report.folder_kept)
    if not n:
        return ""
    if same:
        kept = "与原文件相同、未改写" if same == n else f"其中 {same} 个与原文件相同、未改写"
        return f"单位汇总 {n} 个文件（{kept}），"
    return f"单位汇总 {n} 个文件，"


def _restored_note(result) -> str:
    """Said after the warnings a skipped form prints again: they are from its last build."""
    n = len(result.warnings)
    return f"（{result.source} 未改动，这次跳过；以上 {n} 条警告是上次生成时的检查结果）"


def _kept_note(result) -> str:
    """Which of a form's files came out the same as they were, and so were not written."""
    if not result.kept:
        return ""
    if len(result.kept) == len(result.outputs):
        return "（与原文件相同，未改写）"
    return f"（其中 {'、'.join(p.name for p in result.kept)} 与原文件相同，未改写）"


FORMAT_NAMES = ("docx", "xlsx", "html", "pdf")


def _formats(text: str) -> tuple[str, ...]:
    """`--format docx,pdf` → ("docx", "pdf"); `all` is every format."""
    names = [n.strip().lower() for n in text.replace("，", ",").split(",") if n.strip()]
    unknown = [n for n in names if n not in (*FORMAT_NAMES, "all")]
    if unknown or not names:
        raise click.BadParameter(
            f"“{'、'.join(unknown) or text}”不是可用的格式；可用：docx、xlsx、html、pdf、all，"
            "多个用逗号分隔，如 --format docx,pdf",
            param_hint="'--format'",
        )
    return FORMAT_NAMES if "all" in names else tuple(f for f in FORMAT_NAMES if f in names)


_NONE_FOUND = "在 {} 中没有找到 .yaml 申报文件。"


def _none_found(paths) -> None:
    click.echo("错误：" + _NONE_FOUND.format("、".join(map(str, paths))), err=True)
    sys.exit(1)


def _default_paths(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    if paths:
        return paths
    default = Path("declarations")
    if not default.is_dir():
        raise click.UsageError(
            "当前文件夹下没有 declarations/ 文件夹；请在项目根目录运行，或指定申报文件/文件夹。"
        )
    return (default,)


def _wants_json(args: list[str]) -> bool:
    """Whether a command line asks for `--format json`, read before click has parsed it."""
    return any(
        a == "--format=json" or (a == "--format" and args[i + 1 : i + 2] == ["json"])
        for i, a in enumerate(args)
    )


def _json_answer(findings: list, files: int = 0) -> str:
    errors = sum(1 for f in findings if f.severity == ERROR)
    return json.dumps(
        {
            "files": files,
            "errors": errors,
            "warnings": len(findings) - errors,
            "findings": [f.as_dict() for f in findings],
        },
        ensure_ascii=False,
        indent=2,
    )


def _json_failure(message: str, hint: str, code: str, status: int, file: str = "") -> NoReturn:
    """`check --format json` that could not check anything: still one JSON object."""
    click.echo(_json_answer([Problem(file, None, None, message, hint, code=code)]))
    sys.exit(status)


class _CheckCommand(click.Command):
    """With `--format json`, a wrong command line is answered in JSON too (editors and CI
    parse the output; click's text would break them)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        wants_json = _wants_json(args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if not wants_json:
                raise
            _json_failure(exc.format_message(), "运行 formgen check --help 查看用法", "E-USAGE", 2)


@cli.command(
    "check",
    cls=_CheckCommand,
    context_settings=CONTEXT,
    options_metavar="[选项]",
    short_help="检查申报是否符合绩效目标的填报规则。",
    help="按绩效目标填报规则检查申报（不生成文件）。不带参数时检查 declarations/ 下全部申报。"
    "每条问题一行：文件:行:列: 严重程度 规则编号 说明。有“错误”时以状态 1 结束。"
    "加 --format json 时，任何情况（包括命令行写错）都只输出一个 JSON 对象。"
    "规则说明见 docs/rules.md。",
)
@click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[文件或文件夹]..."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式：text（每条一行）或 json（供编辑器和 CI 使用）。",
)
@click.option("--strict", is_flag=True, help="把“警告”也当作错误：有任何问题即以状态 1 结束。")
def check_command(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    from .build import check_paths

    if fmt == "json":
        try:
            paths = _default_paths(paths)
        except click.UsageError as exc:
            _json_failure(exc.format_message(), "", "E-USAGE", 2)
        try:
            results = check_paths(paths)
        except Exception as exc:  # never text where JSON was asked for
            if os.environ.get("FORMGEN_DEBUG"):
                raise
            _json_failure(
                f"内部错误：{type(exc).__name__}: {exc}",
                "在命令名前加 --debug 重新运行（如“formgen --debug build”）可看到详细信息，请连同申报文件报告给维护人员",
                "E-INTERNAL",
                2,
            )
        if not results:
            _json_failure(_NONE_FOUND.format("、".join(map(str, paths))), "", "E-NOT-FOUND", 1)
    else:
        results = check_paths(_default_paths(paths))
        if not results:
            _none_found(paths or (Path("declarations"),))
    # a problem in a file several declarations share (_unit.yaml) is listed once
    findings = sorted(
        dict.fromkeys(f for r in results for f in r.problems + r.warnings),
        key=lambda f: (f.file, f.line or 0, f.column or 0, f.rule),
    )
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    if fmt == "json":
        click.echo(_json_answer(findings, len(results)))
    else:
        for finding in findings:
            click.echo(finding.format())
        click.echo(f"检查了 {len(results)} 份申报：{errors} 个错误，{warnings} 个警告。")
    if errors or (strict and warnings):
        sys.exit(1)


@cli.command(
    "import",
    context_settings=CONTEXT,
    options_metavar="[选项]",
    short_help="把已有的 Word/Excel/WPS 申报表导入为申报文件。",
    help="读取已填好的《项目支出绩效目标申报表》（.xlsx .docx，以及经 LibreOffice 转换的 "
    ".xls .doc .et .wps；可指定文件夹），每张表写成一份申报文件（.yaml）。按栏目名称查找内容，"
    "不依赖固定的格子位置。一个文件只有一张表时，申报文件与它同名；一个工作簿有多张表时，"
    "每张表以其项目名称命名。有没用上的非空单元格时，逐一列出、不写入任何文件、以状态 1 结束；"
    "核对后加 --allow-unused 重新运行即写入。",
)
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
    metavar="文件或文件夹...",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("declarations"),
    show_default=True,
    help="写入申报文件的文件夹。",
)
@click.option("--force", is_flag=True, help="覆盖已存在且内容不同的同名申报文件。")
@click.option(
    "--allow-unused",
    is_flag=True,
    help="核对过未用上的单元格后使用：照样写入申报文件，以状态 0 结束。",
)
@click.option("--dry-run", is_flag=True, help="只显示将写入的申报内容（YAML），不写任何文件。")
@click.option(
    "--into",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="申报文件",
    help="把填好的《项目支出绩效自评表》导入这份已有申报的自评结果（按一级/二级/三级指标名称对应；"
    "--force 覆盖申报中已有的不同结果）。",
)
def import_command(
    paths: tuple[Path, ...],
    output: Path,
    force: bool,
    allow_unused: bool,
    dry_run: bool,
    into: Path | None,
) -> None:
    if into is not None:
        _import_results(paths, into, force, allow_unused)
        return
    from .import_batch import import_paths

    report = import_paths(paths, output, force=force, allow_unused=allow_unused, dry_run=dry_run)
    for target, text in report.yaml:
        click.echo(f"# ===== {target} =====\n{text}")
    out = dry_run  # with --dry-run stdout carries only the YAML
    for line in report.lines:
        click.echo(line, err=out)
    for problem in report.errors:
        click.echo(problem.format(), err=True)
    done = (
        f"完成（--dry-run，未写入文件）：{len(report.yaml)} 份申报"
        if dry_run
        else f"完成：写入 {report.written} 份申报"
        + (f"（另有 {report.unchanged} 份已存在且内容相同）" if report.unchanged else "")
    )
    summary = (
        f"{done}，失败 {report.failed} 个，未用上的单元格 {report.unused} 个，"
        f"忽略的文件 {report.ignored} 个。"
    )
    click.echo(summary, err=out)
    if report.held_back:
        click.echo(
            "未写入任何申报文件：上面列出的单元格没有用上。请逐一核对（多为表外的签名、日期、备注）；"
            "确认无误后加 --allow-unused 重新运行，即写入申报文件。",
            err=True,
        )
    if report.failed or (report.unused and not allow_unused):
        sys.exit(1)


def _import_results(paths: tuple[Path, ...], into: Path, force: bool, allow: bool) -> None:
    """`formgen import 自评表.xlsx --into 申报.yaml`: results into an existing declaration."""
    from .readers import ReadError
    from .results_import import NotAnEvaluation, import_results

    if len(paths) != 1 or paths[0].is_dir():
        click.echo("错误：用 --into 时只能指定一个自评表文件\n  提示：每次导入一份自评表", err=True)
        sys.exit(1)
    try:
        report = import_results(paths[0], into, force=force, allow=allow)
    except (NotAnEvaluation, ReadError) as exc:
        click.echo(f"{paths[0]}: 错误：{exc}", err=True)
        sys.exit(1)
    except FormgenError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for line in report.unmatched_rows:
        click.echo(f"{paths[0]}: 表中这一行在申报中找不到对应的年度指标：{line}", err=True)
    if report.other_project:
        click.echo(
            f"{paths[0]}: 表中的项目名称是“{report.other_project}”，不是这份申报的项目"
            f"\n  提示：核对是否选错了申报文件",
            err=True,
        )
    for line in report.uncovered_lines:
        click.echo(f"{line} 这一年度指标在表中没有对应行", err=True)
    for line in report.unused:
        click.echo(f"{paths[0]}: 未用上的单元格：{line}", err=True)
    for line in report.conflicts:
        click.echo(f"{line}（加 --force 覆盖）", err=True)
    for line in report.notes:
        click.echo(line)
    if report.written:
        click.echo(f"已导入：{paths[0]} → {into}（对应上 {report.matched} 行）")
    else:
        click.echo(
            f"未改动 {into}：有对应不上的行或未用上的单元格（见上）。"
            "核对后加 --allow-unused 仍然导入能对应上的部分",
            err=True,
        )
    if not report.written or report.conflicts or (not report.clean and not allow):
        sys.exit(1)


@cli.command(
    "new",
    context_settings=CONTEXT,
    options_metavar="[选项]",
    short_help="新建一份申报（含全部栏目和标准指标体系）。",
    help="新建一份申报文件“名称.yaml”：每个栏目都已写出并注明怎么填，绩效指标按标准指标体系"
    "（一级 → 二级）列好，“__”是待填的地方（formgen check 会逐一列出）。"
    "--type 选用某类项目的共性指标；已存在的文件不会被覆盖。",
)
@click.argument("name", required=False, metavar="名称")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("declarations"),
    show_default=True,
    help="写入的文件夹，如 declarations/2025/某单位/。",
)
@click.option(
    "--type", "kind", metavar="类型", help="项目类型，如 培训类（--list-types 查看全部）。"
)
@click.option(
    "--year",
    type=click.IntRange(1900, 2999),
    default=None,
    help="年度（默认取 _unit.yaml、文件夹名中的年份，都没有时取明年）。",
)
@click.option(
    "--new-unit",
    is_flag=True,
    help="文件夹中还没有 _unit.yaml 时，一并新建（写本单位共用的年度、实施单位）。",
)
@click.option("--list-types", is_flag=True, help="列出可用的项目类型及其说明。")
def new_command(
    name: str | None,
    folder: Path,
    kind: str | None,
    year: int | None,
    new_unit: bool,
    list_types: bool,
) -> None:
    from .skeleton import find_skeletons, load_skeleton, new_declaration, project_root

    try:
        if list_types:
            for type_name, path in find_skeletons(project_root(folder)).items():
                skeleton = load_skeleton(path)
                lines = sum(len(v) for v in skeleton.lines.values())
                click.echo(f"{type_name}：{skeleton.description}（{lines} 行三级指标；{path}）")
            return
        if not name:
            raise click.UsageError("请给出项目名称，例如：formgen new 业务培训经费 --type 培训类")
        result = new_declaration(name, folder, kind=kind, year=year, new_unit=new_unit)
    except FormgenError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        sys.exit(1)
    for note in result.notes:
        click.echo(note)
    for path in result.written:
        if path.suffix == ".yaml":
            click.echo(f"已写出：{path}")
    click.echo(f"下一步：把“__”换成实际内容，再运行 formgen check {result.written[-1]}")


@cli.command(
    "next-year",
    context_settings=CONTEXT,
    options_metavar="[选项]",
    short_help="把一个年度的申报复制为下一年度的。",
    help="把一个年度的全部申报（含 _unit.yaml）复制到新文件夹（默认 declarations/下一年/），"
    "年度加一；中期年度是“年度—年度+2”时一并顺延。只改这几处，注释、顺序、引号原样保留；"
    "不覆盖任何已有文件；最后列出要逐项核对的地方。",
)
@click.argument(
    "folder",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="[文件夹]",
)
@click.option(
    "--to",
    "to_year",
    type=click.IntRange(1900, 2999),
    default=None,
    help="新的年度（默认：原年度加一）。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="写入的文件夹（默认：与年度文件夹并列的“新年度”文件夹，或文件夹下的“新年度”子文件夹）。",
)
@click.option(
    "--clear-values", is_flag=True, help="清空金额和指标值（保留全部名称），便于重新填写。"
)
def next_year_command(
    folder: Path | None, to_year: int | None, output: Path | None, clear_values: bool
) -> None:
    from .nextyear import plan, write

    folder = folder or _default_paths(())[0]
    try:
        result = plan(folder, to_year, clear_values, output)
        write(result)
    except FormgenError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        click.echo("没有写出任何文件。", err=True)
        sys.exit(1)
    declarations = [r for r in result.files if not r.source.name.startswith("_")]
    click.echo(
        f"已把 {result.source} 中的 {len(declarations)} 份申报复制到 {result.target}"
        f"（年度 {result.from_year} → {result.to_year}），原文件未改动。"
    )
    click.echo("请逐项核对：")
    click.echo("  [ ] 每份申报的项目资金（年度资金每年不同）、年度目标和年度指标值")
    for rolled in result.files:
        click.echo(f"  [ ] {rolled.target}")
        for line in rolled.changes:
            click.echo(f"        已改 {line}")
        for line in rolled.reviews:
            click.echo(f"        核对 {line}")
    for _source, target in result.copies:
        click.echo(f"  [ ] {target}（原样复制的项目设置）")
    click.echo(f"最后运行：formgen check {result.target}")


@cli.command(
    "schema",
    context_settings=CONTEXT,
    options_metavar="[选项]",
    short_help="输出申报文件的 JSON Schema（供编辑器补全和检查）。",
    help="输出申报文件格式的 JSON Schema（draft 2020-12），供 VS Code 等支持 YAML 语言服务器的编辑器"
    "补全键名、显示说明、标出写错的地方。用法见 README“在编辑器中写申报”一节。",
)
@click.option("--unit", "unit", is_flag=True, help="输出单位文件（_unit.yaml）的 Schema。")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="写入这个文件（默认打印到屏幕）。",
)
@click.option("--force", is_flag=True, help="文件已存在且内容不同时也覆盖。")
def schema_command(unit: bool, output: Path | None, force: bool) -> None:
    from .schema import schema_text

    text = schema_text("unit" if unit else "declaration")
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists() and not force and output.read_text(encoding="utf-8") != text:
        click.echo(
            f"错误：{output} 已存在且内容不同，没有覆盖。\n  提示：确认要更新时加 --force。",
            err=True,
        )
        sys.exit(1)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")
    click.echo(f"已写出：{output}")


def main() -> None:
    # A command runs once and exits, making many small objects and few reference cycles:
    # the cyclic collector's default pace (every 700 allocations) cost ~4 % of a build
    # of 200 forms. Collect far less often, as mypy's command does; memory stays bounded
    # because the collector still runs.
    gc.set_threshold(20_000, 20, 20)
    debug = "--debug" in sys.argv[1:]
    if debug:
        os.environ["FORMGEN_DEBUG"] = "1"
    try:
        cli.main(prog_name="formgen", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("已中断。已写完的文件完好，未写完的文件没有留下。", err=True)
        sys.exit(130)
    except Exception as exc:  # never a traceback for users unless asked
        if debug:
            raise
        click.echo(
            f"内部错误：{type(exc).__name__}: {exc}\n  提示：在命令名前加 --debug 重新运行（如“formgen --debug build”）可看到详细信息，"
            "请把它连同申报文件一起报告给维护人员。",
            err=True,
        )
        sys.exit(2)


def run() -> NoReturn:
    """The `formgen` command (console script and `python -m formgen`): main(), then exit
    without tearing the interpreter down.

    Freeing every object of a build one by one at exit took ~25 ms of a 200-form build
    (3 %), for memory the system takes back at once; mypy's command exits the same way.
    Nothing is lost: every file formgen writes is closed (and named) before main()
    returns, and the output streams are flushed here. A stream that cannot be flushed
    (a closed pipe), a message to print, or worker processes started take Python's own
    way out."""
    try:
        main()
    except SystemExit as done:
        code = done.code
        # After a pool of worker processes (-j 2 and more), Python's own exit is kept: its
        # exit handler makes sure the workers are gone, also after a Ctrl-C.
        pooled = "concurrent.futures.process" in sys.modules
        if (code is None or isinstance(code, int)) and not pooled:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):
                raise done from None
            os._exit(code or 0)
        raise  # a message to print: Python prints it and exits with 1
    raise AssertionError("click's standalone mode always ends in SystemExit")


if __name__ == "__main__":
    run()
