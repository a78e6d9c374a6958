"""formgen against the docxtpl/openpyxl peer, in one run on one machine.

    python bench/bench.py                # N = 200
    python bench/bench.py --big          # N = 1000 as well
    python bench/bench.py --record       # also write bench/RESULTS.md

Renders the same synthetic forms (the peer's `synth.generate(n, seed)`, turned
into formgen declarations) with formgen and with the peer, and prints forms/s
and ratios for rendering and end to end, `-j 2`, a no-op rebuild, peak RSS and
`formgen --help` start-up time. Where ../shared/peer (or docxtpl) is absent,
formgen's figures are printed alone, on copies of the bundled declarations.
Needs: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from formgen.importer import line_entry

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT.parent / "shared" / "peer"
PYTHON_M_FORMGEN = [sys.executable, "-m", "formgen"]
# `formgen` as users run it: the console script pip installed beside this Python (it
# skips runpy's start-up); `python -m formgen` where there is none.
_SCRIPT = shutil.which("formgen", path=str(Path(sys.executable).parent))
FORMGEN = [_SCRIPT] if _SCRIPT else PYTHON_M_FORMGEN


# -- synthetic declarations ---------------------------------------------------------


def _first(value):
    """The peer's strings may carry alternatives after '||'; the first one wins (peer common.first)."""
    return value.split("||", 1)[0].strip() if isinstance(value, str) else value


def _text(value) -> str:
    value = _first(value)
    return "" if value is None else str(value)


def to_declaration(form: dict) -> dict:
    """One synth form (the peer's format) as a formgen declaration (Chinese keys)."""
    decl = {"年度": form["year"], "项目名称": _text(form["name"])}
    if form.get("department"):
        decl["主管部门"] = _text(form["department"])
    decl.update(
        {
            "实施单位": _text(form["unit"]),
            "项目属性": _text(form["attribute"]),
            "项目期": _text(form["period"]),
        }
    )
    if form.get("period_label") and form["period_label"] != "项目期":
        decl["标签"] = {"项目期": form["period_label"]}
    funds = {}
    for side, key in (("mid", "中期"), ("annual", "年度")):
        given = {
            label: _first(form["funds"][side].get(k))
            for k, label in (("total", "资金总额"), ("fiscal", "财政拨款"), ("other", "其他资金"))
        }
        funds[key] = {k: v for k, v in given.items() if v is not None}
    decl["项目资金"] = funds
    goals = form["goals"]
    decl["总体目标"] = {
        "中期年度": f"{goals['span'][0]}—{goals['span'][1]}",
        "中期目标": [_text(g) for g in goals["mid"]],
        "年度目标": [_text(g) for g in goals["annual"]],
    }
    indicators = {}
    for group in form["indicators"]:
        blocks = {}
        for block in group["blocks"]:
            mid = [(_text(n), _text(v)) for n, v in block["mid"]]
            annual = [(_text(n), _text(v)) for n, v in block["annual"]]
            lines = [
                line_entry(mid[i] if i < len(mid) else None, annual[i] if i < len(annual) else None)
                for i in range(max(len(mid), len(annual)))
            ]
            if block.get("annual_level2"):
                blocks[block["level2"]] = {"年度二级指标": block["annual_level2"], "指标": lines}
            else:
                blocks[block["level2"]] = lines
        indicators[group["level1"]] = blocks
    decl["绩效指标"] = indicators
    return decl


def write_declarations(folder: Path, forms: list[dict]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    # The synthetic forms round annual amounts on their own, so their sums may be off
    # by 0.1 and some lines have a name but no value: the rules would refuse those forms,
    # and the peer renders them, so for a like-for-like comparison the two rules are off.
    (folder / "formgen.toml").write_text(
        'disable = ["E-FUNDS-SUM", "E-LINE-INCOMPLETE"]\n', encoding="utf-8"
    )
    paths = []
    for i, form in enumerate(forms, start=1):
        path = folder / f"form_{i:05d}.yaml"
        path.write_text(
            yaml.safe_dump(to_declaration(form), allow_unicode=True, sort_keys=False, width=1000),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def fallback_declarations(folder: Path, n: int) -> list[Path]:
    """Without the peer: the bundled declarations, copied round-robin under new names."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted((ROOT / "declarations").glob("*.yaml"))
    paths = []
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        path = folder / f"form_{i + 1:05d}.yaml"
        path.write_text(text.replace("项目名称: ", f"项目名称: {i + 1}号", 1), encoding="utf-8")
        paths.append(path)
    return paths


# -- measuring ------------------------------------------------------------------------


def best_of(repeat: int, fn) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def run(cmd: list[str], cwd: Path, repeat: int = 1) -> float:
    """Wall time of a command, best of `repeat` (a shared 2-core host is noisy: ±30 %)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(
                f"failed: {' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            )
    return min(times)


def compile_formgen() -> None:
    """Byte-compile formgen's modules before timing its command, as pip does when it
    installs a package and as Python does on a first run. (Where PYTHONDONTWRITEBYTECODE
    is set, as on some CI hosts, an editable install would otherwise compile every module
    on every run: about 50 ms of each command.)"""
    import compileall

    import formgen

    compileall.compile_dir(Path(formgen.__file__).parent, quiet=1)


def peak_rss_of_build(folder: Path, out: Path) -> float:
    """Peak RSS (MB) of one `formgen build -j 1` process over the folder.

    Read from /proc (VmHWM): Linux carries ru_maxrss across fork+exec, so a child
    started by this (large) process would report this process's peak."""
    code = (
        "from formgen.build import build\n"
        f"build([{str(folder)!r}], {str(out)!r}, jobs=1, force=True)\n"
        "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--big", action="store_true", help="also N = 1000")
    ap.add_argument(
        "--repeat", type=int, default=3, help="time each in-process phase K times, keep the best"
    )
    ap.add_argument("--record", action="store_true", help="write the figures to bench/RESULTS.md")
    args = ap.parse_args()

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    peer = None
    if (PEER / "synth.py").exists():
        sys.path.insert(0, str(PEER))
        try:
            import peer_docx
            import peer_xlsx
            import synth

            peer = (peer_docx, peer_xlsx, synth)
        except ImportError as exc:
            say(
                f"peer present but not importable ({exc}); pip install -e '.[bench]' — formgen alone"
            )
    else:
        say(f"{PEER} is absent: formgen's figures alone (on copies of the bundled declarations)")

    say(f"# formgen benchmark — {datetime.date.today().isoformat()}")
    say(
        f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    sizes = [args.n] + ([1000] if args.big and args.n != 1000 else [])
    for n in sizes:
        bench_n(n, peer, args.repeat, say)
    bench_memory_and_startup(say)
    if args.record:
        (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("recorded in bench/RESULTS.md")


def bench_n(n: int, peer, repeat: int, say) -> None:
    """Each repetition times every phase once, formgen and peer side by side, so that a slow
    spell of this shared host hits both; each figure is the best over the repetitions."""
    from formgen.docx_writer import write_docx
    from formgen.kinds.shenbao import layout
    from formgen.loader import load
    from formgen.xlsx_writer import write_xlsx

    work = Path(tempfile.mkdtemp(prefix=f"formgen-bench-{n}-"))
    compile_formgen()
    say()
    say(f"## N = {n}")
    forms = peer[2].generate(n, seed=1) if peer else None
    decl_dir = work / "declarations"
    paths = write_declarations(decl_dir, forms) if forms else fallback_declarations(decl_dir, n)
    decls = [load(p) for p in paths]  # untimed: rendering starts from a loaded declaration
    out, pout = work / "formgen", work / "peer"
    out.mkdir()
    pout.mkdir()
    build_dir = work / "build"
    folders = iter(range(1_000_000))

    def fresh_folder() -> Path:
        """A new, empty output folder: every file is created, as in a first build."""
        return work / f"fresh-{next(folders)}"

    def create_files() -> None:
        """As many new files as the build makes (2 forms' files each, and the unit summary),
        of the outputs' mean size, in a new folder: the file system's own part of the time
        into an empty folder, timed in the same repetition, right before it."""
        folder = fresh_folder()
        folder.mkdir()
        data = bytes(20_000)
        for i in range(2 * n + 1):
            fd = os.open(folder / f"f{i}.docx", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            os.write(fd, data)
            os.close(fd)

    phases: dict = {
        "formgen docx": lambda: [
            write_docx(layout(d), out / f"f{i}.docx") for i, d in enumerate(decls)
        ],
        "formgen xlsx": lambda: [
            write_xlsx(layout(d), out / f"f{i}.xlsx") for i, d in enumerate(decls)
        ],
        "create files": create_files,
        "formgen -j 1": lambda: run(
            [*FORMGEN, "build", str(decl_dir), "-o", str(fresh_folder()), "-j", "1", "-q"],
            work,
        ),
        "formgen -j 1 again": lambda: run(
            [*FORMGEN, "build", str(decl_dir), "-o", str(build_dir), "-j", "1", "-q", "--force"],
            work,
        ),
        "formgen -j 2": lambda: run(
            [
                *FORMGEN,
                "build",
                str(decl_dir),
                "-o",
                str(work / "build2"),
                "-j",
                "2",
                "-q",
                "--force",
            ],
            work,
        ),
    }
    if peer:
        peer_docx, peer_xlsx, synth = peer
        peer_docx.build_template()
        ydir = work / "peer-yaml"
        ydir.mkdir()
        ypaths = []
        for i, f in enumerate(forms):
            ypaths.append(ydir / f"p{i}.yaml")
            ypaths[-1].write_text(synth.dump(f), encoding="utf-8")

        def peer_end_to_end(folder: Path):  # read its YAML, write both files; in process
            folder.mkdir(exist_ok=True)
            for i, p in enumerate(ypaths):
                data = yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
                peer_docx.render(data, str(folder / f"e{i}.docx"))
                peer_xlsx.render(data, str(folder / f"e{i}.xlsx"))

        phases["peer docx"] = lambda: [
            peer_docx.render(f, str(pout / f"p{i}.docx")) for i, f in enumerate(forms)
        ]
        phases["peer xlsx"] = lambda: [
            peer_xlsx.render(f, str(pout / f"p{i}.xlsx")) for i, f in enumerate(forms)
        ]
        phases["peer end to end"] = lambda: peer_end_to_end(fresh_folder())
        phases["peer end to end again"] = lambda: peer_end_to_end(pout / "again")
    best = dict.fromkeys(phases, float("inf"))
    created: list[float] = []
    for _ in range(repeat):
        for name, fn in phases.items():
            seconds = best_of(1, fn)[0]
            best[name] = min(best[name], seconds)
            if name == "create files":
                created.append(seconds)
    rate = {name: n / seconds for name, seconds in best.items()}
    say(f"render .docx: formgen {rate['formgen docx']:8.1f} forms/s")
    say(f"render .xlsx: formgen {rate['formgen xlsx']:8.1f} forms/s")
    if peer:
        say(
            f"render .docx: peer    {rate['peer docx']:8.1f} forms/s   ratio formgen/peer "
            f"{rate['formgen docx'] / rate['peer docx']:6.1f}x (target ≥ 20x)"
        )
        say(
            f"render .xlsx: peer    {rate['peer xlsx']:8.1f} forms/s   ratio formgen/peer "
            f"{rate['formgen xlsx'] / rate['peer xlsx']:6.1f}x (target ≥ 8x)"
        )
    j1 = rate["formgen -j 1"]
    again = rate["formgen -j 1 again"]
    say(
        f"end to end, the command run as {'`formgen` (console script)' if _SCRIPT else '`python -m formgen`'}:\n"
        "into an empty folder (every file created):\n"
        f"  `formgen build -j 1` (command, YAML → both files):  {j1:8.1f} forms/s"
    )
    if peer:
        say(
            f"  peer (in process, YAML → both files):              {rate['peer end to end']:8.1f} forms/s"
            f"   ratio {j1 / rate['peer end to end']:6.1f}x (target ≥ 15x)"
        )
    say(
        f"  the file system alone, {2 * n + 1} new 20 KB files in a new folder (no formgen):"
        f" {min(created) * 1000:.0f} to {max(created) * 1000:.0f} ms"
    )
    say(
        "end to end, again over the same outputs (`--force`; formgen leaves a file that would\n"
        "get the same bytes as it is, the peer writes every file again):\n"
        f"  `formgen build -j 1 --force`:                        {again:8.1f} forms/s"
    )
    if peer:
        say(
            f"  peer (in process):                                 {rate['peer end to end again']:8.1f} forms/s"
            f"   ratio {again / rate['peer end to end again']:6.1f}x (target ≥ 15x)"
        )
    j2 = rate["formgen -j 2"]
    say(f"end to end `formgen build -j 2`: {j2:8.1f} forms/s ({j2 / j1:.2f}x -j 1)")
    noop = run([*FORMGEN, "build", str(decl_dir), "-o", str(build_dir), "-q"], work, repeat)
    say(
        f"no-op rebuild of {n} unchanged forms (command included): {noop:.3f} s"
        + (" (target < 1 s for 1000)" if n == 1000 else "")
    )
    shutil.rmtree(work, ignore_errors=True)


def bench_memory_and_startup(say) -> None:
    say()
    say("## memory and start-up")
    work = Path(tempfile.mkdtemp(prefix="formgen-bench-rss-"))
    rss = {}
    for n in (100, 1000):
        folder = work / f"d{n}"
        fallback_declarations(folder, n)
        rss[n] = peak_rss_of_build(folder, work / f"o{n}")
    say(
        f"peak RSS `build -j 1`: 100 forms {rss[100]:.1f} MB, 1000 forms {rss[1000]:.1f} MB "
        f"({rss[1000] / rss[100]:.2f}x, target ≤ 1.5x)"
    )
    helps = [run([*PYTHON_M_FORMGEN, "--help"], work) for _ in range(5)]
    line = f"`python -m formgen --help`: best {min(helps) * 1000:.0f} ms of 5"
    if _SCRIPT:
        line += f"; `formgen --help`: best {min(run([_SCRIPT, '--help'], work) for _ in range(5)) * 1000:.0f} ms"
    say(line + " (target < 300 ms)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
