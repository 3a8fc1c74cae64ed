"""Bad input: every odd file gets a clear message, the rest is still migrated, nothing is lost.

A corpus of awkward files is built in a temporary directory: syntax errors,
Python 2, latin-1 with an encoding cookie, a UTF-8 BOM, CRLF / mixed / CR-only
line endings, tabs, no trailing newline, empty and binary ``.py`` files, a
5 MB generated module, a read-only file, a FIFO, symbolic links (inside and
outside the tree, to files and directories, dangling), files that vanish
between discovery and processing, and paths that do not exist.

The rewritable files all contain the trigger ``asyncio.run(self.agent.arun(x))``
(AGM004) while also using ``asyncio`` elsewhere, so the import stays and the
only bytes allowed to change are the trigger's: the migrated file must equal
``original.replace(TRIGGER, REWRITTEN)`` exactly (encoding, BOM, line endings,
indentation and missing final newline preserved byte for byte).

Everything goes through the real CLI (click's ``CliRunner``, in-process, so
the vanishing-file tests can interpose between discovery and processing).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import pytest
from click.testing import CliRunner, Result

from codemods import engine
from codemods.cli import main

TRIGGER = b"asyncio.run(self.agent.arun(x))"
REWRITTEN = b"self.agent.run(x, stream=False)"

# ``asyncio`` stays used (POLICY), so AGM004 removes no import: only TRIGGER changes.
BODY = (
    b"import asyncio\n"
    b"\n"
    b"POLICY = asyncio.get_event_loop_policy\n"
    b"\n"
    b"\n"
    b"class Flow:\n"
    b"    def answer(self, x):\n"
    b"        # ask the agent\n"
    b"        return asyncio.run(self.agent.arun(x))\n"
)


def _mixed_newlines(text: bytes) -> bytes:
    lines = text.split(b"\n")[:-1]
    return b"".join(line + (b"\r\n" if index % 2 else b"\n") for index, line in enumerate(lines))


def _big_module() -> bytes:
    """A ~5 MB generated module: a data table, then one function to migrate."""
    rows = b"".join(b'    "%s",\n' % (b"%06d" % index * 160) for index in range(5200))
    return b"# Generated file: do not edit.\n" + BODY.replace(b"class Flow", b"DATA = [\n" + rows + b"]\n\n\nclass Flow")


#: name -> source of files apply must rewrite to ``source.replace(TRIGGER, REWRITTEN)``.
REWRITABLE: Dict[str, bytes] = {
    "plain.py": BODY,
    "latin1_cookie.py": b"# -*- coding: latin-1 -*-\n"
    + b'"""Caf\xe9 cr\xe8me, \xa9 2024."""\n'
    + BODY.replace(b"# ask the agent", b"# na\xefve d\xe9j\xe0 vu"),
    "bom.py": b"\xef\xbb\xbf" + BODY.replace(b"# ask the agent", b"# caf\xc3\xa9 \xe2\x9c\x93"),
    "crlf.py": BODY.replace(b"\n", b"\r\n"),
    "mixed_newlines.py": _mixed_newlines(BODY),
    "tabs.py": BODY.replace(b"        ", b"\t\t").replace(b"    ", b"\t"),
    "no_trailing_newline.py": BODY.rstrip(b"\n"),
    "continuation.py": BODY.replace(b"return asyncio", b"return \\\r\n            asyncio"),
    "big_generated.py": _big_module(),
}

#: name -> source of files that must come out byte-identical, without an error.
UNTOUCHED: Dict[str, bytes] = {
    "empty.py": b"",
    "clean.py": b"def add(a, b):\n    return a + b\n",
    "only_mentions.py": b"# asyncio.run(self.agent.arun(x)) in a comment\nTEXT = 'asyncio.run(self.agent.arun(x))'\n",
    "big_clean.py": b"# Generated.\n" + b"".join(b"VALUE_%d = %d\n" % (i, i) for i in range(400_000)),
}

#: name -> (source, substring of the per-file error message); never modified.
BROKEN: Dict[str, tuple] = {
    "syntax_error.py": (BODY.replace(b"arun(x))", b"arun(x)"), "syntax error at 9:"),
    "python2.py": (BODY.replace(b"class Flow:", b'print "legacy"\n\n\nclass Flow:'),
                   "syntax error at 6:1: Missing parentheses in call to 'print'"),
    "binary.py": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + TRIGGER + b"\x00\xff\xfe", "binary file (contains NUL bytes)"),
    "undecodable.py": (BODY.replace(b"# ask the agent", b"# caf\xe9 without a cookie"), "cannot decode"),
    "unknown_cookie.py": (b"# -*- coding: klingon -*-\n" + BODY, "cannot decode: unknown encoding: klingon"),
    "cr_only.py": (BODY.replace(b"\n", b"\r"), "LibCST does not reproduce this file byte for byte"),
    "form_feed.py": (BODY.replace(b"class Flow", b"\x0cclass Flow"), "LibCST does not reproduce this file byte for byte"),
}

READ_ONLY = "read_only.py"
FIFO = "pipe.py"


@dataclass
class Corpus:
    root: Path  # the tree given to the CLI
    outside: Path  # a sibling directory the tree's links point into
    before: Dict[Path, bytes]  # every regular file (tree and outside) -> its bytes

    def path(self, name: str) -> Path:
        return self.root / name


def build_corpus(base: Path) -> Corpus:
    root, outside = base / "tree", base / "outside"
    (root / "pkg" / "sub").mkdir(parents=True)
    outside.mkdir()
    for name, source in REWRITABLE.items():
        (root / name).write_bytes(source)
    for name, source in UNTOUCHED.items():
        (root / name).write_bytes(source)
    for name, (source, _) in BROKEN.items():
        (root / name).write_bytes(source)
    (root / "pkg" / "sub" / "nested.py").write_bytes(BODY)
    (root / READ_ONLY).write_bytes(BODY)
    (root / READ_ONLY).chmod(0o444)
    os.mkfifo(root / FIFO)
    # Links: to a file and a directory outside the tree, inside the tree, dangling.
    (outside / "target.py").write_bytes(BODY)
    (outside / "in_linked_dir.py").write_bytes(BODY)
    (root / "link_outside.py").symlink_to(outside / "target.py")
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    (root / "link_inside.py").symlink_to(root / "plain.py")
    (root / "dangling.py").symlink_to(root / "does_not_exist.py")
    before = {
        path: path.read_bytes()
        for directory in (root, outside)
        for path in directory.rglob("*")
        if path.is_file() and not path.is_symlink() and stat.S_ISREG(path.stat().st_mode)
    }
    return Corpus(root, outside, before)


def cli(*args: str) -> Result:
    # The trigger files call arun() on agents built elsewhere: an unsafe fix, made here.
    return CliRunner().invoke(main, [*args, "--isolated", "--unsafe-fixes"], catch_exceptions=False)


def error_lines(result: Result) -> Dict[str, str]:
    """``path -> message`` of the ``path: error: message`` lines on stderr."""
    errors = {}
    for line in result.stderr.splitlines():
        path, sep, message = line.partition(": error: ")
        if sep:
            assert path not in errors, f"two errors for {path}"
            errors[path] = message
    return errors


def snapshot(corpus: Corpus) -> Dict[Path, bytes]:
    return {path: path.read_bytes() for path in corpus.before}


# -- check: reports everything, writes nothing ----------------------------------------


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    corpus = build_corpus(tmp_path_factory.mktemp("check"))
    result = cli("check", str(corpus.root))
    return corpus, result


def test_check_exits_2_and_writes_nothing(checked: tuple) -> None:
    corpus, result = checked
    assert result.exit_code == 2, result.output
    assert snapshot(corpus) == corpus.before
    assert sorted(p.name for p in corpus.root.iterdir() if p.name.startswith(".agno-migrate-")) == []


def test_check_names_every_bad_file_with_its_reason(checked: tuple) -> None:
    corpus, result = checked
    errors = error_lines(result)
    expected = {str(corpus.path(name)): reason for name, (_, reason) in BROKEN.items()}
    expected[str(corpus.path(FIFO))] = "not a regular file"
    assert set(errors) == set(expected), result.stderr
    for path, reason in expected.items():
        assert reason in errors[path], (path, errors[path])


def test_check_still_reports_every_good_file(checked: tuple) -> None:
    corpus, result = checked
    reported = {line.split(":", 1)[0] for line in result.stdout.splitlines() if " AGM004 " in line}
    expected = {str(corpus.path(name)) for name in [*REWRITABLE, READ_ONLY, "pkg/sub/nested.py"]}
    assert reported == expected, result.stdout


def test_check_reports_the_line_users_see(checked: tuple) -> None:
    corpus, result = checked
    lines = {line.split(" ", 1)[0] for line in result.stdout.splitlines()}
    # Line 9 of BODY (10 and 11 below a cookie/docstring, more below the data table), column 16.
    assert f"{corpus.path('crlf.py')}:9:16" in lines
    assert f"{corpus.path('mixed_newlines.py')}:9:16" in lines
    assert f"{corpus.path('latin1_cookie.py')}:11:16" in lines
    assert f"{corpus.path('tabs.py')}:9:10" in lines  # a tab is one column
    assert f"{corpus.path('continuation.py')}:10:13" in lines


def test_walk_does_not_follow_links(checked: tuple) -> None:
    corpus, result = checked
    output = result.stdout + result.stderr
    for name in ("link_outside.py", "link_inside.py", "dangling.py", "linked_dir"):
        assert str(corpus.path(name)) not in output
    assert "in_linked_dir.py" not in output
    # 9 rewritable + read-only + nested + 4 untouched + 7 broken + the FIFO; no link counted.
    assert "23 file(s) checked" in result.stderr


def test_diff_exits_2_and_still_shows_the_good_files(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path)
    result = cli("diff", str(corpus.root / "plain.py"), str(corpus.root / "binary.py"), str(corpus.root / "nope.py"))
    assert result.exit_code == 2
    assert "+        return self.agent.run(x, stream=False)" in result.stdout
    assert set(error_lines(result)) == {str(corpus.root / "binary.py"), str(corpus.root / "nope.py")}
    assert snapshot(corpus) == corpus.before


# -- apply: rewrites what it can, reports and keeps the rest --------------------------


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    corpus = build_corpus(tmp_path_factory.mktemp("apply"))
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in corpus.before}
    result = cli("apply", str(corpus.root))
    return corpus, result, modes


def test_apply_exits_2(applied: tuple) -> None:
    _, result, _ = applied
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize("name", sorted(REWRITABLE))
def test_apply_rewrites_only_the_trigger(applied: tuple, name: str) -> None:
    corpus, _, _ = applied
    original = REWRITABLE[name]
    migrated = corpus.path(name).read_bytes()
    assert TRIGGER in original
    assert migrated == original.replace(TRIGGER, REWRITTEN)
    compile(migrated, name, "exec")


def test_latin1_output_stays_latin1_with_its_cookie(applied: tuple) -> None:
    corpus, _, _ = applied
    migrated = corpus.path("latin1_cookie.py").read_bytes()
    assert migrated.startswith(b"# -*- coding: latin-1 -*-\n")
    assert b"Caf\xe9 cr\xe8me, \xa9 2024." in migrated and b"na\xefve d\xe9j\xe0 vu" in migrated
    with pytest.raises(UnicodeDecodeError):
        migrated.decode("utf-8")  # not silently re-encoded as UTF-8


def test_line_endings_survive(applied: tuple) -> None:
    corpus, _, _ = applied
    crlf = corpus.path("crlf.py").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") == BODY.count(b"\n")
    mixed = corpus.path("mixed_newlines.py").read_bytes()
    assert mixed.count(b"\r\n") == BODY.count(b"\n") // 2 and mixed.count(b"\n") == BODY.count(b"\n")
    assert not corpus.path("no_trailing_newline.py").read_bytes().endswith(b"\n")
    assert corpus.path("bom.py").read_bytes().startswith(b"\xef\xbb\xbf")


def test_apply_leaves_untouched_and_broken_files_byte_identical(applied: tuple) -> None:
    corpus, _, _ = applied
    for name in [*UNTOUCHED, *BROKEN]:
        assert corpus.path(name).read_bytes() == corpus.before[corpus.path(name)], name


def test_apply_reports_every_bad_file(applied: tuple) -> None:
    corpus, result, _ = applied
    errors = error_lines(result)
    expected = {str(corpus.path(name)): reason for name, (_, reason) in BROKEN.items()}
    expected[str(corpus.path(FIFO))] = "not a regular file"
    expected[str(corpus.path(READ_ONLY))] = "not written: file is read-only"
    assert set(errors) == set(expected), result.stderr
    for path, reason in expected.items():
        assert reason in errors[path], (path, errors[path])


def test_read_only_file_is_not_modified(applied: tuple) -> None:
    corpus, _, modes = applied
    path = corpus.path(READ_ONLY)
    assert path.read_bytes() == BODY
    assert stat.S_IMODE(path.stat().st_mode) == modes[path] == 0o444


def test_modes_are_kept(applied: tuple) -> None:
    corpus, _, modes = applied
    for path, mode in modes.items():
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


def test_links_and_what_they_point_to_are_untouched(applied: tuple) -> None:
    corpus, _, _ = applied
    assert corpus.path("link_outside.py").is_symlink()
    assert os.readlink(corpus.path("link_outside.py")) == str(corpus.outside / "target.py")
    assert corpus.path("link_inside.py").is_symlink() and corpus.path("dangling.py").is_symlink()
    assert corpus.path("linked_dir").is_symlink()
    for path in corpus.outside.iterdir():
        assert path.read_bytes() == BODY, path  # nothing outside the tree was written
    # The inside link's target was migrated once, through its real path.
    assert corpus.path("link_inside.py").read_bytes() == BODY.replace(TRIGGER, REWRITTEN)


def test_apply_still_migrates_nested_files(applied: tuple) -> None:
    corpus, _, _ = applied
    assert corpus.path("pkg/sub/nested.py").read_bytes() == BODY.replace(TRIGGER, REWRITTEN)


def test_apply_leaves_no_temporary_files(applied: tuple) -> None:
    corpus, _, _ = applied
    leftovers = [p for d in (corpus.root, corpus.outside) for p in d.rglob(".agno-migrate-*")]
    assert leftovers == []


def test_second_apply_changes_nothing_more(applied: tuple) -> None:
    corpus, result, _ = applied
    after_first = {p: p.read_bytes() for p in corpus.before}
    again = cli("apply", str(corpus.root))
    assert again.exit_code == 2  # the same bad files, still reported
    assert {p: p.read_bytes() for p in corpus.before} == after_first
    assert set(error_lines(again)) == set(error_lines(result))


# -- explicitly named paths ----------------------------------------------------------


def test_explicit_links_are_reported_not_written(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path)
    names = ["link_outside.py", "link_inside.py", "dangling.py", "linked_dir"]
    result = cli("apply", *(str(corpus.path(name)) for name in names), str(corpus.path("plain.py")))
    assert result.exit_code == 2
    errors = error_lines(result)
    assert errors == {
        str(corpus.path("link_outside.py")): "not written: is a symbolic link; migrate its target instead",
        str(corpus.path("link_inside.py")): "not written: is a symbolic link; migrate its target instead",
        str(corpus.path("dangling.py")): "cannot read: broken symbolic link",
        str(corpus.path("linked_dir")): "cannot read: is a symbolic link to a directory (not followed)",
    }
    assert (corpus.outside / "target.py").read_bytes() == BODY
    assert corpus.path("link_outside.py").is_symlink() and corpus.path("link_inside.py").is_symlink()
    assert corpus.path("plain.py").read_bytes() == BODY.replace(TRIGGER, REWRITTEN)  # the rest is processed


def test_nonexistent_paths(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_bytes(BODY)
    missing = [str(tmp_path / "missing.py"), str(tmp_path / "missing_dir")]
    for command in ("check", "apply"):
        result = cli(command, *missing, str(tmp_path / "ok.py"))
        assert result.exit_code == 2, command
        assert error_lines(result) == {path: "no such file" for path in missing}
    assert (tmp_path / "ok.py").read_bytes() == BODY.replace(TRIGGER, REWRITTEN)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.py"]  # nothing created


# -- files that vanish mid-run -------------------------------------------------------


def _vanishing(monkeypatch: pytest.MonkeyPatch, victims: List[Path], after: str) -> None:
    """Delete ``victims`` after discovery (``after="discovery"``) or after they were read."""
    if after == "discovery":
        real_iter = engine.iter_python_files
        state = {"calls": 0}

        def iter_then_delete(paths, excludes=(), **kwargs) -> Iterator[str]:
            found = list(real_iter(paths, excludes, **kwargs))
            state["calls"] += 1
            if state["calls"] == 1:  # the CLI's discovery; engine.run then gets the explicit list
                for victim in victims:
                    victim.unlink()
            return iter(found)

        monkeypatch.setattr(engine, "iter_python_files", iter_then_delete)
    else:
        real_migrate: Callable = engine._parse_and_migrate  # between reading a file and writing it

        def migrate_then_delete(result: engine.FileResult, triggered, selected, options: Optional[dict] = None):
            migrated = real_migrate(result, triggered, selected, options)
            if Path(result.path) in victims:
                Path(result.path).unlink()
            return migrated

        monkeypatch.setattr(engine, "_parse_and_migrate", migrate_then_delete)


@pytest.mark.parametrize("after", ["discovery", "read"])
def test_files_vanishing_mid_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: str) -> None:
    names = [f"f{index}.py" for index in range(6)]
    for name in names:
        (tmp_path / name).write_bytes(BODY)
    victims = [tmp_path / "f1.py", tmp_path / "f4.py"]
    _vanishing(monkeypatch, victims, after)
    result = cli("apply", str(tmp_path))
    assert result.exit_code == 2
    reason = "no such file" if after == "discovery" else "not written: No such file or directory"
    assert error_lines(result) == {str(victim): reason for victim in victims}
    assert all(not victim.exists() for victim in victims)  # not re-created by the write
    for name in names:
        if tmp_path / name not in victims:
            assert (tmp_path / name).read_bytes() == BODY.replace(TRIGGER, REWRITTEN), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(set(names) - {"f1.py", "f4.py"})


# -- parallel runs behave the same ---------------------------------------------------


def test_parallel_apply_matches_serial(tmp_path: Path) -> None:
    small = [name for name in REWRITABLE if not name.startswith("big")]
    trees = []
    for jobs in ("1", "2"):
        corpus = build_corpus(tmp_path / f"j{jobs}")
        for name in ("big_generated.py", "big_clean.py"):  # keep this test quick
            corpus.path(name).unlink()
        result = cli("apply", "-j", jobs, str(corpus.root))
        assert result.exit_code == 2
        errors = {Path(path).name: message for path, message in error_lines(result).items()}
        trees.append(({p.relative_to(corpus.root): p.read_bytes() for p in corpus.root.rglob("*.py")
                       if not p.is_symlink() and p.is_file()}, errors))
    assert trees[0] == trees[1]
    assert all(trees[1][0][Path(name)] == REWRITABLE[name].replace(TRIGGER, REWRITTEN) for name in small)
