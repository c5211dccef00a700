"""The corrections the service applies, held by slot (:mod:`bot.article.corrections` applies them).

The store keeps them (:class:`~bot.store.corrections.CorrectionLog`); this book holds a copy,
read once at start-up and written through by the admin commands, so that applying corrections to
every parsed article costs no store read. Its :meth:`CorrectionBook.apply` is the service's
``corrector``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.article.corrections import Correction, Field, apply_corrections
from bot.article.model import Article

log = logging.getLogger(__name__)

ALL = 1_000_000
"""Corrections read at start-up: every one a newsroom could make by hand."""


class CorrectionBook:
    """Corrections by slot; see the module docstring."""

    def __init__(self, corrections: Iterable[Correction] = ()) -> None:
        self._by_slot: dict[str, dict[tuple[str, Field], Correction]] = {}
        for correction in sorted(corrections, key=lambda c: c.at):
            self.add(correction)

    def add(self, correction: Correction) -> None:
        """Keep ``correction``, replacing an older one of the same slot, target and field."""
        kept = self._by_slot.setdefault(correction.slot, {})
        known = kept.get((correction.target, correction.field))
        if known is None or known.at <= correction.at:
            kept[(correction.target, correction.field)] = correction

    def replace(self, other: CorrectionBook) -> None:
        """Hold what ``other`` holds (the store's corrections, read again)."""
        self._by_slot = {slot: dict(kept) for slot, kept in other._by_slot.items()}

    def remove(self, slot: str, target: str, field: Field) -> Correction | None:
        """Forget a correction; the one forgotten, or None when there was none."""
        kept = self._by_slot.get(slot, {})
        removed = kept.pop((target, field), None)
        if not kept:
            self._by_slot.pop(slot, None)
        return removed

    def of(self, slot: str) -> list[Correction]:
        """``slot``'s corrections, oldest first."""
        return sorted(self._by_slot.get(slot, {}).values(), key=lambda c: c.at)

    def slots(self) -> list[str]:
        """Slots with corrections, the most recently corrected first."""
        return sorted(self._by_slot, key=lambda slot: max(c.at for c in self._by_slot[slot].values()), reverse=True)

    def __len__(self) -> int:
        return sum(len(kept) for kept in self._by_slot.values())

    def apply(self, slot: str, article: Article) -> Article:
        """``article`` (as parsed in ``slot``) as the newsroom corrected it; the same object without corrections."""
        corrections = self.of(slot)
        if not corrections:
            return article
        applied = apply_corrections(article, corrections)
        for stale in applied.stale:
            log.info(
                "corrections: %s: the %s correction of a statement no longer there is not applied", slot, stale.field
            )
        for invalid, problem in applied.invalid:
            log.warning("corrections: %s: the %s correction is not applied: %s", slot, invalid.field, problem)
        return applied.article
