"""The ``--target agno3`` rules (AGM310-AGM349) on their fixtures, and their output on agno 3.1.10.

Fixture layout as in tests/test_rule_fixtures.py (``<case>.before.py``,
``.after.py``, optional ``.select`` and ``.findings``), run here with
``target="agno3"``.  On top of the exact output and findings:

* every expected output parses and compiles under ``.venv-agno3``'s Python;
* the fully migrated fixtures (:data:`AGNO3_CLEAN`) pass pyright against
  agno 3.1.10, and their inputs do not (the check can fail);
* the combined fixture's input imports and builds its agents on agno 1.8.4,
  its output on agno 3.1.10;
* code already written for agno 3 is left as it is, with no finding;
* the stream-parity fixture streams the same text on agno 1.8.4 (input,
  with the project's offline ScriptedModel) and on agno 3.1.10 (output, with
  an offline model written for agno 3's Model contract below).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

from codemods.engine import migrate_source
from codemods.rules import load_rules, rule_codes, select_codes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PY1 = ROOT / ".venv" / "bin" / "python"
PY3 = ROOT / ".venv-agno3" / "bin" / "python"
PYRIGHT3 = ROOT / ".venv-agno3" / "bin" / "pyright"

AGNO3_CODES = [code for code in rule_codes() if code.startswith("AGM3") and "AGM310" <= code <= "AGM349"]
#: Fixtures whose expected output is complete agno 3 code (nothing left for a human).
AGNO3_CLEAN = ("AGM310/combined", "AGM310/already_agno3", "AGM321/agno3_team_mode")


def _cases() -> List[Path]:
    return sorted(p for code in AGNO3_CODES for p in (FIXTURES / code).glob("*.before.py"))


CASES = _cases()


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.before.py')}"


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name.replace(".before.py", suffix))


def _rules(path: Path):
    select = _sibling(path, ".select")
    codes = select.read_text().split() if select.exists() else [path.parent.name]
    return load_rules(select_codes(codes, target="agno3"))


def _expected_findings(path: Path) -> List[Tuple[int, str, str]]:
    rows = []
    for raw in path.read_text().splitlines():
        if raw.strip() and not raw.startswith("#"):
            line, code, kind = raw.split()[:3]
            rows.append((int(line), code, kind))
    return sorted(rows)


def _venv(python: Path) -> None:
    if not python.exists():
        pytest.skip(f"{python.relative_to(ROOT)} is missing (bash scripts/setup-agno3)")


def test_every_agno3_rule_has_fixtures() -> None:
    assert AGNO3_CODES, "no AGM31x-AGM34x rule found"
    for code in AGNO3_CODES:
        assert list((FIXTURES / code).glob("*.before.py")), f"{code} has no fixture"


@pytest.mark.parametrize("before", CASES, ids=[_case_id(c) for c in CASES])
def test_fixture(before: Path) -> None:
    rules = _rules(before)
    expected = _sibling(before, ".after.py").read_bytes()
    result = migrate_source(before.read_bytes(), rules, str(before))
    assert result.error is None, result.error
    assert result.migrated is not None
    assert result.migrated.decode() == expected.decode()
    findings = _sibling(before, ".findings")
    got = sorted((f.line, f.code, f.kind) for f in result.findings)
    if findings.exists():
        assert got == _expected_findings(findings), "\n".join(f"{f.line} {f.code} {f.kind} {f.message}"
                                                               for f in result.findings)
    elif before.read_bytes() != expected:
        assert any(f.fixed for f in result.findings), "a rewrite must be reported as a finding"
    again = migrate_source(expected, rules, str(before))
    assert again.error is None
    assert again.migrated == expected, "not idempotent"
    assert not any(f.fixed for f in again.findings), "a second run still reports rewrites"


def test_findings_say_what_to_do() -> None:
    """Every [left alone] finding of the fixtures carries a manual step, not only a diagnosis."""
    for before in CASES:
        result = migrate_source(before.read_bytes(), _rules(before), str(before))
        for finding in result.findings:
            if not finding.fixed:
                assert "left alone" in finding.message, finding
                assert len(finding.message) > 60, finding


def test_every_expected_output_compiles_on_agno3_python() -> None:
    _venv(PY3)
    paths = [str(_sibling(p, ".after.py")) for p in CASES]
    script = ("import ast, sys\n"
              "for path in sys.argv[1:]:\n"
              "    source = open(path).read()\n"
              "    ast.parse(source, path)\n"
              "    compile(source, path, 'exec')\n"
              "print(len(sys.argv) - 1)\n")
    done = subprocess.run([str(PY3), "-c", script, *paths], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(CASES)


def _pyright(paths: List[Path], work: Path) -> dict:
    """pyright against agno 3.1.10 on copies of ``paths`` (the repository's config points at .venv, agno 1.8.4)."""
    (work / "pyrightconfig.json").write_text(json.dumps({"pythonVersion": "3.11", "typeCheckingMode": "basic"}))
    for path in paths:
        shutil.copy(path, work / path.name)
    done = subprocess.run([str(PYRIGHT3), "--outputjson", "--pythonpath", str(PY3), *(p.name for p in paths)],
                          cwd=work, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, AGNO_TELEMETRY="false"))
    return json.loads(done.stdout)


def test_migrated_fixtures_type_check_on_agno3(tmp_path: Path) -> None:
    _venv(PY3)
    if not PYRIGHT3.exists():
        pytest.skip("pyright is missing in .venv-agno3 (bash scripts/setup-agno3)")
    afters = [FIXTURES / f"{case}.after.py" for case in AGNO3_CLEAN]
    befores = [FIXTURES / "AGM310" / "combined.before.py"]
    assert len({p.name for p in afters + befores}) == len(afters) + len(befores)
    report = _pyright(afters + befores, tmp_path)
    assert report["summary"]["filesAnalyzed"] == len(afters) + len(befores)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    by_file: dict = {}
    for diagnostic in errors:
        by_file.setdefault(Path(diagnostic["file"]).name, []).append(
            f"{diagnostic['range']['start']['line'] + 1}: {diagnostic['message']}")
    for after in afters:
        assert after.name not in by_file, "\n".join(by_file[after.name])
    # The same check fails on the agno 1.x input: it is not vacuous.
    assert len(by_file.get("combined.before.py", [])) >= 5


def _import_in(python: Path, source: Path, tmp_path: Path, probe: str) -> subprocess.CompletedProcess:
    work = tmp_path / python.parent.parent.name
    work.mkdir()
    shutil.copy(source, work / "fixture_module.py")
    return subprocess.run([str(python), "-c", f"import fixture_module as m\n{probe}"], cwd=work,
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, AGNO_TELEMETRY="false", PYTHONPATH=str(work)))


def test_combined_fixture_runs_before_on_agno1_and_after_on_agno3(tmp_path: Path) -> None:
    _venv(PY1)
    _venv(PY3)
    probe = "print(m.desk.name, m.researcher.name, type(m.storage).__name__)"
    before = _import_in(PY1, FIXTURES / "AGM310" / "combined.before.py", tmp_path, probe)
    assert before.returncode == 0, before.stderr
    assert before.stdout.split() == ["desk", "researcher", "SqliteStorage"]
    after = _import_in(PY3, FIXTURES / "AGM310" / "combined.after.py", tmp_path, probe +
                       "\nassert m.desk.mode.value == 'coordinate' and m.researcher.id == 'researcher'")
    assert after.returncode == 0, after.stderr
    assert after.stdout.split() == ["desk", "researcher", "SqliteDb"]


@pytest.mark.parametrize("case", ["AGM310/already_agno3", "AGM321/agno3_team_mode", "AGM310/combined"])
def test_agno3_code_is_left_alone_by_every_agno3_rule(case: str) -> None:
    """agno 3 code (including the migrated combined fixture) gets no rewrite and no finding."""
    path = FIXTURES / f"{case}.{'after' if case.endswith('combined') else 'before'}.py"
    rules = load_rules(select_codes(AGNO3_CODES, target="agno3"))
    result = migrate_source(path.read_bytes(), rules, str(path))
    assert result.error is None
    assert result.migrated == path.read_bytes()
    assert result.findings == [], [f"{f.line} {f.code} {f.message}" for f in result.findings]


# An offline echo model for agno 3's Model contract (invoke* return/yield ModelResponse; the
# parsers are abstract but unused), replying like codemods.parity.fake_model.ScriptedModel's default.
AGNO3_ECHO_MODEL = """
from dataclasses import dataclass
from agno.models.base import Model
from agno.models.response import ModelResponse


def _prompt(messages):
    for message in reversed(messages or []):
        if message.role == "user":
            return message.get_content_string()
    return ""


def _chunks(text):
    words = text.split(" ")
    return [word if i == len(words) - 1 else word + " " for i, word in enumerate(words)]


@dataclass
class EchoModel(Model):
    id: str = "echo"
    name: str = "EchoModel"
    provider: str = "agno-migrate-test"

    def invoke(self, *args, **kwargs):
        return ModelResponse(role="assistant", content="echo: " + _prompt(kwargs.get("messages")))

    async def ainvoke(self, *args, **kwargs):
        return self.invoke(*args, **kwargs)

    def invoke_stream(self, *args, **kwargs):
        for chunk in _chunks("echo: " + _prompt(kwargs.get("messages"))):
            yield ModelResponse(role="assistant", content=chunk)

    async def ainvoke_stream(self, *args, **kwargs):
        for chunk in self.invoke_stream(*args, **kwargs):
            yield chunk

    def _parse_provider_response(self, response, **kwargs):
        return response

    def _parse_provider_response_delta(self, response):
        return response
"""

AGNO1_MODEL = "from codemods.parity.fake_model import ScriptedModel as EchoModel\n"

PARITY_RUN = """
import asyncio, json
import fixture_module as m
m.writer.model = EchoModel()
print(json.dumps({
    "stream": m.stream_text("write two words"),
    "astream": asyncio.run(m.astream_text("write three more words")),
    "astream_later": asyncio.run(m.astream_later("and later")),
    "whole": m.whole("all at once"),
}))
"""


def test_stream_parity_fixture_streams_the_same_text_on_agno1_and_agno3(tmp_path: Path) -> None:
    _venv(PY1)
    _venv(PY3)
    results = []
    for python, source, model in ((PY1, "before", AGNO1_MODEL), (PY3, "after", AGNO3_ECHO_MODEL)):
        work = tmp_path / source
        work.mkdir()
        shutil.copy(FIXTURES / "AGM310" / f"stream_parity.{source}.py", work / "fixture_module.py")
        done = subprocess.run([str(python), "-c", model + PARITY_RUN], cwd=work, capture_output=True, text=True,
                              timeout=300, env=dict(os.environ, AGNO_TELEMETRY="false",
                                                    PYTHONPATH=os.pathsep.join([str(work), str(ROOT)])))
        assert done.returncode == 0, f"{source}: {done.stderr[-3000:]}"
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    before, after = results
    assert before == {"stream": "echo: write two words", "astream": "echo: write three more words",
                      "astream_later": "echo: and later", "whole": "echo: all at once"}
    assert after == before


def test_docs_page_lists_every_agno3_rule() -> None:
    page = (ROOT / "docs" / "agno3.md").read_text()
    for rule in load_rules(AGNO3_CODES):
        assert f"| {rule.code} | {rule.name} |" in page, f"docs/agno3.md does not list {rule.code} {rule.name}"


AGNO3_PACKAGE = ROOT / ".venv-agno3" / "lib" / "python3.11" / "site-packages" / "agno"
#: Text that makes an agno 3 rule look at a file (a sample of agno 3's own source is picked by it).
_LOOKS_RELEVANT = ("message=", "stream=True", "mode=", "storage=", "Db(", "RunEvent.", "Team(", "Agent(")


def test_agno3_own_source_gets_no_rewrite_and_no_finding() -> None:
    """A sample of agno 3.1.10's own modules (the smallest 25 that mention what the rules look for)."""
    if not AGNO3_PACKAGE.exists():
        pytest.skip("agno 3.1.10 is not installed in .venv-agno3")
    candidates = []
    for path in AGNO3_PACKAGE.rglob("*.py"):
        text = path.read_text(errors="replace")
        if sum(marker in text for marker in _LOOKS_RELEVANT) >= 2:
            candidates.append((len(text), str(path)))
    sample = [Path(p) for _, p in sorted(candidates)[:25]]
    assert len(sample) == 25
    rules = load_rules(select_codes(AGNO3_CODES, target="agno3"))
    for path in sample:
        result = migrate_source(path.read_bytes(), rules, str(path))
        assert result.error is None, (path, result.error)
        assert result.migrated == path.read_bytes(), path
        assert result.findings == [], [f"{path}:{f.line} {f.code} {f.message}" for f in result.findings]


@pytest.mark.parametrize("path, source, reason", [
    ("pkg/__init__.py", "from agno.run.response import RunResponse\n", "__init__"),
    ("mod.py", "from agno.run.response import RunResponse\n__all__ = ['RunResponse']\n", "__all__"),
    ("mod.py", "from agno.run.response import RunResponse\nRunResponse = None\n", "bound more than once"),
])
def test_agm310_keeps_the_old_name_where_renaming_uses_is_not_provably_safe(path: str, source: str,
                                                                          reason: str) -> None:
    result = migrate_source(source.encode(), load_rules(select_codes(["AGM310"], target="agno3")), path)
    assert result.error is None
    first_line = (result.migrated or b"").decode().splitlines()[0]
    assert first_line == "from agno.run.agent import RunOutput as RunResponse"
    assert any(reason in f.message for f in result.findings), [f.message for f in result.findings]
    assert (result.migrated or b"").decode().splitlines()[1:] == source.splitlines()[1:]


def test_agm310_renames_the_uses_of_a_plain_import() -> None:
    source = "from agno.run.response import RunResponse\n\ndef f(x: RunResponse) -> RunResponse:\n    return x\n"
    result = migrate_source(source.encode(), load_rules(select_codes(["AGM310"], target="agno3")), "mod.py")
    assert (result.migrated or b"").decode() == source.replace("agno.run.response", "agno.run.agent").replace(
        "RunResponse", "RunOutput")
