"""``[tool.agno-migrate]`` configuration: discovery, validation, CLI precedence."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Type

import libcst as cst
import pytest
from click.testing import CliRunner, Result

from codemods.cli import main
from codemods.config import (
    Config,
    ConfigError,
    discover,
    find_config,
    load_config,
    merge,
    parse_name_map_items,
)
from codemods.rule import Rule
from tests.test_cli import ARUN_SOURCE, POOL_SOURCE, TEST_RULES, test_rules, write  # noqa: F401


def pyproject(directory: Path, body: str) -> Path:
    return write(directory / "pyproject.toml", body)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def codes(result: Result) -> List[str]:
    return sorted({f["code"] for f in json.loads(result.stdout)["findings"]})


# -- discovery and parsing -----------------------------------------------------------


def test_nearest_pyproject_with_the_table_wins(tmp_path: Path) -> None:
    pyproject(tmp_path, '[tool.agno-migrate]\nselect = ["AGM"]\n')
    pyproject(tmp_path / "pkg", '[project]\nname = "pkg"\n')  # no table: passed over
    nested = tmp_path / "pkg" / "src" / "deep"
    nested.mkdir(parents=True)
    assert find_config(nested) == (tmp_path / "pyproject.toml").resolve()
    pyproject(tmp_path / "pkg" / "src", "[tool.agno-migrate]\n")
    assert find_config(nested) == (tmp_path / "pkg" / "src" / "pyproject.toml").resolve()


def test_no_config_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert discover() == Config()


def test_all_keys(tmp_path: Path) -> None:
    path = pyproject(tmp_path, """
[tool.agno-migrate]
select = ["AGM001", "AGM004"]
ignore = ["AGM006"]
exclude = ["generated/*"]
paths = ["src", "scripts"]

[tool.agno-migrate.name-map]
fetch = "afetch"
load = "aload"
""")
    config = load_config(path)
    assert config.select == ["AGM001", "AGM004"] and config.ignore == ["AGM006"]
    assert config.exclude == ["generated/*"] and config.paths == ["src", "scripts"]
    assert config.name_map == {"fetch": "afetch", "load": "aload"}
    assert config.path == path.resolve() and config.root == tmp_path.resolve()


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = load_config(pyproject(tmp_path, '[tool.agno-migrate]\npaths = ["src"]\n'))
    assert config.resolved_paths(cwd=tmp_path) == ["src"]
    sub = tmp_path / "sub"
    sub.mkdir()
    assert config.resolved_paths(cwd=sub) == [os.path.join("..", "src")]


@pytest.mark.parametrize(
    "body, message",
    [
        ('select = "AGM001"', "'select' must be a list of strings, got a string"),
        ("ignore = [1, 2]", "'ignore' must be a list of strings, but item 1 is an integer (1); quote it"),
        ('select = ["AGM001", 2]', "'select' must be a list of strings, but item 2 is an integer (2)"),
        ("exclude = true", "'exclude' must be a list of strings, got a boolean"),
        ("paths = {}", "'paths' must be a list of strings, got a table"),
        ('selct = ["AGM001"]', "unknown key 'selct' (did you mean 'select'?)"),
        ('name_map = {a = "b"}', "unknown key 'name_map' (did you mean 'name-map'?)"),
        ("colour = 1", "unknown key 'colour'; known keys: select, ignore, exclude, extend-exclude, paths, name-map"),
        ('name-map = ["fetch"]', "'name-map' must be a table"),
        ("name-map = {fetch = 1}", "name-map.fetch must be a string, got an integer"),
        ('name-map = {fetch = "a-fetch"}', "'a-fetch' is not a Python identifier"),
        ('name-map = {fetch = "class"}', "name-map: 'class' is a Python keyword"),
        ('name-map = {async = "aasync"}', "name-map: 'async' is a Python keyword"),
        ('name-map = {fetch = "None"}', "name-map: 'None' is a Python keyword"),
    ],
)
def test_invalid_config(tmp_path: Path, body: str, message: str) -> None:
    path = pyproject(tmp_path, f"[tool.agno-migrate]\n{body}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(pyproject(tmp_path, "[tool.agno-migrate\n"))


def test_table_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be a table"):
        load_config(pyproject(tmp_path, '[tool]\nagno-migrate = "yes"\n'))


def test_explicit_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no \\[tool.agno-migrate\\] table"):
        load_config(pyproject(tmp_path, '[project]\nname = "x"\n'))
    standalone = write(tmp_path / "agno-migrate.toml", 'select = ["AGM004"]\n')
    assert load_config(standalone).select == ["AGM004"]
    with pytest.raises(ConfigError, match="configuration file not found"):
        discover(str(tmp_path / "missing.toml"))


def test_merge_precedence(tmp_path: Path) -> None:
    config = load_config(pyproject(tmp_path, """
[tool.agno-migrate]
select = ["AGM001"]
ignore = ["AGM002"]
exclude = ["gen"]
paths = ["src"]
name-map = {fetch = "afetch", load = "aload"}
"""))
    from_file = merge(config)
    assert (from_file.select, from_file.ignore, from_file.exclude) == (["AGM001"], ["AGM002"], ["gen"])
    assert from_file.options["name_map"] == {"fetch": "afetch", "load": "aload"}
    cli = merge(config, paths=["other"], select=["AGM004,AGM005"], ignore=["AGM005"], exclude=["x"],
                name_map=["load=aload2", "get=aget"])
    assert cli.paths == ["other"]
    assert (cli.select, cli.ignore, cli.exclude) == (["AGM004", "AGM005"], ["AGM005"], ["x"])
    ignore_only = merge(config, ignore=["AGM003"])
    assert (ignore_only.select, ignore_only.ignore) == (["AGM001"], ["AGM002", "AGM003"])
    assert cli.name_map == {"fetch": "afetch", "load": "aload2", "get": "aget"}
    with pytest.raises(ConfigError, match="no PATHS given"):
        merge(Config())


def test_parse_name_map_items() -> None:
    assert parse_name_map_items(["a=b, c = d", "e=f"]) == {"a": "b", "c": "d", "e": "f"}
    for bad in ("a", "a=", "=b", "a=b-c"):
        with pytest.raises(ConfigError, match="--name-map"):
            parse_name_map_items([bad])


# -- through the CLI -----------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    write(root / "src" / "route.py", ARUN_SOURCE)
    write(root / "src" / "pool.py", POOL_SOURCE)
    write(root / "gen" / "route_gen.py", ARUN_SOURCE)
    monkeypatch.chdir(root)
    return root


def test_config_paths_make_paths_optional(test_rules, repo: Path) -> None:
    pyproject(repo, '[tool.agno-migrate]\npaths = ["src"]\n')
    result = invoke("check", "--output-format", "json")
    assert result.exit_code == 1
    paths = {f["path"] for f in json.loads(result.stdout)["findings"]}
    assert paths == {os.path.join("src", "route.py"), os.path.join("src", "pool.py")}


def test_config_paths_from_a_subdirectory(test_rules, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject(repo, '[tool.agno-migrate]\npaths = ["gen"]\n')
    monkeypatch.chdir(repo / "src")
    result = invoke("check", "--output-format", "json")
    assert {f["path"] for f in json.loads(result.stdout)["findings"]} == {os.path.join("..", "gen", "route_gen.py")}


def test_cli_paths_override_config_paths(test_rules, repo: Path) -> None:
    pyproject(repo, '[tool.agno-migrate]\npaths = ["src"]\n')
    result = invoke("check", "--output-format", "json", "gen")
    assert {f["path"] for f in json.loads(result.stdout)["findings"]} == {os.path.join("gen", "route_gen.py")}


def test_config_select_ignore_exclude(test_rules, repo: Path) -> None:
    pyproject(repo, '[tool.agno-migrate]\nselect = ["TST001", "TST003"]\nignore = ["TST003"]\n'
                    'exclude = ["gen"]\n')
    result = invoke("check", "--output-format", "json", ".")
    assert codes(result) == ["TST001"]
    assert all(not f["path"].startswith(os.path.join(".", "gen")) for f in json.loads(result.stdout)["findings"])
    # --select starts a new selection (the file's ignore no longer applies); --ignore adds to the file's.
    assert codes(invoke("check", "--output-format", "json", "--select", "TST003", ".")) == ["TST003"]
    assert codes(invoke("check", "--output-format", "json", "--ignore", "TST001", ".")) == []
    assert codes(invoke("check", "--output-format", "json", "--ignore", "TST002", ".")) == ["TST001"]
    with_gen = invoke("check", "--output-format", "json", "--exclude", "nothing", ".")
    assert any("gen" in f["path"] for f in json.loads(with_gen.stdout)["findings"])


def test_isolated_and_explicit_config(test_rules, repo: Path, tmp_path: Path) -> None:
    pyproject(repo, '[tool.agno-migrate]\nselect = ["TST003"]\n')
    other = write(tmp_path / "other.toml", '[tool.agno-migrate]\nselect = ["TST001"]\n')
    assert codes(invoke("check", "--output-format", "json", "src")) == ["TST003"]
    assert codes(invoke("check", "--output-format", "json", "--isolated", "src")) == ["TST001", "TST003"]
    assert codes(invoke("check", "--output-format", "json", "--config", str(other), "src")) == ["TST001"]


@pytest.mark.parametrize("command", ["check", "diff", "apply", "review"])
def test_invalid_config_exits_2(test_rules, repo: Path, command: str) -> None:
    pyproject(repo, '[tool.agno-migrate]\nselect = "TST001"\n')
    result = invoke(command, "src")
    assert result.exit_code == 2
    assert "agno-migrate: error:" in result.stderr and "'select' must be a list of strings" in result.stderr
    assert (repo / "src" / "route.py").read_text() == ARUN_SOURCE


def test_bad_selector_in_config_exits_2(test_rules, repo: Path) -> None:
    pyproject(repo, '[tool.agno-migrate]\nselect = ["NOPE"]\n')
    result = invoke("check", "src")
    assert result.exit_code == 2 and "unknown rule selector 'NOPE'" in result.stderr


def test_missing_explicit_config_exits_2(test_rules, repo: Path) -> None:
    result = invoke("check", "--config", "nope.toml", "src")
    assert result.exit_code == 2 and "configuration file not found" in result.stderr


def test_bad_name_map_flag_exits_2(test_rules, repo: Path) -> None:
    result = invoke("check", "--name-map", "fetch", "src")
    assert result.exit_code == 2 and "SYNC=ASYNC" in result.stderr


@pytest.mark.parametrize("pair", ["fetch=class", "async=aasync", "fetch=None", "fetch=True"])
def test_keyword_in_name_map_flag_exits_2(test_rules, repo: Path, pair: str) -> None:
    """A keyword would make ``apply`` write a file that no longer parses."""
    result = invoke("apply", "--name-map", pair, "src")
    assert result.exit_code == 2 and "is a Python keyword" in result.stderr
    assert (repo / "src" / "route.py").read_text() == ARUN_SOURCE


def test_config_paths_stay_inside_the_config_directory(test_rules, repo: Path, tmp_path: Path) -> None:
    """``paths = ["../x"]`` in a repository's pyproject.toml must not reach files outside it."""
    outside = write(tmp_path / "x" / "route.py", ARUN_SOURCE)
    pyproject(repo, '[tool.agno-migrate]\npaths = ["../x"]\n')
    result = invoke("apply")
    assert result.exit_code == 2 and "'paths' entry '../x' is outside" in result.stderr
    assert outside.read_text() == ARUN_SOURCE
    # Given on the command line, the same directory is the user's choice.
    assert invoke("apply", str(tmp_path / "x")).exit_code == 0
    assert outside.read_text() != ARUN_SOURCE


@pytest.mark.parametrize("where", ["root", "subdirectory"])
def test_config_exclude_is_relative_to_the_config_directory(test_rules, repo: Path, where: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``exclude = ["src/vendored/*"]`` holds for ``apply .`` and from a sub-directory."""
    vendored = write(repo / "src" / "vendored" / "lib.py", ARUN_SOURCE)
    pyproject(repo, '[tool.agno-migrate]\nexclude = ["src/vendored/*"]\n')
    if where == "subdirectory":
        monkeypatch.chdir(repo / "src")
    result = invoke("apply", ".")
    assert result.exit_code == 0, result.output
    assert vendored.read_text() == ARUN_SOURCE
    assert (repo / "src" / "route.py").read_text() != ARUN_SOURCE


def test_cli_exclude_is_relative_to_the_given_directory(test_rules, repo: Path) -> None:
    vendored = write(repo / "src" / "vendored" / "lib.py", ARUN_SOURCE)
    result = invoke("apply", "--isolated", "--exclude", "vendored/*", "src")
    assert result.exit_code == 0, result.output
    assert vendored.read_text() == ARUN_SOURCE
    assert (repo / "src" / "route.py").read_text() != ARUN_SOURCE


class OptionsRule(Rule):
    """Rename sync calls per the user's name map.

    ## What it does
    Reports every call of a method named in ``name_map``.

    ## Why is this bad
    Test only.

    ## Example
    ``x.fetch()``
    """

    code = "TST009"
    name = "test-options"
    summary = "reports name-map calls"
    triggers = ("(",)

    def visit_Call(self, node: cst.Call) -> None:
        name_map: Dict[str, Any] = self.options.get("name_map", {})
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in name_map:
            self.report(node, f"{node.func.attr.value} -> {name_map[node.func.attr.value]}")


def test_name_map_reaches_the_rules(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import codemods.rules

    rules: List[Type[Rule]] = [OptionsRule]
    monkeypatch.setattr(codemods.rules, "rule_codes", lambda: [rule.code for rule in rules])
    monkeypatch.setattr(codemods.rules, "load_rule", {rule.code: rule for rule in rules}.__getitem__)
    write(repo / "src" / "calls.py", "client.fetch()\nclient.load()\n")
    pyproject(repo, '[tool.agno-migrate]\n[tool.agno-migrate.name-map]\nfetch = "afetch"\n')
    result = invoke("check", "src/calls.py")
    assert "TST009 fetch -> afetch" in result.stdout and "load" not in result.stdout
    result = invoke("check", "--name-map", "load=aload", "--name-map", "fetch=afetch2", "src/calls.py")
    assert "TST009 fetch -> afetch2" in result.stdout and "TST009 load -> aload" in result.stdout
    # The options reach the rules in worker processes too.
    parallel = invoke("check", "-j", "2", "--name-map", "load=aload", "src/calls.py", "src/route.py")
    assert "TST009 load -> aload" in parallel.stdout


def test_migration_target_selects_rule_families(monkeypatch):
    """--target agno1 (default) never runs AGM3xx; agno3 adds them after AGM0xx;
    selecting an agno 3 rule without the target is an error that names it."""
    from codemods import rules

    fake = [code for code in rules.rule_codes() if code.startswith("AGM0")] + ["AGM301", "AGM310"]
    monkeypatch.setattr(rules, "rule_codes", lambda: list(fake))
    default = rules.select_codes()
    assert default and all(code.startswith("AGM0") for code in default)
    agno3 = rules.select_codes(target="agno3")
    assert agno3[: len(default)] == default and agno3[len(default):] == ["AGM301", "AGM310"]
    with pytest.raises(rules.UnknownRuleError, match="needs --target agno3"):
        rules.select_codes(select=["AGM310"])
    assert rules.select_codes(select=["AGM310"], target="agno3") == ["AGM310"]
    with pytest.raises(rules.UnknownRuleError, match="unknown target"):
        rules.select_codes(target="agno9")


def test_target_key_in_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.agno-migrate]\ntarget = "agno3"\n')
    config = load_config(tmp_path / "pyproject.toml")
    assert merge(config, ["x"]).migration_target == "agno3"
    assert merge(config, ["x"], migration_target="agno1").migration_target == "agno1"
    (tmp_path / "pyproject.toml").write_text('[tool.agno-migrate]\ntarget = "agno2"\n')
    with pytest.raises(ConfigError, match="'target' must be one of agno1, agno3"):
        load_config(tmp_path / "pyproject.toml")
