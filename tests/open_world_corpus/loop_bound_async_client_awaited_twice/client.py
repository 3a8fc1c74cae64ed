"""An offline stand-in for a pooled async HTTP client: its connections belong to one event loop."""

import asyncio
from typing import Dict, Optional


class QuoteClient:
    def __init__(self, quotes: Dict[str, float]) -> None:
        self._quotes = quotes
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    async def get(self, symbol: str) -> float:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop  # the pooled connection is opened on this loop
        elif self._loop is not loop:
            raise RuntimeError("Event loop is closed")  # what httpx/aiohttp raise on a foreign loop
        await asyncio.sleep(0)
        if symbol not in self._quotes:
            raise KeyError(symbol)
        return self._quotes[symbol]

    async def aclose(self) -> None:
        self._loop = None
