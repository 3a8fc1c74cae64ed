"""The release: scripts/release, and what the sdist carries.

The full release run (build, then the wheel installed into a fresh virtual
environment without agno running check/diff/apply/review/rules) takes over a
minute and fetches libcst and click from the package index: it is marked slow.
The refusals stop before building, and the sdist check builds the sdist only.
The demo (~30 s) and git URL (~25 s) tests install into fresh environments from
the package index too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import List

import pytest

REPO = Path(__file__).resolve().parent.parent
GIT = ["git", "-c", "user.name=release test", "-c", "user.email=release@test.invalid", "-c", "init.defaultBranch=main"]


def working_tree_files() -> List[str]:
    """The repository's files as a checkout of the current work would have them (tracked and
    new files, not ignored ones)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return sorted(name for name in listed if name and (REPO / name).is_file())


def copy_repo(destination: Path, git: bool = True) -> Path:
    for name in working_tree_files():
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, destination / name)
    if git:
        subprocess.run([*GIT, "init", "-q"], cwd=destination, check=True)
        subprocess.run([*GIT, "add", "-A"], cwd=destination, check=True)
        subprocess.run([*GIT, "commit", "-q", "-m", "release test"], cwd=destination, check=True)
    return destination


def release(repo: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = dict(os.environ, BUILD_PYTHON=sys.executable, AGNO_TELEMETRY="false")
    return subprocess.run(["bash", "scripts/release", *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=timeout)


def set_version(repo: Path, version: str) -> None:
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text()
    assert 'version = "0.1.0"' in text
    pyproject.write_text(text.replace('version = "0.1.0"', f'version = "{version}"', 1))


def commit(repo: Path) -> None:
    subprocess.run([*GIT, "commit", "-q", "-am", "bump"], cwd=repo, check=True)


def test_sdist_carries_what_its_tests_need(tmp_path: Path) -> None:
    """Every file of tests/, legacy/, migrated/, docs/ and scripts/ is in the sdist, with the
    licence, the changelog and the LibCST configuration; no compiled files."""
    repo = copy_repo(tmp_path / "repo", git=False)
    built = subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path / "dist"), str(repo)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (sdist,) = (tmp_path / "dist").glob("agno_migrate-*.tar.gz")
    prefix = sdist.name.removesuffix(".tar.gz") + "/"
    with tarfile.open(sdist) as archive:
        names = {member.name.removeprefix(prefix) for member in archive.getmembers() if member.isfile()}
    wanted = [name for name in working_tree_files()
              if name.startswith(("tests/", "legacy/", "migrated/", "docs/", "scripts/", "codemods/"))]
    wanted += ["LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", ".libcst.codemod.yaml",
               ".pre-commit-hooks.yaml"]
    assert any(name.startswith("tests/fixtures/") for name in wanted)
    assert sorted(set(wanted) - names) == []
    assert [name for name in names if "__pycache__" in name or name.endswith(".pyc")] == []


def test_release_refuses_before_building(tmp_path: Path) -> None:
    """A version already tagged, older than the last tag, without a changelog entry, or a dirty tree."""
    repo = copy_repo(tmp_path / "repo")
    subprocess.run([*GIT, "tag", "v0.1.0"], cwd=repo, check=True)
    refused = release(repo)
    assert refused.returncode == 1 and "v0.1.0 is already tagged" in refused.stderr, refused.stderr
    set_version(repo, "0.2.0")
    commit(repo)
    refused = release(repo)
    assert refused.returncode == 1 and "CHANGELOG.md has no '## 0.2.0' entry" in refused.stderr, refused.stderr
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("## 0.1.0", "## 0.2.0\n\n- bump\n\n## 0.1.0", 1))
    commit(repo)
    subprocess.run([*GIT, "tag", "v0.10.0"], cwd=repo, check=True)
    refused = release(repo)
    assert refused.returncode == 1 and "not newer than the last release v0.10.0" in refused.stderr, refused.stderr
    subprocess.run([*GIT, "tag", "-d", "v0.10.0"], cwd=repo, check=True, capture_output=True)
    (repo / "README.md").write_text("edited\n")
    refused = release(repo)
    assert refused.returncode == 1 and "uncommitted changes" in refused.stderr, refused.stderr
    assert not (repo / "dist").exists()  # nothing was built


@pytest.mark.slow
def test_release_builds_and_checks_the_wheel_without_agno(tmp_path: Path) -> None:
    """The whole release on a copy of the repository: dist/ holds the sdist and the wheel, the
    wheel ran every subcommand in a fresh environment without agno, nothing was tagged."""
    repo = copy_repo(tmp_path / "repo")
    done = release(repo)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert sorted(p.name for p in (repo / "dist").iterdir()) == [
        "agno_migrate-0.1.0-py3-none-any.whl", "agno_migrate-0.1.0.tar.gz"]
    for line in ("ok: agno-migrate, version 0.1.0", "ok (exit 0): agno-migrate rules",
                 "ok (exit 1): agno-migrate check legacy", "ok (exit 1): agno-migrate diff legacy",
                 "ok (exit 0): agno-migrate review legacy -o report.html", "ok (exit 0): agno-migrate apply legacy",
                 'git tag -a v0.1.0 -m "agno-migrate 0.1.0"'):
        assert line in done.stdout.splitlines() or f"  {line}" in done.stdout.splitlines(), line
    tags = subprocess.run(["git", "tag"], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert tags == ""


def test_demo_installs_only_the_cli(tmp_path: Path) -> None:
    """README quick start 1 on a fresh copy: scripts/demo creates .venv with agno-migrate and what
    it needs (libcst, click), not the test toolchain (agno, pytest, pyright, hypothesis), and shows
    the findings and the diff for legacy/."""
    repo = copy_repo(tmp_path / "repo", git=False)
    env = dict(os.environ, PYTHON=sys.executable, AGNO_TELEMETRY="false")
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(["bash", "scripts/demo"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "legacy/financial_assistant/workflow.py:" in done.stdout and " AGM00" in done.stdout
    assert "+++ b/legacy/financial_assistant/workflow.py" in done.stdout
    assert "agno-migrate check exited 1" in done.stderr
    python = repo / ".venv" / "bin" / "python"
    probe = ("import importlib.util as u; "
             "print(sorted(m for m in ('agno', 'pytest', 'pyright', 'hypothesis', 'libcst', 'click', 'codemods') "
             "if u.find_spec(m)))")
    found = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "['click', 'codemods', 'libcst']"


def test_install_from_a_git_url_pinned_to_a_tag(tmp_path: Path) -> None:
    """The README's `pip install "git+<repository-url>@v0.1.0"`, with a file:// URL to a copy
    of the repository: the tagged version installs, without agno, and its CLI runs."""
    repo = copy_repo(tmp_path / "repo")
    subprocess.run([*GIT, "tag", "-a", "v0.1.0", "-m", "agno-migrate 0.1.0"], cwd=repo, check=True)
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    python = tmp_path / "venv" / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                                f"git+{repo.as_uri()}@v0.1.0"], capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    version = subprocess.run([str(tmp_path / "venv" / "bin" / "agno-migrate"), "--version"],
                             capture_output=True, text=True, check=True)
    assert "0.1.0" in version.stdout
    rules = subprocess.run([str(tmp_path / "venv" / "bin" / "agno-migrate"), "rules"], capture_output=True,
                           text=True, check=True)
    assert "AGM001" in rules.stdout
    no_agno = subprocess.run([str(python), "-c", "import agno"], capture_output=True, text=True)
    assert no_agno.returncode == 1 and "No module named 'agno'" in no_agno.stderr
