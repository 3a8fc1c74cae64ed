"""Command-line interface: a thin layer over :mod:`codemods.engine`.

Exit codes follow ruff: 0 nothing to migrate (or all applied), 1 migration
needed (``check``/``diff``) or warnings left (``apply --strict``), 2 error
(bad usage, unreadable or unparsable file).
"""

from __future__ import annotations

import json
import os
import sys
from typing import List, Optional, Sequence, Type

import click

from codemods import engine
from codemods.rule import Finding, Rule
from codemods.rules import UnknownRuleError, all_rules, select_rules

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split(values: Sequence[str]) -> List[str]:
    return [part for value in values for part in value.split(",") if part.strip()]


def _resolve_rules(select: Sequence[str], ignore: Sequence[str]) -> List[Type[Rule]]:
    try:
        return select_rules(_split(select), _split(ignore))
    except UnknownRuleError as exc:
        raise click.UsageError(str(exc)) from exc


def common_options(func):
    options = [
        click.argument("paths", nargs=-1, type=click.Path(), required=True),
        click.option("--select", multiple=True, help="Rule codes, prefixes or names to run (comma-separated)."),
        click.option("--ignore", multiple=True, help="Rule codes, prefixes or names to skip (comma-separated)."),
        click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable)."),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
                     help="Worker processes (0 = one per CPU)."),
        click.option("--output-format", type=click.Choice(["text", "json", "github"]), default="text",
                     show_default=True, help="How findings are printed."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when migration is needed."),
        click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary or progress."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run(paths, select, ignore, exclude, jobs, quiet, write: bool) -> List[engine.FileResult]:
    rules = _resolve_rules(select, ignore)
    workers = jobs or os.cpu_count() or 1
    files = list(dict.fromkeys(engine.iter_python_files(paths, exclude)))
    show_progress = not quiet and sys.stderr.isatty() and len(files) > 50
    if show_progress:
        with click.progressbar(length=len(files), label="agno-migrate", file=sys.stderr) as bar:
            return engine.run(files, rules, write=write, jobs=workers, on_result=lambda _r: bar.update(1))
    return engine.run(files, rules, write=write, jobs=workers)


def _emit_findings(results: List[engine.FileResult], output_format: str) -> None:
    findings: List[Finding] = [finding for result in results for finding in result.findings]
    errors = [result for result in results if result.error]
    if output_format == "json":
        payload = {
            "findings": [finding.as_dict() for finding in findings],
            "errors": [{"path": r.path, "message": r.error} for r in errors],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    for finding in findings:
        if output_format == "github":
            level = "warning" if finding.fixed else "notice"
            click.echo(f"::{level} file={finding.path},line={finding.line},col={finding.column},"
                       f"title={finding.code}::{finding.message}")
        else:
            click.echo(finding.format())
    for result in errors:
        if output_format == "github":
            click.echo(f"::error file={result.path}::{result.error}")
        else:
            click.echo(f"{result.path}: error: {result.error}", err=True)


def _needs_migration(results: List[engine.FileResult]) -> bool:
    """Something would change, or a rule found a spot it had to leave to a human."""
    return any(result.changed or result.findings for result in results)


def _summary(results: List[engine.FileResult], verb: str) -> str:
    changed = sum(1 for r in results if r.changed)
    fixes = sum(1 for r in results for f in r.findings if f.fixed)
    warnings = sum(1 for r in results for f in r.findings if not f.fixed)
    errors = sum(1 for r in results if r.error)
    return (f"{len(results)} file(s) checked, {changed} {verb}, {fixes} fix(es), "
            f"{warnings} warning(s), {errors} error(s)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="agno-migrate")
def main() -> None:
    """Migrate legacy agno 1.x async workflows to native sync/async twins."""


@main.command()
@common_options
def check(paths, select, ignore, exclude, jobs, output_format, exit_zero, quiet):
    """Report what would change; exit 1 if anything needs migrating."""
    results = _run(paths, select, ignore, exclude, jobs, quiet, write=False)
    _emit_findings(results, output_format)
    if not quiet and output_format == "text":
        click.echo(_summary(results, "would change"), err=True)
    if any(r.error for r in results):
        sys.exit(EXIT_ERROR)
    if _needs_migration(results) and not exit_zero:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


@main.command()
@common_options
@click.option("--color/--no-color", default=None, help="Color the diff (default: when stdout is a terminal).")
def diff(paths, select, ignore, exclude, jobs, output_format, exit_zero, quiet, color: Optional[bool]):
    """Print the unified diff of what would change; exit 1 if non-empty."""
    results = _run(paths, select, ignore, exclude, jobs, quiet, write=False)
    use_color = sys.stdout.isatty() if color is None else color
    for result in results:
        text = result.diff()
        if text:
            click.echo(_colorize(text) if use_color else text, nl=False, color=use_color)
    for result in results:
        if result.error:
            click.echo(f"{result.path}: error: {result.error}", err=True)
    for finding in (f for r in results for f in r.findings if not f.fixed):
        click.echo(finding.format(), err=True)
    if not quiet:
        click.echo(_summary(results, "would change"), err=True)
    if any(r.error for r in results):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if _needs_migration(results) and not exit_zero else EXIT_CLEAN)


def _colorize(text: str) -> str:
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


@main.command()
@common_options
def apply(paths, select, ignore, exclude, jobs, output_format, exit_zero, quiet):
    """Rewrite the files in place (atomically); exit 2 on any error."""
    results = _run(paths, select, ignore, exclude, jobs, quiet, write=True)
    _emit_findings(results, output_format)
    if not quiet and output_format == "text":
        click.echo(_summary(results, "rewritten"), err=True)
    sys.exit(EXIT_ERROR if any(r.error for r in results) else EXIT_CLEAN)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
def rules(fmt: str) -> None:
    """List the rules with their documentation."""
    registered = all_rules()
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "name": r.name, "summary": r.summary, "doc": r.doc()}
                               for r in registered], indent=2))
        return
    for rule in registered:
        if fmt == "markdown":
            click.echo(f"## {rule.code} `{rule.name}`\n\n{rule.summary}\n\n{rule.doc()}\n")
        else:
            click.echo(f"{rule.code}  {rule.name}: {rule.summary}")


if __name__ == "__main__":  # pragma: no cover
    main()
