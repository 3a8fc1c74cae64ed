from codemods.parity.fake_model import ScriptedModel
from codemods.parity.harness import Scenario

from .crawler import AsyncWebCrawler
from .workflow import PageSummary

PAGES = {"https://example.com": "Example domain for docs"}


def reply(user: str, system: str) -> str:
    return user.replace("summarise: ", "tl;dr ")


SCENARIOS = [
    Scenario("example", {"url": "https://example.com"}),
    Scenario("unreachable", {"url": "https://nowhere.invalid"}),
    Scenario("summarizer fails", {"url": "https://example.com"}, setup={"fail": True}),
]


def make(scenario: Scenario) -> PageSummary:
    fail = scenario.setup.get("fail")
    model = ScriptedModel(responder=reply, fail_on=(lambda p: True) if fail else None)
    return PageSummary(model=model, crawler=AsyncWebCrawler(PAGES), telemetry=False)
