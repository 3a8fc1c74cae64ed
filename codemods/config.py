"""User configuration: the ``[tool.agno-migrate]`` table of a ``pyproject.toml``.

Discovery follows ruff: starting from a directory (the current one by
default), the nearest ``pyproject.toml`` *that has a* ``[tool.agno-migrate]``
table wins; a ``pyproject.toml`` without the table is passed over, so a
monorepo can keep one configuration at its root.  ``--config PATH`` names the
file explicitly (a ``pyproject.toml`` must then have the table; any other TOML
file may also hold the keys at top level).

Keys (all optional)::

    [tool.agno-migrate]
    select  = ["AGM0"]            # rule codes, prefixes or names ("ALL")
    ignore  = ["AGM006"]
    exclude = ["tests/fixtures/*", "*_pb2.py"]   # globs, like --exclude
    paths   = ["src", "scripts"]  # default targets when no PATHS are given
    [tool.agno-migrate.name-map]  # extra sync -> async method names
    fetch = "afetch"

``paths`` are relative to the configuration file's directory and must stay
inside it (a path outside is given on the command line); ``exclude`` globs
are matched against each path relative to the configuration file's directory
(``--exclude`` globs: relative to the current directory and to the directory
given), and against every component of it.  ``name-map`` names must be
Python identifiers that are not keywords.  Every problem raises :class:`ConfigError` with a
message that names the file and the key.  :func:`merge` lays the command line
over the file (see there for the precedence).
"""

from __future__ import annotations

import difflib
import keyword
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from codemods import rules, scope, target

PYPROJECT = "pyproject.toml"
TABLE = "agno-migrate"

LIST_KEYS: Tuple[str, ...] = ("select", "ignore", "exclude", "extend-exclude", "paths")
KNOWN_KEYS: Tuple[str, ...] = LIST_KEYS + ("name-map", "target", "target-version", "fanout-scope", "unsafe-fixes")


class ConfigError(Exception):
    """The configuration file is unreadable or invalid; the message says why."""


@dataclass(frozen=True)
class Config:
    """Settings from a configuration file (empty when there is none)."""

    path: Optional[Path] = None
    select: Optional[List[str]] = None
    ignore: Optional[List[str]] = None
    exclude: Optional[List[str]] = None
    extend_exclude: Optional[List[str]] = None
    paths: Optional[List[str]] = None
    name_map: Dict[str, str] = field(default_factory=dict)
    migration_target: Optional[str] = None
    target_version: Optional[str] = None
    fanout_scope: Optional[str] = None
    unsafe_fixes: Optional[bool] = None
    #: ``[project] requires-python`` of the nearest pyproject.toml (the default target's source).
    requires_python: Optional[str] = None

    @property
    def root(self) -> Path:
        """The directory relative paths in the file are resolved against."""
        return self.path.parent if self.path is not None else Path.cwd()

    def resolved_paths(self, cwd: Optional[Path] = None) -> List[str]:
        """``paths`` resolved against the file's directory, shown relative to ``cwd``.

        Relative display keeps reports and ``diff`` headers short and stable
        (``src/app.py`` rather than an absolute path) when run from the root.
        """
        base = Path.cwd() if cwd is None else cwd
        resolved: List[str] = []
        top = os.path.realpath(self.root)
        for raw in self.paths or []:
            target = Path(raw) if os.path.isabs(raw) else self.root / raw
            real = os.path.realpath(target)
            if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
                where = self.path or "the configuration"
                raise ConfigError(f"{where}: 'paths' entry {raw!r} is outside {self.root}; a configuration "
                                  "file only migrates its own directory (give such a path on the command line)")
            try:
                shown = os.path.relpath(target, base)
            except ValueError:  # another drive on Windows
                shown = str(target)
            resolved.append(shown)
        return resolved


def find_config(start: Optional[Path] = None) -> Optional[Path]:
    """The nearest ``pyproject.toml`` with a ``[tool.agno-migrate]`` table, or None."""
    directory = (start or Path.cwd()).resolve()
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / PYPROJECT
        if candidate.is_file():
            data = _read_toml(candidate)
            if _tool_table(data) is not None:
                return candidate
    return None


def load_config(path: Path) -> Config:
    """Read and validate the configuration in ``path``."""
    data = _read_toml(path)
    table = _tool_table(data)
    if table is None:
        if path.name == PYPROJECT:
            raise ConfigError(f"{path}: no [tool.{TABLE}] table")
        table = data
    return _parse(path, table)


def discover(explicit: Optional[str] = None, isolated: bool = False, start: Optional[str] = None) -> Config:
    """The configuration the CLI should use.

    ``explicit`` is ``--config PATH``; ``isolated`` (``--isolated``) ignores
    every configuration file; ``start``: the directory to search upward from
    (default: the current one).
    """
    if isolated:
        return Config()
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        return load_config(path)
    found = find_config(Path(start) if start else None)
    config = load_config(found) if found is not None else Config()
    fallback = Path(start) if start else None
    return replace(config, requires_python=requires_python(found.parent if found is not None else fallback))


# -- parsing -----------------------------------------------------------------------


def _read_toml(path: Path) -> Dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _tool_table(data: Mapping[str, Any]) -> Any:
    """The ``[tool.agno-migrate]`` value (None when absent; validated by _parse)."""
    tool = data.get("tool")
    return tool.get(TABLE) if isinstance(tool, dict) else None


def _parse(path: Path, table: Any) -> Config:
    where = f"{path}: [tool.{TABLE}]" if path.name == PYPROJECT else str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table, got {_describe(table)}")
    values: Dict[str, Optional[List[str]]] = {}
    for key, value in table.items():
        if key not in KNOWN_KEYS:
            hint = difflib.get_close_matches(key.replace("_", "-"), KNOWN_KEYS, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(
                f"{where}: unknown key {key!r}{suggestion}; known keys: {', '.join(KNOWN_KEYS)}"
            )
        if key in LIST_KEYS:
            values[key] = _string_list(where, key, value)
    name_map = _name_map(where, table.get("name-map", {}))
    return Config(
        path=path.resolve(),
        select=values.get("select"),
        ignore=values.get("ignore"),
        exclude=values.get("exclude"),
        extend_exclude=values.get("extend-exclude"),
        paths=values.get("paths"),
        name_map=name_map,
        migration_target=_choice(where, "target", table.get("target"), tuple(rules.TARGETS)),
        target_version=_choice(where, "target-version", table.get("target-version"), target.SUPPORTED),
        fanout_scope=_choice(where, "fanout-scope", table.get("fanout-scope"), scope.FANOUT_SCOPES),
        unsafe_fixes=_flag(where, "unsafe-fixes", table.get("unsafe-fixes")),
    )


def _flag(where: str, key: str, value: Any) -> Optional[bool]:
    if value is None or isinstance(value, bool):
        return value
    raise ConfigError(f"{where}: {key!r} must be true or false, got {_describe(value)}")


def _choice(where: str, key: str, value: Any, choices: Sequence[str]) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"{where}: {key!r} must be one of {', '.join(choices)}, got {_describe(value)}")
    return value


def requires_python(start: Optional[Path] = None) -> Optional[str]:
    """``[project] requires-python`` of the nearest pyproject.toml that has a ``[project]`` table."""
    directory = (start or Path.cwd()).resolve()
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / PYPROJECT
        if candidate.is_file():
            try:
                project = _read_toml(candidate).get("project")
            except ConfigError:
                return None
            if isinstance(project, dict):
                value = project.get("requires-python")
                return value if isinstance(value, str) else None
    return None


def _string_list(where: str, key: str, value: Any) -> List[str]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: {key!r} must be a list of strings, got {_describe(value)}")
    for position, item in enumerate(value):
        if not isinstance(item, str):
            raise ConfigError(f"{where}: {key!r} must be a list of strings, but item {position + 1} is "
                              f"{_describe(item)} ({item!r}); quote it")
    return list(value)


def _name_map(where: str, value: Any) -> Dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'name-map' must be a table of sync = \"async\" names, got {_describe(value)}")
    result: Dict[str, str] = {}
    for sync_name, async_name in value.items():
        if not isinstance(async_name, str):
            raise ConfigError(f"{where}: name-map.{sync_name} must be a string, got {_describe(async_name)}")
        for name in (sync_name, async_name):
            problem = name_problem(name)
            if problem:
                raise ConfigError(f"{where}: name-map: {name!r} {problem}")
        result[sync_name] = async_name
    return result


def name_problem(name: str) -> str:
    """Why ``name`` cannot be a method name in a name-map ('' if it can)."""
    if not name.isidentifier():
        return "is not a Python identifier"
    if keyword.iskeyword(name):
        return "is a Python keyword, not a usable method name"
    return ""


def parse_name_map_items(items: List[str]) -> Dict[str, str]:
    """Parse ``--name-map SYNC=ASYNC`` values (each may be comma-separated)."""
    result: Dict[str, str] = {}
    for item in (part.strip() for value in items for part in value.split(",")):
        if not item:
            continue
        sync_name, sep, async_name = item.partition("=")
        sync_name, async_name = sync_name.strip(), async_name.strip()
        if not sep or not sync_name.isidentifier() or not async_name.isidentifier():
            raise ConfigError(f"--name-map: expected SYNC=ASYNC with Python identifiers, got {item!r}")
        for name in (sync_name, async_name):
            if name_problem(name):
                raise ConfigError(f"--name-map: {name!r} {name_problem(name)}")
        result[sync_name] = async_name
    return result


def _describe(value: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a float", bool: "a boolean",
             list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


# -- command line + file ------------------------------------------------------------


def split_values(values: Sequence[str]) -> List[str]:
    """``("AGM001,AGM002", "AGM004")`` -> ``["AGM001", "AGM002", "AGM004"]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class Settings:
    """What one run uses: the command line laid over the configuration file."""

    paths: List[str]
    select: List[str]
    ignore: List[str]
    exclude: List[str]
    name_map: Dict[str, str]
    config_path: Optional[Path] = None
    #: The migration target (``--target``): ``agno1`` (the async migration) or ``agno3``.
    migration_target: str = rules.DEFAULT_TARGET
    target_version: str = target.name(target.DEFAULT)
    #: Why the target is what it is, when it was not given (shown in the summary).
    target_note: Optional[str] = None
    fanout_scope: str = scope.DEFAULT
    #: Make the fixes that can change behaviour too (``--unsafe-fixes``).
    unsafe_fixes: bool = False

    @property
    def options(self) -> Dict[str, Any]:
        """The engine's ``options`` (they reach every rule as ``Rule.options``)."""
        return {"name_map": dict(self.name_map), "target_version": self.target_version,
                "fanout_scope": self.fanout_scope, "unsafe_fixes": self.unsafe_fixes}


def merge(
    config: Config,
    paths: Sequence[str] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    exclude: Sequence[str] = (),
    name_map: Sequence[str] = (),
    target_version: Optional[str] = None,
    fanout_scope: Optional[str] = None,
    migration_target: Optional[str] = None,
    unsafe_fixes: Optional[bool] = None,
    extend_exclude: Sequence[str] = (),
) -> Settings:
    """Lay command-line values over ``config``.

    Rule selection works as in ruff: ``--select`` starts a new selection,
    replacing both ``select`` and ``ignore`` of the file, while ``--ignore``
    alone removes rules from the file's selection.  PATHS replace ``paths``
    and ``--exclude`` replaces ``exclude`` (``extend-exclude`` and
    ``--extend-exclude`` add to it, as in ruff); ``--name-map`` entries are added to
    (and win over) the file's ``name-map``.
    """
    targets = list(paths) or config.resolved_paths()
    if not targets:
        where = f" (none in {config.path})" if config.path else ""
        raise ConfigError(f"no PATHS given and no 'paths' configured in [tool.{TABLE}]{where}")
    if select:
        chosen, ignored = split_values(select), split_values(ignore)
    else:
        chosen = split_values(config.select or [])
        ignored = split_values(config.ignore or []) + split_values(ignore)
    return Settings(
        paths=targets,
        select=chosen,
        ignore=ignored,
        exclude=(list(exclude) if exclude else list(config.exclude or []))
        + list(config.extend_exclude or []) + list(extend_exclude),
        name_map={**config.name_map, **parse_name_map_items(list(name_map))},
        config_path=config.path,
        migration_target=migration_target or config.migration_target or rules.DEFAULT_TARGET,
        fanout_scope=fanout_scope or config.fanout_scope or scope.DEFAULT,
        unsafe_fixes=bool(unsafe_fixes if unsafe_fixes is not None else config.unsafe_fixes),
        **_target(target_version or config.target_version, config.requires_python),
    )


def _target(explicit: Optional[str], requires: Optional[str]) -> Dict[str, Any]:
    """``--target-version``/``target-version``, else the lower bound of ``requires-python``, else py311."""
    if explicit:
        return {"target_version": explicit}
    version = target.from_requires_python(requires)
    if version is not None:
        return {"target_version": target.name(version)}
    return {"target_version": target.name(target.DEFAULT),
            "target_note": f"target {target.name(target.DEFAULT)}: no --target-version, target-version or "
                           "requires-python says otherwise"}
