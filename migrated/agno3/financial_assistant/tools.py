"""Async financial data tools used by the Financial Assistant workflow.

The figures come from a small in-memory table so the example runs offline and
deterministically; ``latency`` and ``failures`` simulate a slow or failing
data provider, and ``events`` records when each call starts and ends.
"""

from __future__ import annotations

import asyncio
from typing import Dict, List, Optional, Set, Tuple

COMPANIES: Dict[str, Dict[str, float]] = {
    "AAPL": {"revenue": 383.3, "net_income": 97.0, "assets": 352.6, "liabilities": 290.4, "price": 189.5},
    "MSFT": {"revenue": 211.9, "net_income": 72.4, "assets": 411.9, "liabilities": 205.8, "price": 402.1},
    "NVDA": {"revenue": 60.9, "net_income": 29.8, "assets": 65.7, "liabilities": 22.8, "price": 875.3},
}


class FinancialDataError(Exception):
    """The data provider could not answer."""


class FinancialDataTools:
    """Async tools fetching figures for a ticker symbol."""

    def __init__(
        self,
        latency: float = 0.0,
        failures: Optional[Set[str]] = None,
        latencies: Optional[Dict[str, float]] = None,
    ) -> None:
        self.latency = latency
        self.latencies = latencies or {}
        self.failures = failures or set()
        self.events: List[Tuple[str, str]] = []

    async def _lookup(self, tool: str, symbol: str) -> Dict[str, float]:
        self.events.append(("tool-start", tool))
        await asyncio.sleep(self.latencies.get(tool, self.latency))
        self.events.append(("tool-end", tool))
        if tool in self.failures:
            raise FinancialDataError(f"{tool} is unavailable")
        if symbol not in COMPANIES:
            raise FinancialDataError(f"unknown symbol {symbol!r}")
        return COMPANIES[symbol]

    async def get_income_statement(self, symbol: str) -> Dict[str, float]:
        figures = await self._lookup("get_income_statement", symbol)
        return {"revenue": figures["revenue"], "net_income": figures["net_income"]}

    async def get_company_financials(self, symbol: str) -> Dict[str, float]:
        figures = await self._lookup("get_company_financials", symbol)
        return {"assets": figures["assets"], "liabilities": figures["liabilities"]}

    async def get_stock_price(self, symbol: str) -> float:
        figures = await self._lookup("get_stock_price", symbol)
        return figures["price"]
