"""A Toolkit subclass exposing async tools."""

import asyncio

from agno.tools import Toolkit


class WeatherTools(Toolkit):
    def __init__(self, fail: bool = False) -> None:
        super().__init__(name="weather_tools", tools=[self.get_forecast])
        self.fail = fail

    async def get_forecast(self, city: str) -> str:
        """Get the weather forecast for a city.

        Args:
            city: the city
        """
        await asyncio.sleep(0)
        if self.fail:
            raise RuntimeError("weather service down")
        return f"sunny in {city}"
