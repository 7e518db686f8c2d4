"""xxgk: 政府信息公开工作年度报告 → exact, audited, comparable data."""

from xxgk.errors import NotAReportError, UnreadableError, XxgkError

__version__ = "0.1.0"
PARSER_VERSION = __version__


def is_compiled() -> bool:
    """Whether the parsing core runs as mypyc-compiled extensions (an XXGK_COMPILE=1 build, setup.py)."""
    from xxgk.extract import rows

    return not str(rows.__file__).endswith(".py")


__all__ = ["PARSER_VERSION", "NotAReportError", "UnreadableError", "XxgkError", "__version__", "is_compiled"]
