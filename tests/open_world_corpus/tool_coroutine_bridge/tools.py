"""Async weather client (in-memory, offline)."""

import asyncio
from typing import Dict

FORECASTS: Dict[str, str] = {"paris": "rain, 14C", "madrid": "sun, 27C", "oslo": "snow, -3C"}


class WeatherUnavailable(Exception):
    pass


class WeatherClient:
    async def forecast(self, city: str) -> str:
        await asyncio.sleep(0)
        if city.lower() not in FORECASTS:
            raise WeatherUnavailable(f"no forecast for {city}")
        return FORECASTS[city.lower()]
