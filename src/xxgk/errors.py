"""Exceptions mean "cannot continue"; everything else is a finding.

XxgkError                 base; .message is one Chinese sentence naming the file and the reason
├── UnreadableError       bytes cannot be decoded or opened (corrupt, encrypted, binary, empty, too big)
├── NotAReportError       readable, but not a 政府信息公开工作年度报告
└── MissingExtraError     an optional component (OCR, LibreOffice, PostgreSQL …) is not installed
"""

from __future__ import annotations


class XxgkError(Exception):
    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"无法处理文件 {self.path}：{self.reason}。"


class UnreadableError(XxgkError):
    pass


class NotAReportError(XxgkError):
    @property
    def message(self) -> str:
        return f"文件 {self.path} 不是政府信息公开工作年度报告：{self.reason}。"


class MissingExtraError(XxgkError):
    pass
