"""The one error hierarchy. Front ends map `JixiaoError` to one line and exit code 2 (CLI) or a
读取失败 row (batch review); nothing else catches broad exceptions."""

from __future__ import annotations

from pathlib import Path


class JixiaoError(Exception):
    """Base of every error jixiao reports to users, with a Chinese and an English reason."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh = _single_line(reason_zh)
        self.reason_en = _single_line(reason_en)

    def one_line(self) -> str:
        return f"{self.reason_zh} / {self.reason_en}"


def _single_line(text: str) -> str:
    """A reason on one line: libraries' messages (openpyxl's, lxml's) span several."""
    line = " ".join(text.split())
    return line if len(line) <= _MAX_REASON else line[: _MAX_REASON - 1] + "…"


_MAX_REASON = 300


class UnreadableFile(JixiaoError):
    """A file that cannot be read; the message names the file and the reason."""

    kind = "unreadable"

    def __init__(self, path: str | Path, reason_zh: str, reason_en: str) -> None:
        self.path = str(path)
        super().__init__(reason_zh, reason_en)

    def one_line(self) -> str:
        return f"{self.path}: {self.reason_zh} / {self.reason_en}"

    def __str__(self) -> str:
        return self.one_line()


class EmptyFile(UnreadableFile):
    kind = "empty"


class CorruptFile(UnreadableFile):
    kind = "corrupt"


class ReaderFailed(CorruptFile):
    """A reading library (or the reader itself) failed on the file; `origin` names which one."""

    def __init__(self, path: str | Path, origin: str, error: BaseException) -> None:
        self.origin = origin
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        super().__init__(path, "文件已损坏，无法解析", f"corrupt file ({origin}: {detail})")


class EncryptedFile(UnreadableFile):
    kind = "encrypted"


class ScannedPdf(UnreadableFile):
    kind = "scanned"


class TooLarge(UnreadableFile):
    kind = "too_large"


class TooComplex(UnreadableFile):
    """Reading or checking the document ran past the deadline or out of memory."""

    kind = "too_complex"


class UnsupportedFormat(UnreadableFile):
    kind = "unsupported"


class BadEncoding(UnreadableFile):
    kind = "encoding"


class ConverterMissing(UnreadableFile):
    kind = "converter_missing"


class NotASelfEvaluation(UnreadableFile):
    """The document was read but is not a self-evaluation report (未识别为绩效自评报告)."""

    kind = "not_a_report"


class InvalidProfile(JixiaoError):
    """A scoring profile file with a mistake: names the file, the key and the reason."""

    def __init__(self, path: str | Path, key: str, reason_zh: str, reason_en: str) -> None:
        self.path = str(path)
        self.key = key
        super().__init__(reason_zh, reason_en)

    def one_line(self) -> str:
        return f"{self.path}: [{self.key}] {self.reason_zh} / {self.reason_en}"

    def __str__(self) -> str:
        return self.one_line()


class ImportProblems(JixiaoError):
    """A filled entry template with problems; nothing is imported."""

    def __init__(self, path: str | Path, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(f"导入失败，共 {len(problems)} 处问题", f"import failed with {len(problems)} problem(s)")

    def one_line(self) -> str:
        return f"{self.path}: {self.reason_zh} / {self.reason_en}"
