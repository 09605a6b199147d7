"""An office's fingerprint in large digits, to read out over the phone: five groups of five do
not fit 80 columns, so two lines, three groups then two, each a widget of its own."""

from __future__ import annotations

from textual.widgets import Digits


def fingerprint_lines(fingerprint: str) -> tuple[str, str]:
    """The first three groups of five digits, then the last two."""
    groups = fingerprint.split()
    return " ".join(groups[:3]), " ".join(groups[3:])


class FingerprintDigits(Digits):
    """One of the two lines of a fingerprint: `line` 0 (three groups) or 1 (two)."""

    def __init__(self, fingerprint: str = "", *, line: int, id: str | None = None,
                 classes: str | None = None) -> None:
        self.line = line
        super().__init__(fingerprint_lines(fingerprint)[line], id=id, classes=classes)

    def show_fingerprint(self, fingerprint: str) -> None:
        self.update(fingerprint_lines(fingerprint)[self.line])
