"""Stock alert workflow: a price lookup, an audit log write and a news task run together."""

import asyncio
from typing import AsyncIterator, Dict, Iterator, List

from agno.agent import Agent, RunResponse
from agno.models.base import Model
from agno.workflow import Workflow

PRICES: Dict[str, float] = {"AAPL": 189.5, "MSFT": 402.1}


class UnknownTicker(Exception):
    pass


async def get_price(ticker: str) -> float:
    await asyncio.sleep(0)
    if ticker not in PRICES:
        raise UnknownTicker(ticker)
    return PRICES[ticker]


async def audit(log: List[str], ticker: str) -> None:
    await asyncio.sleep(0)
    log.append(ticker)


class StockAlert(Workflow):
    """Tells the user whether a ticker crossed a threshold, with a news line."""

    def __init__(self, model: Model, **kwargs) -> None:
        super().__init__(**kwargs)
        self.audit_log: List[str] = []
        self.news = Agent(name="news", model=model, telemetry=False, instructions=["One line of news."])

    def run(self, ticker: str, threshold: float = 200.0) -> Iterator[RunResponse]:
        responses = asyncio.run(self._collect_async_responses(self._run_alert_flow(ticker, threshold)))
        yield from responses

    async def _collect_async_responses(self, responses: AsyncIterator[RunResponse]) -> List[RunResponse]:
        collected: List[RunResponse] = []
        async for response in responses:
            collected.append(response)
        return collected

    async def _run_alert_flow(self, ticker: str, threshold: float) -> AsyncIterator[RunResponse]:
        news_task = asyncio.create_task(self.news.arun(f"News for {ticker}"))
        try:
            price, _ = await asyncio.gather(get_price(ticker), audit(self.audit_log, ticker))
        except UnknownTicker:
            news_task.cancel()
            yield RunResponse(content=f"Unknown ticker {ticker}")
            return
        results = await asyncio.gather(news_task, get_price(ticker))
        news = results[0]
        self.session_state["audited"] = list(self.audit_log)
        above = "above" if price > threshold else "below"
        yield RunResponse(content=f"{ticker} at {price} is {above} {threshold}. {news.content}")
