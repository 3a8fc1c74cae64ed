"""Mixins shared by several workflows."""

import asyncio
from typing import Dict


class ProfileMixin:
    """Loads user profiles; the loader is async, callers are sync."""

    async def _afetch_profile(self, user: str) -> Dict[str, str]:
        await asyncio.sleep(0)
        if not user:
            raise ValueError("empty user")
        return {"name": user.title(), "tier": "gold" if user.startswith("a") else "basic"}

    def fetch_profile(self, user: str) -> Dict[str, str]:
        return asyncio.run(self._afetch_profile(user))
