"""Command-line interface: a thin layer over :mod:`codemods.engine`.

Argument parsing and printing only: configuration lives in
:mod:`codemods.config`, output formats and the review report in
:mod:`codemods.reports`.

Exit codes follow ruff: 0 nothing to migrate (or all applied), 1 migration
needed (``check``), a non-empty diff (``diff``, like ``ruff check --diff``:
spots left alone do not make a diff) or warnings left (``apply
--strict``), 2 error (bad usage or configuration, missing, unreadable or
unparsable file, a file that could not be written).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable, List, NoReturn, Optional, Sequence, Tuple, TypeVar

import click

from codemods import engine, reports, scope, target
from codemods.config import ConfigError, Settings, discover, merge
from codemods.rules import TARGETS, UnknownRuleError, all_rules, load_rule, load_rules, select_codes, selection_notes

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROGRESS_THRESHOLD = 50  # files; smaller runs finish before a bar would help

F = TypeVar("F", bound=Callable[..., Any])


class CliError(click.ClickException):
    """A usage or configuration problem: message on stderr, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"agno-migrate: error: {self.format_message()}", err=True)


# -- options -----------------------------------------------------------------------


def target_options(func: F) -> F:
    """PATHS and the options choosing files, rules and rule options."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path()),
        click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
                     help="Read [tool.agno-migrate] from this file instead of the nearest pyproject.toml."),
        click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
        click.option("--select", multiple=True, help="Rule codes, prefixes or names to run (comma-separated)."),
        click.option("--ignore", multiple=True, help="Rule codes, prefixes or names to skip (comma-separated)."),
        click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable; replaces exclude)."),
        click.option("--extend-exclude", multiple=True,
                     help="Glob of paths to skip, added to exclude (repeatable)."),
        click.option("--stdin-filename", default=None, metavar="PATH",
                     help="With PATH '-': the name of the file read from stdin (for messages and config)."),
        click.option("--name-map", multiple=True, metavar="SYNC=ASYNC",
                     help="Extra sync->async method name pair (repeatable, adds to name-map)."),
        click.option("--target", "migration_target", type=click.Choice(tuple(TARGETS)), default=None,
                     help="What to migrate to: agno1 (default: the async migration on agno 1.x) or "
                          "agno3 (then on to agno 3; adds the AGM3xx rules)."),
        click.option("--target-version", type=click.Choice(target.SUPPORTED), default=None,
                     help="Oldest Python the migrated code must run on (default: requires-python's lower "
                          "bound, else py311); TaskGroup rewrites need py311."),
        click.option("--fanout-scope", type=click.Choice(scope.FANOUT_SCOPES), default=None,
                     help="Where AGM005/AGM006 rewrite fan-outs: workflow code (default) or all code."),
        click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
                     help="Also make the fixes that can change behaviour (TaskGroup fan-outs, agents whose "
                          "tools are not visible); default: report them only (config unsafe-fixes)."),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
                     help="Worker processes (0 = one per CPU)."),
        click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary or progress."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def output_options(func: F) -> F:
    options = [
        click.option("--output-format", type=click.Choice(reports.OUTPUT_FORMATS), default="text",
                     show_default=True, help="How findings are printed."),
        click.option("--output-file", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
                     help="Write the findings to this file instead of stdout."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when migration is needed."),
        click.option("--statistics", is_flag=True, help="Print one line per rule with its counts, not the findings."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def color_option(func: F) -> F:
    return click.option("--color/--no-color", default=None,
                        help="Color the diff (default: NO_COLOR/FORCE_COLOR, else when stdout is a terminal).")(func)


# -- running -----------------------------------------------------------------------


def _settings(params: dict) -> Settings:
    try:
        config = discover(params["config_file"], params["isolated"])
        return merge(config, params["paths"], params["select"], params["ignore"], params["exclude"],
                     params["name_map"], params["target_version"], params["fanout_scope"],
                     params["migration_target"], params["unsafe_fixes"], params["extend_exclude"])
    except ConfigError as exc:
        raise CliError(str(exc)) from exc


def _rules(settings: Settings) -> List[str]:
    """The selected rules' codes (the rules themselves are imported only if a file needs them)."""
    try:
        return select_codes(settings.select, settings.ignore, settings.migration_target)
    except UnknownRuleError as exc:
        raise CliError(str(exc)) from exc


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


def _run(params: dict, write: bool, record_steps: bool = False) -> Tuple[List[str], List[engine.FileResult], Settings]:
    stdin = list(params["paths"]) == ["-"]
    if stdin:
        params = dict(params, paths=())
    elif "-" in params["paths"]:
        raise click.UsageError("'-' (stdin) must be the only PATH")
    elif params.get("stdin_filename"):
        raise click.UsageError("--stdin-filename needs PATH '-'")
    settings = _settings(params) if not stdin else _stdin_settings(params)
    params["target_note"] = settings.target_note
    rules = _rules(settings)
    if not params["quiet"]:
        for note in selection_notes(settings.select, settings.ignore, settings.migration_target):
            click.echo(f"note: {note}", err=True)
    if stdin:
        return rules, [_run_stdin(params, rules, settings, record_steps)], settings
    workers = params["jobs"] or os.cpu_count() or 1
    bases = [str(settings.config_path.parent)] if settings.config_path is not None else []
    files = list(dict.fromkeys(engine.iter_python_files(settings.paths, settings.exclude, bases=bases)))
    kwargs: dict = dict(write=write, jobs=workers, options=settings.options, roots=settings.paths,
                        record_steps=record_steps)
    if not params["quiet"] and _stderr_is_tty() and len(files) > PROGRESS_THRESHOLD:
        with click.progressbar(length=len(files), label="agno-migrate", file=sys.stderr, show_pos=True,
                               show_eta=True) as bar:
            results = engine.run(files, rules, on_result=lambda _r: bar.update(1), **kwargs)
    else:
        results = engine.run(files, rules, **kwargs)
    # ruff's order: by path (then line and column within a file, as the engine sorts them).
    results.sort(key=lambda result: result.path)
    return rules, results, settings


def _stdin_settings(params: dict) -> Settings:
    """Settings for a file read from stdin: the configuration is found from
    ``--stdin-filename``'s directory (else the current one)."""
    name = params.get("stdin_filename")
    where = os.path.dirname(os.path.abspath(name)) if name else None
    try:
        config = discover(params["config_file"], params["isolated"], start=where)
        return merge(config, [name or "-"], params["select"], params["ignore"], params["exclude"],
                     params["name_map"], params["target_version"], params["fanout_scope"],
                     params["migration_target"], params["unsafe_fixes"], params["extend_exclude"])
    except ConfigError as exc:
        raise CliError(str(exc)) from exc


def _run_stdin(params: dict, rules: List[str], settings: Settings, record_steps: bool) -> engine.FileResult:
    """Migrate stdin as one file named ``--stdin-filename`` (no other file is seen)."""
    source = sys.stdin.buffer.read()
    path = params.get("stdin_filename") or "-"
    return engine.migrate_source(source, rules, path, settings.options, record_steps=record_steps)


def _needs_migration(results: Sequence[engine.FileResult]) -> bool:
    """Something would change, or a rule found a spot it had to leave to a human."""
    return any(result.changed or result.findings for result in results)


def _write_output(text: str, output_file: Optional[str]) -> None:
    if output_file:
        try:
            with open(output_file, "w", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(text)
        except OSError as exc:
            raise CliError(f"cannot write {output_file}: {exc.strerror or exc}") from exc
    elif text:
        click.echo(text, nl=False)


def _print_errors(results: Sequence[engine.FileResult]) -> None:
    for result in results:
        if result.error:
            click.echo(reports.error_line(result), err=True)


def _exit(code: int) -> NoReturn:
    sys.exit(code)


def _finish(params: dict, results: Sequence[engine.FileResult], verb: str, attention: bool) -> NoReturn:
    """Summary on stderr (unless quiet), then exit: 2 on a file error, 1 when ``attention``
    is needed (unless ``--exit-zero``), else 0."""
    if not params["quiet"]:
        click.echo(reports.summary_line(results, verb), err=True)
        if params.get("target_note") and _depends_on_target(results):
            click.echo(f"note: {params['target_note']}", err=True)
    if any(r.error for r in results):
        _exit(EXIT_ERROR)
    _exit(EXIT_FINDINGS if attention and not params["exit_zero"] else EXIT_CLEAN)


#: Rules whose rewrites need a Python version (asyncio.TaskGroup): the target matters to them.
_TARGET_DEPENDENT = ("AGM005", "AGM006", "AGM007")


def _depends_on_target(results: Sequence[engine.FileResult]) -> bool:
    """Whether a finding of the run would differ with another target version."""
    return any(f.code in _TARGET_DEPENDENT for r in results for f in r.findings)


def _do_check(params: dict) -> NoReturn:
    rules, results, _ = _run(params, write=False)
    fmt = params["output_format"]
    if params.get("statistics"):
        _write_output(reports.render_statistics(results, fmt), params["output_file"])
    else:
        _write_output(reports.render_findings(results, fmt, rules), params["output_file"])
    if fmt == "text":
        _print_errors(results)
    _finish(params, results, "would change", _needs_migration(results))


def _use_color(flag: Optional[bool]) -> bool:
    """``--color/--no-color``, else NO_COLOR / FORCE_COLOR (https://no-color.org), else whether stdout is a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _do_diff(params: dict) -> NoReturn:
    _, results, _ = _run(params, write=False)
    use_color = _use_color(params.get("color"))
    for result in results:
        text = reports.unified_diff(result)
        if text:
            click.echo(colorize_diff(text) if use_color else text, nl=False, color=use_color)
    _print_errors(results)
    for finding in (f for r in results for f in r.findings if not f.fixed):
        click.echo(reports.safe(finding.format()), err=True)
    # Like `ruff check --diff`: 1 when there is a diff; spots left alone are printed, not counted.
    _finish(params, results, "would change", any(result.changed for result in results))


def _do_apply(params: dict) -> NoReturn:
    rules, results, _ = _run(params, write=True)
    fmt = params["output_format"]
    if list(params["paths"]) == ["-"]:
        # Like `ruff format -`: the migrated source goes to stdout, the findings to stderr.
        (result,) = results
        if result.error is None:
            sys.stdout.buffer.write(result.migrated if result.migrated is not None else b"")
            sys.stdout.flush()
        click.echo(reports.render_findings(results, fmt, rules), err=True, nl=False)
        _print_errors(results)
        _finish(params, results, "would change", bool(params.get("strict"))
                and any(not f.fixed for r in results for f in r.findings))
    if params.get("statistics"):
        _write_output(reports.render_statistics(results, fmt, applied=True), params["output_file"])
    else:
        _write_output(reports.render_findings(results, fmt, rules, applied=True), params["output_file"])
    if fmt == "text":
        _print_errors(results)
    left = any(not f.fixed for r in results for f in r.findings)
    _finish(params, results, "rewritten", bool(params.get("strict")) and left)


def colorize_diff(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            lines.append(click.style(line, bold=True))
        elif line.startswith("+"):
            lines.append(click.style(line, fg="green"))
        elif line.startswith("-"):
            lines.append(click.style(line, fg="red"))
        elif line.startswith("@@"):
            lines.append(click.style(line, fg="cyan"))
        else:
            lines.append(line)
    return "".join(lines)


# -- commands ----------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="agno-migrate", prog_name="agno-migrate")
def main() -> None:
    """Migrate legacy agno 1.x async workflows to native sync/async twins.

    PATHS default to `paths` in [tool.agno-migrate] of the nearest
    pyproject.toml; command-line flags override that configuration.
    """


@main.command()
@target_options
@output_options
def check(**params: Any) -> None:
    """Report what would change; exit 1 if anything needs migrating."""
    _do_check(params)


@main.command()
@target_options
@color_option
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when migration is needed.")
def diff(**params: Any) -> None:
    """Print the unified diff of what would change; exit 1 if non-empty (0 if only spots were left alone)."""
    _do_diff(params)


@main.command()
@target_options
@output_options
@click.option("--diff", "as_diff", is_flag=True, help="Do not write; print the diff (same as `diff`).")
@click.option("--check", "as_check", is_flag=True, help="Do not write; report findings (same as `check`).")
@click.option("--strict", is_flag=True, help="Exit 1 when spots were left alone for a human.")
@color_option
def apply(**params: Any) -> None:
    """Rewrite the files in place (atomically); exit 2 on any error."""
    if params["as_diff"] and params["as_check"]:
        raise click.UsageError("--diff and --check are mutually exclusive")
    if params["as_diff"]:
        _do_diff(params)
    if params["as_check"]:
        _do_check(params)
    _do_apply(params)


@main.command()
@target_options
@click.option("-o", "--output-file", "--output", "output_file", type=click.Path(dir_okay=False, writable=True),
              default=None, help="Write the report here (default: stdout).")
@click.option("--output-format", "--format", "fmt", type=click.Choice(["html", "markdown"]), default=None,
              help="Report format (default: from the -o suffix, html unless .md).")
@click.option("--context", type=click.IntRange(min=0), default=3, show_default=True,
              help="Unchanged lines shown around each change.")
@click.option("--max-chars", type=click.IntRange(min=0), default=None,
              help="Markdown only: leave out file diffs beyond this size (default 60000, GitHub's "
                   "comment limit is 65536; 0 = no limit).")
def review(**params: Any) -> None:
    """Write a review report: every diff hunk labelled with the rules behind it.

    Nothing is written to the PATHS.  Exit 0 once the report is written, 2 if
    a file could not be processed (the report still lists it).
    """
    rules, results, settings = _run(params, write=False, record_steps=True)  # the review's line labels
    fmt = params["fmt"] or ("markdown" if (params["output_file"] or "").endswith((".md", ".markdown"))
                            else "html")
    built = reports.build_review(results, load_rules(rules), settings.paths, context=params["context"])
    if fmt == "markdown":
        limit = 60000 if params["max_chars"] is None else params["max_chars"]
        text = reports.review_markdown(built, max_chars=limit)
    else:
        text = reports.review_html(built)
    _write_output(text, params["output_file"])
    if not params["quiet"]:
        where = f"wrote {params['output_file']}: " if params["output_file"] else ""
        click.echo(where + reports.summary_line(results, "would change"), err=True)
    _print_errors(results)
    _exit(EXIT_ERROR if any(r.error for r in results) else EXIT_CLEAN)


@main.command()
@click.argument("codes", nargs=-1)
@click.option("--output-format", "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True)
def rules(codes: Tuple[str, ...], fmt: str) -> None:
    """List the rules, or show the documentation of the rules CODES (e.g. `rules AGM004`)."""
    if codes:
        try:
            registered = [load_rule(code.strip().upper()) for code in codes]
        except UnknownRuleError as exc:
            raise CliError(f"{exc}; `agno-migrate rules` lists them") from exc
    else:
        registered = all_rules()
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "name": r.name, "summary": r.summary, "fix_safety": r.fix_safety,
                                "doc": r.doc()}
                               for r in registered], indent=2))
    elif fmt == "markdown":
        click.echo(reports.rules_markdown(registered), nl=False)
    elif codes:
        for rule in registered:
            click.echo(f"{rule.code} {rule.name}\n\n{rule.summary}\n\nFix safety: {rule.fix_safety}\n\n{rule.doc()}\n")
    else:
        for rule in registered:
            click.echo(f"{rule.code}  {rule.name}: {rule.summary}")


@main.command()
@target_options
@click.option("--check", "as_check", is_flag=True, help="Write nothing; exit 1 listing how DST differs from a fresh snapshot.")
@click.option("--force", is_flag=True, help="Replace DST if it exists and is not empty.")
@click.option("--strict", is_flag=True, help="Exit 1 when spots were left alone for a human.")
@click.option("--keep", multiple=True, metavar="SUB",
              help="A directory inside DST that is not part of this snapshot (e.g. another target's copy): "
                   "neither compared nor replaced (repeatable).")
def snapshot(**params: Any) -> None:
    """SRC DST: write a migrated copy of SRC to DST, exactly as `apply SRC` would rewrite it.

    Same configuration, options and engine as `apply`; SRC is not touched.
    Prove the migration on the copy (docs/prove-your-migration.md) before `apply`.
    """
    from codemods import snapshot as snap

    if len(params["paths"]) != 2:
        raise click.UsageError("expected SRC DST")
    source, destination = params["paths"]
    params["paths"] = (source,)
    try:
        snap.check_paths(source, destination, replace=params["force"], check=params["as_check"])
    except snap.SnapshotError as exc:
        raise CliError(str(exc)) from exc
    _, results, _ = _run(params, write=False)
    try:
        code = snap.run(source, destination, results, check=params["as_check"], strict=params["strict"],
                        quiet=params["quiet"], echo=lambda text, err: click.echo(text, err=err), keep=params["keep"])
    except snap.SnapshotError as exc:
        raise CliError(str(exc)) from exc
    _exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
