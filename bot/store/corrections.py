"""What the store keeps of admins' corrections: one override per article slot, statement and field.

Corrections are keyed by slot (a library file name, a feed entry's slot), not by article id: the
article is parsed again after a restart or an edit of its file, and its corrections are applied
to it again (:func:`bot.article.corrections.apply_corrections`).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.article.corrections import Correction, Field


@runtime_checkable
class CorrectionLog(Protocol):
    """The store's corrections table. Every method commits before it returns."""

    def add_correction(self, correction: Correction) -> None:
        """Keep ``correction``, replacing any of the same slot, target and field."""
        ...

    def remove_correction(self, slot: str, target: str, field: Field) -> bool:
        """Forget the correction of ``field`` of ``target`` in ``slot``; False when there was none."""
        ...

    def corrections(self, slot: str) -> list[Correction]:
        """The corrections of one article slot, oldest first."""
        ...

    def all_corrections(self, limit: int) -> list[Correction]:
        """The ``limit`` latest corrections of every slot, newest first (what the bot holds, read at
        start-up and before each refresh); a row this code cannot read is skipped with a log line."""
        ...

    def correction_count(self) -> int:
        """How many corrections the store keeps."""
        ...
