"""A read-through cache: `get` only looks locally, `aget` fetches on a miss."""

import asyncio
from typing import Dict, Optional


class Store:
    def __init__(self) -> None:
        self._local: Dict[str, str] = {}

    def get(self, key: str) -> Optional[str]:
        return self._local.get(key)

    async def aget(self, key: str) -> str:
        if key not in self._local:
            await asyncio.sleep(0)
            self._local[key] = f"fetched:{key}"
        return self._local[key]
