"""xxgk: 政府信息公开工作年度报告 → exact, audited, comparable data."""

from xxgk.errors import NotAReportError, UnreadableError, XxgkError

__version__ = "0.1.0"
PARSER_VERSION = __version__

__all__ = ["PARSER_VERSION", "NotAReportError", "UnreadableError", "XxgkError", "__version__"]
