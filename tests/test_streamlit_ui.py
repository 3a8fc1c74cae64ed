"""The Financial Assistant's Streamlit page in a real browser: legacy blocks, migrated streams.

``streamlit run`` serves ``legacy/financial_assistant/app.py`` and
``migrated/financial_assistant/app.py`` (what agno-migrate made of it) on free
localhost ports; headless Chromium, driven over the DevTools protocol (a small
client on ``websocket-client``), types the same question into each page.  A
``MutationObserver`` in the page timestamps (``performance.now()``) every
change of the answer's text, so the first and the last chunk are timed where
users see them, by the browser's clock.

What users must see: the migrated page shows its first chunk well before the
legacy page, which shows nothing until its whole answer is ready; both end on
the same text, the report the workflow writes.  Screenshots of both pages are
taken at the same moment after the question (mid-answer on the migrated
side) and put side by side; with ``AGNO_MIGRATE_WRITE_SCREENSHOT=1`` the
picture is also written to ``docs/streaming-side-by-side.png`` (the README's).

The model is the offline ``ScriptedModel`` with small simulated latencies
(about 3 s per answer).  The servers and the browser are started here, each
with a time limit, and stopped (process group killed) in teardown.  Skips only
when no Chromium is installed.
"""

from __future__ import annotations

import base64
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

REPO = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
QUESTION = "Please write a report on AAPL"
# Small simulated latencies: ~0.3 s before the report starts, then 60 words 40 ms apart.
PROFILE = {
    "model": 0.05,
    "chunk": 0.04,
    "report_words": 60,
    "tools": {"get_income_statement": 0.05, "get_company_financials": 0.1, "get_stock_price": 0.08},
}
SERVER_START_LIMIT = 60.0  # s, per server (both start in parallel)
ANSWER_LIMIT = 30.0  # s, per question
SIDE_BY_SIDE = REPO / "docs" / "streaming-side-by-side.png"
WIDTH, HEIGHT = 760, 820


def find_chromium() -> Optional[str]:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def own_session_dying_with_us() -> None:
    """preexec_fn: a process group of its own (stopped as a group in teardown) that
    Linux also kills if this test process dies without a teardown (PR_SET_PDEATHSIG)."""
    os.setsid()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def stop_process_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group this test started, SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# -- streamlit --------------------------------------------------------------------------


@dataclass
class Server:
    package: str
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def start_server(package: str, logdir: Path) -> Server:
    port = free_port()
    log = logdir / f"streamlit-{package}.log"
    env = dict(os.environ, AGNO_TELEMETRY="false", AGNO_MIGRATE_APP_PROFILE=json.dumps(PROFILE))
    env.pop("OPENAI_API_KEY", None)
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO / package / "financial_assistant" / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--global.developmentMode", "false", "--server.showEmailPrompt", "false", "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=logdir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, preexec_fn=own_session_dying_with_us)
    return Server(package, port, proc, log)


def wait_ready(server: Server, limit: float = SERVER_START_LIMIT) -> None:
    """Poll Streamlit's health endpoint until it answers ``ok``."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"streamlit ({server.package}) exited {server.proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit ({server.package}) not ready after {limit:.0f} s:\n{server.log_tail()}")


# -- a minimal DevTools protocol client ----------------------------------------------------


class DevToolsError(RuntimeError):
    pass


class Browser:
    """Headless Chromium and one DevTools websocket; pages are flattened target sessions."""

    def __init__(self, executable: str, profile: Path, log: Path) -> None:
        import websocket  # websocket-client, a test extra

        command = [
            executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows", "--mute-audio", "--remote-debugging-port=0",
            "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}", "about:blank",
        ]  # fmt: skip
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         preexec_fn=own_session_dying_with_us)
        self.log = log
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.exists() and len(active.read_text().split()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise DevToolsError(f"chromium did not open its DevTools port:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.05)
        port, path = active.read_text().split()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=30, suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, session: Optional[str] = None, timeout: float = 30.0, **params: Any) -> Dict[str, Any]:
        self.next_id += 1
        message: Dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DevToolsError(f"{method}: no answer after {timeout} s")
            self.ws.settimeout(remaining)
            reply = json.loads(self.ws.recv())
            if reply.get("id") != self.next_id:
                continue  # an event, or the answer to nothing we wait for
            if "error" in reply:
                raise DevToolsError(f"{method}: {reply['error']}")
            return reply.get("result", {})

    def new_page(self) -> "Page":
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, session)
        page.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)
        return page

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            try:
                ws.close()
            except Exception:  # noqa: BLE001 - closing anyway
                pass
        stop_process_group(self.proc)


class Page:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def call(self, method: str, **params: Any) -> Dict[str, Any]:
        return self.browser.call(method, self.session, **params)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, limit: float, what: str) -> Any:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise DevToolsError(f"timed out after {limit:.0f} s waiting for {what}")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def press_enter(self) -> None:
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                      nativeVirtualKeyCode=13, **({"text": "\r"} if kind == "keyDown" else {}))


# The answer is the first markdown block of the assistant's chat message (the
# timing caption the page adds at the end is a second block and is ignored).
OBSERVER = """
(() => {
  const rec = {t0: null, first: null, last: null, text: "", changes: [], done: false};
  window.__answer = rec;
  const answer = () => {
    const messages = [...document.querySelectorAll('[data-testid="stChatMessage"]')]
      .filter(m => m.querySelector('[data-testid="stChatMessageAvatarAssistant"]'));
    if (!messages.length) return ["", false];
    const message = messages[messages.length - 1];
    const block = message.querySelector('[data-testid="stMarkdownContainer"]');
    return [block ? block.innerText : "", message.innerText.includes("done after")];
  };
  const check = () => {
    if (rec.t0 === null) return;
    const now = performance.now();
    const [text, done] = answer();
    if (text !== rec.text) {
      if (rec.first === null && text.trim()) rec.first = now - rec.t0;
      rec.last = now - rec.t0;
      rec.text = text;
      rec.changes.push([now - rec.t0, text.length]);
    }
    if (done) rec.done = true;
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
  return true;
})()
"""


@dataclass
class Answer:
    package: str
    first: float  # s after the question was sent, when the first text appeared
    last: float  # s after the question, the last change of the text
    text: str
    changes: List[List[float]] = field(default_factory=list)
    shot_at: float = 0.0  # s after the question, when the screenshot was taken
    text_at_shot: str = ""
    screenshot: Optional[Path] = None


def ask(page: Page, server: Server, shotdir: Path, shot_at: Optional[float]) -> Answer:
    """Load the page, ask QUESTION, screenshot mid-answer, wait for the end.

    ``shot_at`` (s after the question): when to take the screenshot; None takes
    it once the answer has been streaming for a while (or at the first text).
    """
    page.call("Page.navigate", url=server.url)
    page.wait_for("!!document.querySelector('[data-testid=\"stChatInputTextArea\"]')", 30, f"{server.package} chat input")
    assert page.evaluate(OBSERVER) is True
    page.evaluate("document.querySelector('[data-testid=\"stChatInputTextArea\"]').focus()")
    page.call("Input.insertText", text=QUESTION)
    page.wait_for(f"document.querySelector('[data-testid=\"stChatInputTextArea\"]').value === {json.dumps(QUESTION)}",
                  5, "the typed question")
    page.evaluate("window.__answer.t0 = performance.now()")
    page.press_enter()
    shot = shotdir / f"{server.package}-mid-answer.png"
    deadline = time.monotonic() + ANSWER_LIMIT
    shot_taken_at: Optional[float] = None
    text_at_shot = ""
    while time.monotonic() < deadline:
        state = page.evaluate("({first: window.__answer.first, done: window.__answer.done, "
                              "now: performance.now() - window.__answer.t0, text: window.__answer.text})")
        now = state["now"] / 1000
        if shot_taken_at is None:
            streaming_a_while = state["first"] is not None and now - state["first"] / 1000 >= 0.5
            if (shot_at is not None and now >= shot_at) or (shot_at is None and (streaming_a_while or state["done"])):
                text_at_shot = state["text"]
                shot_taken_at = now
                page.screenshot(shot)
        if state["done"] and shot_taken_at is not None:
            break
        time.sleep(0.03)
    else:
        raise DevToolsError(f"{server.package}: no complete answer after {ANSWER_LIMIT:.0f} s")
    record = page.evaluate("window.__answer")
    assert record["first"] is not None, f"{server.package}: no answer text appeared"
    return Answer(server.package, record["first"] / 1000, record["last"] / 1000, record["text"], record["changes"],
                  shot_taken_at or 0.0, text_at_shot, shot)


def expected_text() -> str:
    """What the workflow answers QUESTION with, computed without a browser (no latencies)."""
    from bench.runtime import Profile, make_workflow

    profile = Profile(model=0.0, chunk=0.0, tools={name: 0.0 for name in PROFILE["tools"]},
                      report_words=PROFILE["report_words"])
    workflow = make_workflow("migrated", profile)
    return "".join(item.content for item in workflow.run(message=QUESTION) if isinstance(item.content, str))


def squash(text: str) -> str:
    return " ".join(text.split())


def side_by_side(left: Answer, right: Answer, out: Path) -> None:
    """Both screenshots next to each other under a caption each (Pillow, a streamlit dependency)."""
    from PIL import Image, ImageDraw, ImageFont

    assert left.screenshot is not None and right.screenshot is not None
    images = [Image.open(left.screenshot).convert("RGB"), Image.open(right.screenshot).convert("RGB")]
    band, gap = 56, 16
    width = sum(image.width for image in images) + gap
    height = max(image.height for image in images) + band
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=20)
    x = 0
    for answer, image in zip((left, right), images):
        shown = "nothing yet" if not answer.text_at_shot.strip() else f"{len(answer.text_at_shot.split())} words so far"
        caption = f"{answer.package}: {shown} at {answer.shot_at:.1f} s (first text at {answer.first:.1f} s)"
        draw.text((x + 12, 16), caption, fill="black", font=font)
        canvas.paste(image, (x, band))
        x += image.width + gap
    canvas.save(out, optimize=True)


# -- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if not found:
        pytest.skip(f"no Chromium found (looked for {', '.join(BROWSERS)}); install Debian's chromium "
                    "(bash scripts/install-chromium) to run the browser test")
    return found


@pytest.fixture(scope="module")
def answers(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """Both pages asked the same question, migrated first; the legacy screenshot is
    taken at the moment the migrated one was."""
    started = time.monotonic()
    workdir = tmp_path_factory.mktemp("streamlit-ui")
    servers = [start_server("legacy", workdir), start_server("migrated", workdir)]
    browser: Optional[Browser] = None
    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(wait_ready, servers))
        ready = time.monotonic() - started
        browser = Browser(chromium, workdir / "chromium-profile", workdir / "chromium.log")
        legacy_server, migrated_server = servers
        migrated = ask(browser.new_page(), migrated_server, workdir, shot_at=None)
        legacy = ask(browser.new_page(), legacy_server, workdir, shot_at=migrated.shot_at)
        composite = workdir / "streaming-side-by-side.png"
        side_by_side(legacy, migrated, composite)
        if os.environ.get("AGNO_MIGRATE_WRITE_SCREENSHOT") == "1":
            shutil.copyfile(composite, SIDE_BY_SIDE)
        print(f"\nservers ready after {ready:.1f} s; screenshots in {workdir}")
        for answer in (legacy, migrated):
            print(f"{answer.package}: first text {answer.first:.2f} s, last {answer.last:.2f} s, "
                  f"{len(answer.changes)} changes, screenshot at {answer.shot_at:.2f} s")
        yield {"legacy": legacy, "migrated": migrated, "composite": composite, "seconds": time.monotonic() - started}
    finally:
        if browser is not None:
            browser.close()
        for server in servers:
            stop_process_group(server.proc)


# -- tests ---------------------------------------------------------------------------


def test_migrated_page_shows_its_first_chunk_well_before_legacy(answers: Dict[str, Any]) -> None:
    legacy, migrated = answers["legacy"], answers["migrated"]
    # The migrated page starts showing the report while it is still being written...
    assert migrated.first < legacy.first - 1.0, (migrated.first, legacy.first)
    assert migrated.first < 0.5 * legacy.first, (migrated.first, legacy.first)
    # ...and keeps streaming it: its text grows over many changes and for a good second.
    assert len(migrated.changes) >= 10, migrated.changes
    assert migrated.last - migrated.first >= 1.0, (migrated.first, migrated.last)


def test_legacy_page_shows_nothing_until_the_end(answers: Dict[str, Any]) -> None:
    legacy, migrated = answers["legacy"], answers["migrated"]
    # The whole answer lands at once, after as long as the migrated page took to finish.
    assert legacy.last - legacy.first < 0.5, legacy.changes
    assert legacy.first >= 0.8 * migrated.last, (legacy.first, migrated.last)


def test_both_pages_end_on_the_same_report(answers: Dict[str, Any]) -> None:
    legacy, migrated = answers["legacy"], answers["migrated"]
    expected = squash(expected_text())
    assert expected.startswith("AAPL earned 97.0 on revenue of 383.3"), expected
    assert len(expected.split()) == PROFILE["report_words"]
    assert squash(migrated.text) == expected
    assert squash(legacy.text) == expected


def test_screenshots_caught_the_migrated_page_mid_answer(answers: Dict[str, Any]) -> None:
    from PIL import Image

    legacy, migrated = answers["legacy"], answers["migrated"]
    # Same moment after the question: part of the report on the migrated page, nothing on the legacy one.
    assert abs(legacy.shot_at - migrated.shot_at) < 0.3, (legacy.shot_at, migrated.shot_at)
    assert migrated.text_at_shot.strip() and len(migrated.text_at_shot) < len(migrated.text)
    assert legacy.text_at_shot.strip() == ""
    with Image.open(answers["composite"]) as composite:
        assert composite.width >= 2 * WIDTH and composite.height >= HEIGHT
    assert answers["seconds"] < 90, f"the browser test took {answers['seconds']:.0f} s"
