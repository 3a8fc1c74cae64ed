"""The legacy example the toolkit migrates: see ``financial_assistant``."""
