"""A Financial Assistant workflow built on agno 1.x workflows."""

from .tools import FinancialDataError, FinancialDataTools
from .workflow import FinancialAssistant

__all__ = ["FinancialAssistant", "FinancialDataError", "FinancialDataTools"]
