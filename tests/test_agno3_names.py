"""Every row of codemods/agno3_names.py against the real packages.

Old names are imported (and old keywords looked up with ``inspect.signature``)
under agno 1.8.4 in ``.venv``; new ones under agno 3.1.10 in ``.venv-agno3``
(``bash scripts/setup-agno3``).  Each environment runs in its own
subprocess, given the tables as JSON, and answers with facts; the asserts
here compare them.  Completeness is checked too: a 1.x keyword, exported
run/event name or event member that agno 3 lacks must have a row.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from codemods import agno3_names as names

ROOT = Path(__file__).resolve().parent.parent
PY1 = ROOT / ".venv" / "bin" / "python"
PY3 = ROOT / ".venv-agno3" / "bin" / "python"

#: Modules whose exported run/event names must all be covered (renamed, removed or unchanged).
COVERED_MODULES = ("agno.run.response", "agno.run.team", "agno.run.workflow", "agno.run.base",
                   "agno.agent", "agno.team", "agno.workflow")
#: Constructors and methods whose removed keywords must all have a row.
COVERED_CALLABLES = ("Agent", "Team", "Workflow", "Agent.run", "Agent.arun", "Agent.print_response",
                     "Agent.aprint_response", "Team.run", "Team.arun", "Team.print_response",
                     "Agent.continue_run", "Agent.acontinue_run")
#: 1.x enum (module, name) -> its 3.x (module, name).
ENUMS = {("agno.run.response", "RunEvent"): ("agno.run.agent", "RunEvent"),
         ("agno.run.team", "TeamRunEvent"): ("agno.run.team", "TeamRunEvent"),
         ("agno.run.workflow", "RunEvent"): ("agno.run.workflow", "WorkflowRunEvent")}

# The probe runs inside each environment: LibCST-free, only the standard library and agno.
PROBE = r'''
import enum, importlib, inspect, json, os, sys, typing
os.environ["AGNO_TELEMETRY"] = "false"
request = json.load(sys.stdin)
answer = {"names": {}, "callables": {}, "exports": {}, "enums": {}, "modules": {}}

def kind(obj):
    if isinstance(obj, type) and issubclass(obj, enum.Enum):
        return "enum"
    if isinstance(obj, type):
        return "class"
    if typing.get_origin(obj) is typing.Union:
        return "union"
    return type(obj).__name__

for module, name in request["names"]:
    key = module + ":" + name
    try:
        obj = getattr(importlib.import_module(module), name)
    except Exception as error:
        answer["names"][key] = {"error": f"{type(error).__name__}: {error}"}
        continue
    answer["names"][key] = {"kind": kind(obj), "module": getattr(obj, "__module__", None),
                            "members": [m.name for m in obj] if kind(obj) == "enum" else None,
                            "union": sorted(f"{a.__module__}.{a.__name__}" for a in typing.get_args(obj))
                            if kind(obj) == "union" else None}

for key, (module, name, method) in request["callables"].items():
    try:
        target = getattr(importlib.import_module(module), name)
        if method:
            target = getattr(target, method)
        parameters = inspect.signature(target).parameters.values()
        answer["callables"][key] = [p.name for p in parameters]
        answer.setdefault("positional", {})[key] = [
            p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except Exception as error:
        answer["callables"][key] = f"{type(error).__name__}: {error}"

for module in request["exports"]:
    try:
        mod = importlib.import_module(module)
    except Exception as error:
        answer["exports"][module] = None
        continue
    found = []
    for name in dir(mod):
        if name.startswith("_") or not any(part in name for part in ("Run", "Event", "Response")):
            continue
        obj = getattr(mod, name)
        if isinstance(obj, type) or typing.get_origin(obj) is typing.Union:
            found.append(name)
    answer["exports"][module] = found

for module, name in request["enums"]:
    try:
        obj = getattr(importlib.import_module(module), name)
        answer["enums"][module + ":" + name] = {m.name: m.value for m in obj}
    except Exception as error:
        answer["enums"][module + ":" + name] = f"{type(error).__name__}: {error}"
answer["api"] = {}
for spec in request.get("api", ()):
    module, _, path = spec.partition(":")
    name, _, keyword = path.partition("(")
    try:
        target = importlib.import_module(module)
        for part in name.split("."):
            target = getattr(target, part)
        if keyword:
            answer["api"][spec] = keyword.rstrip("=)") in inspect.signature(target).parameters
        else:
            answer["api"][spec] = True
    except Exception as error:
        answer["api"][spec] = f"{type(error).__name__}: {error}"
import importlib.util
for module in request.get("modules", ()):
    try:
        answer["modules"][module] = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        answer["modules"][module] = False
print(json.dumps(answer))
'''


def _probe(python: Path, request: Dict[str, Any]) -> Dict[str, Any]:
    if not python.exists():
        pytest.skip(f"{python.relative_to(ROOT)} is missing (bash scripts/setup, bash scripts/setup-agno3)")
    env = dict(os.environ, AGNO_TELEMETRY="false", PYTHONPATH="")
    done = subprocess.run([str(python), "-c", PROBE], input=json.dumps(request), capture_output=True,
                          text=True, env=env, cwd="/", timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _storage_old_class() -> Dict[str, tuple]:
    """agno 3 storage class name -> its 1.x (module, name)."""
    return {row.new_name: (row.old_module, row.old_name) for row in names.IMPORT_RENAMES
            if row.old_module.startswith(names.OLD_STORAGE_MODULE + ".")}


def _callable(owner: str, version: int) -> tuple:
    """(module, class, method) of a keyword table owner in agno 1.x (version 1) or 3."""
    cls, _, method = owner.partition(".")
    basic = {"Agent": "agno.agent", "Team": "agno.team", "Workflow": "agno.workflow"}
    if cls in basic:
        return (basic[cls], cls, method)
    if version == 1:
        module, name = _storage_old_class()[cls]
        return (module, name, method)
    row = next(r for r in names.IMPORT_RENAMES if r.new_name == cls)
    return (row.new_module, row.new_name, method)


@pytest.fixture(scope="module")
def facts():
    owners = sorted({row.owner for row in names.KEYWORD_RENAMES} | set(COVERED_CALLABLES))
    old_names = sorted({(r.old_module, r.old_name) for r in names.IMPORT_RENAMES}
                       | {(r.module, r.name) for r in names.REMOVED_NAMES})
    new_names = sorted({(r.new_module, r.new_name) for r in names.IMPORT_RENAMES}
                       | {(r.module, r.name) for r in names.REMOVED_NAMES}
                       | {tuple(q.rsplit(".", 1)) for q in names.EVENT_ENUM_EXPORTS})
    old_enums = sorted(set(ENUMS) | {(e.old_module, e.old_enum) for e in names.EVENT_RENAMES})
    new_enums = sorted(set(ENUMS.values()) | {(e.module, e.enum) for e in names.EVENT_RENAMES}
                       | {("agno.team.mode", "TeamMode")})
    modules = [note.module for note in names.MODULE_NOTES]
    classes = [r for r in names.IMPORT_RENAMES if not r.old_module.startswith(names.OLD_STORAGE_MODULE + ".")]
    old_fields = {f"fields:{r.old_module}.{r.old_name}": (r.old_module, r.old_name, "") for r in classes}
    new_fields = {f"fields:{r.old_module}.{r.old_name}": (r.new_module, r.new_name, "") for r in classes}
    old = _probe(PY1, {"names": old_names, "callables": {**{o: _callable(o, 1) for o in owners}, **old_fields},
                       "exports": COVERED_MODULES, "enums": old_enums, "modules": modules})
    new = _probe(PY3, {"names": new_names, "callables": {**{o: _callable(o, 3) for o in owners}, **new_fields},
                       "exports": COVERED_MODULES, "enums": new_enums, "modules": modules,
                       "api": list(names.MANUAL_API)})
    return old, new


def test_versions_are_the_ones_the_tables_describe() -> None:
    for python, version in ((PY1, "1.8.4"), (PY3, "3.1.10")):
        if not python.exists():
            pytest.skip(f"{python} is missing")
        got = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('agno'))"],
                             capture_output=True, text=True, cwd="/", check=True).stdout.strip()
        assert got == version


def test_import_renames(facts) -> None:
    old, new = facts
    # 1.x run modules moved: an event's defining module maps like this (team events stay team events).
    moved = {"agno.run.response": "agno.run.agent", "agno.run.team": "agno.run.team",
             "agno.run.workflow": "agno.run.workflow", "agno.run.base": "agno.run.base"}
    problems = []
    for row in names.IMPORT_RENAMES:
        before = old["names"][f"{row.old_module}:{row.old_name}"]
        after = new["names"][f"{row.new_module}:{row.new_name}"]
        if "error" in before:
            problems.append(f"{row}: not importable on agno 1.8.4: {before['error']}")
            continue
        if "error" in after:
            problems.append(f"{row}: not importable on agno 3.1.10: {after['error']}")
            continue
        if before["kind"] != after["kind"]:
            problems.append(f"{row}: a {before['kind']} became a {after['kind']}")
        if before["kind"] in ("class", "enum") and before["module"] in moved:
            if moved[before["module"]] != after["module"]:
                problems.append(f"{row}: defined in {before['module']} (1.x) but the new name is defined in "
                                f"{after['module']}, not {moved[before['module']]}")
        if before["kind"] == "union":
            families = {moved.get(arg.rpartition(".")[0], arg) for arg in before["union"]}
            if families != {arg.rpartition(".")[0] for arg in after["union"]}:
                problems.append(f"{row}: a union of {families} (1.x, moved) became one of {after['union']}")
        if before["kind"] == "enum" and not set(before["members"]) <= set(after["members"]) | {
                e.old_member for e in names.EVENT_RENAMES if e.enum == row.new_name}:
            problems.append(f"{row}: enum members {set(before['members']) - set(after['members'])} have no row")
    assert not problems, "\n".join(problems)


def test_removed_names_are_gone(facts) -> None:
    old, new = facts
    for row in names.REMOVED_NAMES:
        key = f"{row.module}:{row.name}"
        assert "error" not in old["names"][key], f"{key} is not in agno 1.8.4"
        assert "error" in new["names"][key], f"{key} still exists in agno 3.1.10: no need to report it"


def test_keyword_rows_match_the_signatures(facts) -> None:
    old, new = facts
    problems = []
    for row in names.KEYWORD_RENAMES:
        before, after = old["callables"][row.owner], new["callables"][row.owner]
        assert isinstance(before, list), f"{row.owner} on agno 1.8.4: {before}"
        assert isinstance(after, list), f"{row.owner} on agno 3.1.10: {after}"
        if row.old not in before:
            problems.append(f"{row.owner}({row.old}=) is not a keyword on agno 1.8.4")
        if row.old in after:
            problems.append(f"{row.owner}({row.old}=) still exists on agno 3.1.10: the row is not needed")
        if row.new is not None and row.new not in after:
            problems.append(f"{row.owner}({row.new}=) does not exist on agno 3.1.10")
        if row.new is None and not row.manual:
            problems.append(f"{row.owner}({row.old}=) is removed but says nothing about what to do")
    assert not problems, "\n".join(problems)


def test_every_removed_keyword_has_a_row(facts) -> None:
    old, new = facts
    missing = []
    for owner in COVERED_CALLABLES:
        rows = names.keyword_renames(owner)
        before, after = old["callables"][owner], new["callables"][owner]
        for keyword in before:
            if keyword not in after and keyword not in rows and keyword != "kwargs":
                missing.append(f"{owner}({keyword}=)")
    assert not missing, f"agno 3.1.10 lacks these 1.8.4 keywords and no row covers them: {missing}"


def test_every_removed_export_has_a_row(facts) -> None:
    old, new = facts
    covered = {(r.old_module, r.old_name) for r in names.IMPORT_RENAMES} | {
        (r.module, r.name) for r in names.REMOVED_NAMES}
    missing = []
    for module in COVERED_MODULES:
        now = set(new["exports"].get(module) or ())
        for name in old["exports"][module]:
            if name not in now and (module, name) not in covered:
                missing.append(f"{module}.{name}")
    assert not missing, f"gone in agno 3.1.10 and no row covers them: {missing}"


def test_event_rows(facts) -> None:
    old, new = facts
    for row in names.EVENT_RENAMES:
        before = old["enums"][f"{row.old_module}:{row.old_enum}"]
        after = new["enums"][f"{row.module}:{row.enum}"]
        assert before.get(row.old_member) == row.old_value, row
        assert after.get(row.new_member) == row.new_value, row
        assert row.old_member not in after, f"{row}: the old member still exists on agno 3.1.10"
        assert row.old_value not in after.values(), f"{row}: the old value still exists on agno 3.1.10"
    # Every other 1.x member keeps its name and value.
    renamed = {(e.old_module, e.old_enum, e.old_member) for e in names.EVENT_RENAMES}
    for (module, enum), (new_module, new_enum) in ENUMS.items():
        before, after = old["enums"][f"{module}:{enum}"], new["enums"][f"{new_module}:{new_enum}"]
        for member, value in before.items():
            if (module, enum, member) not in renamed:
                assert after.get(member) == value, f"{module}.{enum}.{member}={value!r} changed and has no row"


def test_module_notes_name_modules_agno_3_dropped(facts) -> None:
    old, new = facts
    for note in names.MODULE_NOTES:
        assert old["modules"][note.module], f"{note.module} is not in agno 1.8.4"
        assert not new["modules"][note.module], f"{note.module} still exists in agno 3.1.10"
    note = names.module_note("agno.memory.v2.memory")
    assert note is not None and note.module == "agno.memory.v2"
    assert names.module_note("agno.memory.manager") is None  # agno 3 has agno.memory.manager too
    assert names.module_note("agno.knowledge.knowledge") is None


def test_the_api_manual_steps_point_to_exists_in_agno3(facts) -> None:
    _, new = facts
    missing = {spec: found for spec, found in new["api"].items() if found is not True}
    assert not missing, missing


def test_manual_steps_name_only_checked_api() -> None:
    """Every ``name(`` or ``name=`` a manual step mentions is in MANUAL_API or a table row (so it was resolved)."""
    import re

    checked = set()
    for spec in names.MANUAL_API:
        path = spec.partition(":")[2]
        checked.add(path.partition("(")[0].rsplit(".", 1)[-1])
        checked.add(path.partition("(")[2].rstrip("=)"))
    checked |= {row.new for row in names.KEYWORD_RENAMES if row.new} | {row.old for row in names.KEYWORD_RENAMES}
    checked |= {row.new_name for row in names.IMPORT_RENAMES}
    checked |= set().union(*names.REMOVED_FIELDS.values())  # 1.x fields, checked by test_removed_fields
    checked |= {"Workflow", "run", "arun", "load", "stream", "members"}  # 1.x API and run()'s own parameters
    # agno.os needs the agno[os] extra (fastapi), which .venv-agno3 does not install: AgentOS(agents=,
    # interfaces=).get_app() is checked in its source instead (test_agent_os_in_source).
    checked |= {"AgentOS", "get_app", "agents", "interfaces"}
    texts = [row.manual for row in names.KEYWORD_RENAMES] + [row.manual for row in names.REMOVED_NAMES] + [
        note.manual for note in names.MODULE_NOTES] + list(names.FIELD_NOTES.values())
    unchecked = set()
    for text in texts:
        for word in re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)(?:\(|=)", text):
            if word not in checked:
                unchecked.add(word)
    assert not unchecked, f"manual steps mention API no test resolves: {sorted(unchecked)}"


def test_positional_parameters(facts) -> None:
    old, new = facts
    for owner, order in names.POSITIONAL_1X.items():
        assert old["positional"][owner][:len(order)] == list(order), owner
        assert new["positional"][owner] == list(names.POSITIONAL_3X[owner]), owner


def test_removed_fields(facts) -> None:
    """For every renamed run/event class: the 1.x constructor fields its agno 3 class lacks are exactly the table's."""
    old, new = facts
    problems = []
    for row in names.IMPORT_RENAMES:
        key = f"{row.old_module}.{row.old_name}"
        before, after = old["callables"].get(f"fields:{key}"), new["callables"].get(f"fields:{key}")
        if not isinstance(before, list) or not isinstance(after, list):
            assert key not in names.REMOVED_FIELDS, f"{key} has no signature but a removed-fields row"
            continue
        gone = [field for field in before if field not in after and field not in ("args", "kwargs")]
        if tuple(sorted(gone)) != tuple(sorted(names.REMOVED_FIELDS.get(key, ()))):
            problems.append(f"{key}: agno 3 lacks {gone}, the table says {names.REMOVED_FIELDS.get(key, ())}")
    assert not problems, "\n".join(problems)
    assert set().union(*names.REMOVED_FIELDS.values()) <= set(names.FIELD_NOTES)


def test_event_enum_exports(facts) -> None:
    _, new = facts
    for alias, home in names.EVENT_ENUM_EXPORTS.items():
        found = new["names"][":".join(alias.rsplit(".", 1))]
        assert found.get("kind") == "enum" and f"{found['module']}.{alias.rsplit('.', 1)[1]}" == home, alias
    assert names.event_member_renames()["agno.agent.RunEvent"]["run_response_content"] == "run_content"


def test_event_rows_follow_the_import_renames() -> None:
    """An event row names the enum as the import renames leave it."""
    for row in names.EVENT_RENAMES:
        rename = names.import_rename(row.old_module, row.old_enum)
        if rename is None:  # the enum kept its module and name
            assert (row.old_module, row.old_enum) == (row.module, row.enum), row
        else:
            assert (rename.new_module, rename.new_name) == (row.module, row.enum), row


def test_every_row_cites_a_source() -> None:
    rows = [*names.IMPORT_RENAMES, *names.REMOVED_NAMES, *names.KEYWORD_RENAMES, *names.EVENT_RENAMES]
    for row in rows:
        assert row.source in names.SOURCES, row
    assert len({(r.old_module, r.old_name) for r in names.IMPORT_RENAMES}) == len(names.IMPORT_RENAMES)
    assert len({(r.owner, r.old) for r in names.KEYWORD_RENAMES}) == len(names.KEYWORD_RENAMES)


def test_deletable_values_are_python_literals() -> None:
    import ast

    for row in names.KEYWORD_RENAMES:
        assert not (row.deletable and row.new), row
        for value in row.deletable:
            ast.literal_eval(value)


def test_receiver_kinds() -> None:
    assert names.receiver_kind(["agno.agent.Agent"]) == "Agent"
    assert names.receiver_kind(["agno.db.sqlite.SqliteDb"]) == "SqliteDb"
    assert names.receiver_kind(["agno.storage.sqlite.SqliteStorage"]) is None
    assert names.receiver_kind(["mypkg.Agent"]) is None


def test_cli_prints_markdown() -> None:
    done = subprocess.run([sys.executable, "-m", "codemods.agno3_names", "--markdown"], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    assert done.stdout == names.markdown()
    assert "`from agno.run.response import RunResponse` | `from agno.run.agent import RunOutput`" in done.stdout


def test_rows_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        names.IMPORT_RENAMES[0].new_name = "x"  # type: ignore[misc]


def test_docs_page_is_up_to_date() -> None:
    page = (ROOT / "docs" / "agno3.md").read_text()
    assert names.with_tables(page) == page, "run: python -m codemods.agno3_names --write docs/agno3.md"
    assert names.markdown() in page


def test_docs_check_detects_a_stale_table(tmp_path) -> None:
    page = (ROOT / "docs" / "agno3.md").read_text()
    stale = tmp_path / "agno3.md"
    stale.write_text(page.replace("`num_history_runs=`", "`num_history_run=`", 1))
    check = [sys.executable, "-m", "codemods.agno3_names", "--check", str(stale)]
    assert subprocess.run(check, cwd=ROOT, capture_output=True).returncode == 1
    subprocess.run([sys.executable, "-m", "codemods.agno3_names", "--write", str(stale)], cwd=ROOT, check=True)
    assert stale.read_text() == page
    assert subprocess.run(check, cwd=ROOT, capture_output=True).returncode == 0


def test_agent_os_in_source() -> None:
    """AgentOS cannot be imported without agno[os]; the manual step's API is checked in agno 3.1.10's source."""
    app = ROOT / ".venv-agno3" / "lib" / "python3.11" / "site-packages" / "agno" / "os" / "app.py"
    if not app.exists():
        pytest.skip("agno 3.1.10 is not installed in .venv-agno3")
    text = app.read_text()
    needles = ("class AgentOS:", "        agents: Optional[", "        interfaces: Optional[", "    def get_app(self)")
    for needle in needles:
        assert needle in text, needle
    assert "from agno.os.app import AgentOS" in (app.parent / "__init__.py").read_text()


def test_agm321_knows_agno3_team_modes(facts) -> None:
    from codemods.rules.agm321_agno3_team_mode import AGNO3_MODES

    _, new = facts
    assert set(new["enums"]["agno.team.mode:TeamMode"].values()) == set(AGNO3_MODES)
    assert "collaborate" not in AGNO3_MODES
