"""A Financial Assistant workflow written in the legacy agno 1.x async style."""

from legacy.financial_assistant.tools import FinancialDataError, FinancialDataTools
from legacy.financial_assistant.workflow import FinancialAssistant

__all__ = ["FinancialAssistant", "FinancialDataError", "FinancialDataTools"]
