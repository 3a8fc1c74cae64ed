"""Exchange-rate client: async core with a sync convenience wrapper."""

import asyncio
from typing import Dict


async def _fetch_rates(base: str) -> Dict[str, float]:
    await asyncio.sleep(0)
    if base == "XXX":
        raise ValueError(f"unknown currency {base}")
    return {"EUR": 0.9, "GBP": 0.8} if base == "USD" else {"USD": 1.1}


def get_rates(base: str) -> Dict[str, float]:
    """Sync wrapper used by scripts and workflows."""
    return asyncio.run(_fetch_rates(base))
