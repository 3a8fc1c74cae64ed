from .report import ReportFlows

__all__ = ["ReportFlows"]
