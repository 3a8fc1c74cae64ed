"""A Streamlit page for the Financial Assistant: ask a question, watch the answer arrive.

    streamlit run legacy/financial_assistant/app.py      # the legacy workflow
    streamlit run migrated/financial_assistant/app.py    # what agno-migrate made of it

The answer is shown with ``st.write_stream`` over the content of the items the
workflow's ``run()`` yields, as they are yielded: the legacy workflow collects
a whole flow before yielding anything, so its page stays blank until the end;
the migrated one streams.

No API key is needed: by default every agent runs on the offline
``ScriptedModel`` (``codemods.parity.fake_model``) with the scripted answers
and the simulated latencies of the runtime benchmark (``bench/runtime.py``:
time to first token, time per word, data-tool latencies).  The sidebar picks
a latency profile; ``AGNO_MIGRATE_APP_PROFILE`` sets the default, either a
profile name such as ``full/long report`` or a JSON object with the fields of
``bench.runtime.Profile`` (``{"model": 0.05, "chunk": 0.02, "report_words": 60,
"tools": {"get_stock_price": 0.1}}``).  With ``OPENAI_API_KEY`` set and the
``openai`` package installed, the sidebar also offers a real model.

Telemetry is off (``AGNO_TELEMETRY=false`` and ``telemetry=False``).  The page
finds the package it belongs to (``legacy`` or ``migrated``) from its own path,
so the same file serves both trees.
"""

from __future__ import annotations

import os

os.environ.setdefault("AGNO_TELEMETRY", "false")

import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Dict, Iterator, List  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
PACKAGE = HERE.parent.name  # "legacy" or "migrated"

import streamlit as st  # noqa: E402

from bench.runtime import PROFILES, Profile, make_workflow, quiet_agno  # noqa: E402

DEFAULT_PROFILE = "full/long report"
OFFLINE = "offline model, simulated latencies"
OPENAI = "OpenAI gpt-4o-mini (OPENAI_API_KEY)"
CUSTOM = "custom (AGNO_MIGRATE_APP_PROFILE)"
EXAMPLES = (
    "Please write a report on AAPL",
    "What is the stock price of NVDA?",
    "Should I hold AAPL or MSFT this year?",
)


def profiles() -> Dict[str, Profile]:
    """Every latency profile of the runtime benchmark, by ``group/name``, plus the custom one."""
    named = {f"{group}/{name}": profile for group, entries in PROFILES.items() for name, profile in entries.items()}
    custom = os.environ.get("AGNO_MIGRATE_APP_PROFILE", "").strip()
    if custom.startswith("{"):
        named[CUSTOM] = Profile(**json.loads(custom))
    return named


def default_profile(choices: List[str]) -> str:
    wanted = os.environ.get("AGNO_MIGRATE_APP_PROFILE", "").strip()
    if wanted.startswith("{"):
        return CUSTOM
    return wanted if wanted in choices else DEFAULT_PROFILE


def build_workflow(model_choice: str, profile: Profile) -> Any:
    """A Financial Assistant of this page's package (legacy or migrated)."""
    if model_choice == OPENAI:
        from agno.models.openai import OpenAIChat

        module = importlib.import_module(f"{PACKAGE}.financial_assistant")
        return module.FinancialAssistant(model=OpenAIChat(id="gpt-4o-mini"), telemetry=False)
    return make_workflow(PACKAGE, profile)


def answer_chunks(workflow: Any, question: str, timings: Dict[str, float]) -> Iterator[str]:
    """The text of every item ``workflow.run()`` yields, as it is yielded."""
    start = time.perf_counter()
    for response in workflow.run(message=question):
        content = getattr(response, "content", None)
        if isinstance(content, str) and content:
            timings.setdefault("first", time.perf_counter() - start)
            yield content
    timings["total"] = time.perf_counter() - start


def main() -> None:
    quiet_agno()
    st.set_page_config(page_title=f"Financial Assistant ({PACKAGE})", page_icon=":chart_with_upwards_trend:")
    st.title("Financial Assistant")
    st.caption(f"agno {PACKAGE} workflow: `{PACKAGE}/financial_assistant/workflow.py`")

    available = profiles()
    names = list(available)
    with st.sidebar:
        models = [OFFLINE] + ([OPENAI] if os.environ.get("OPENAI_API_KEY") else [])
        model_choice = st.radio("Model", models, index=0)
        profile_name = st.selectbox(
            "Latency profile (bench/runtime.py)",
            names,
            index=names.index(default_profile(names)),
            disabled=model_choice != OFFLINE,
        )
        st.markdown("Try: " + " · ".join(f"*{example}*" for example in EXAMPLES))

    key = (model_choice, profile_name)
    if st.session_state.get("workflow_key") != key:
        st.session_state.workflow = build_workflow(model_choice, available[profile_name])
        st.session_state.workflow_key = key
    history: List[Dict[str, str]] = st.session_state.setdefault("history", [])

    for message in history:
        with st.chat_message(message["role"]):
            st.markdown(message["content"])
            if message.get("timing"):
                st.caption(message["timing"])

    question = st.chat_input("Ask about AAPL, MSFT or NVDA")
    if not question:
        return
    history.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        timings: Dict[str, float] = {}
        answer = st.write_stream(answer_chunks(st.session_state.workflow, question, timings))
        text = answer if isinstance(answer, str) else "".join(str(part) for part in answer)
        timing = ""
        if "total" in timings:
            timing = f"first chunk after {timings.get('first', timings['total']):.2f} s, done after {timings['total']:.2f} s"
            st.caption(timing)
    history.append({"role": "assistant", "content": text, "timing": timing})


main()
