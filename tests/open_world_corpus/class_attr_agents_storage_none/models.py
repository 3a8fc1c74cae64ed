"""Model factory (a real project would pick a provider here)."""

from codemods.parity.fake_model import ScriptedModel


def _reply(user: str, system: str) -> str:
    return f"[{user[:24]}]"


def default_model() -> ScriptedModel:
    return ScriptedModel(responder=_reply)
