"""The store interface and its records."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol

DeliveryState = Literal["pending", "sending", "sent", "failed", "dropped"]
DeliveryKind = Literal["new", "update"]


@dataclass(frozen=True)
class ChannelPosts:
    """The posts that carry one article slot in one channel."""

    slot: str
    channel: str
    article_id: str
    message_ids: tuple[int, ...]


@dataclass(frozen=True)
class Delivery:
    """One outbox row: one article version for one subscriber."""

    id: int
    chat_id: int
    slot: str
    article_id: str
    kind: DeliveryKind
    language: str
    state: DeliveryState
    attempts: int


@dataclass(frozen=True)
class DeliveryStats:
    """Counts for /stats."""

    subscribers: int
    pending: int
    sending: int
    sent: int
    failed: int
    dropped: int


class Store(Protocol):
    """What must survive a restart: delivery, and users' language choices. Every method commits before it returns."""

    def schema_version(self) -> int:
        """The schema version the store is at."""
        ...

    def channel_posts(self, slot: str, channel: str) -> ChannelPosts | None:
        """The posts stored for ``slot`` in ``channel``."""
        ...

    def save_channel_posts(self, slot: str, channel: str, article_id: str, message_ids: list[int]) -> None:
        """Replace the posts stored for ``slot`` in ``channel``."""
        ...

    def delete_channel_posts(self, slot: str, channel: str) -> None:
        """Forget the posts of ``slot`` in ``channel``."""
        ...

    def add_subscriber(self, chat_id: int, language: str) -> bool:
        """Subscribe ``chat_id``; False when it already was (its language is updated)."""
        ...

    def remove_subscriber(self, chat_id: int) -> bool:
        """Unsubscribe ``chat_id``; False when it was not subscribed. Its pending deliveries are dropped."""
        ...

    def is_subscribed(self, chat_id: int) -> bool:
        """Whether ``chat_id`` is subscribed."""
        ...

    def set_language(self, user_id: int, language: str) -> None:
        """Remember the interface language ``user_id`` chose with /lang."""
        ...

    def languages(self) -> dict[int, str]:
        """Every remembered language choice, by user id (read once at start-up)."""
        ...

    def enqueue(self, slot: str, article_id: str, kind: DeliveryKind) -> int:
        """One pending delivery of ``article_id`` per current subscriber (never twice); returns rows added."""
        ...

    def claim_due(self, now: float, limit: int, article_ids: Collection[str] | None = None) -> list[Delivery]:
        """Mark up to ``limit`` due pending deliveries (of ``article_ids`` only, if given) as sending."""
        ...

    def mark_sent(self, delivery_id: int, message_id: int) -> None:
        """Record a delivery Telegram accepted."""
        ...

    def mark_retry(self, delivery_id: int, at: float, error: str, *, count_attempt: bool = True) -> None:
        """Put a delivery back as pending until ``at``."""
        ...

    def mark_failed(self, delivery_id: int, error: str) -> None:
        """Give up on a delivery."""
        ...

    def mark_dropped(self, delivery_id: int, reason: str) -> None:
        """The subscriber is gone (blocked the bot, chat deleted): drop the row and the subscriber."""
        ...

    def next_due(self, article_ids: Collection[str] | None = None) -> float | None:
        """When the earliest pending delivery (of ``article_ids``) falls due; None when none is pending."""
        ...

    def recover(self, older_than: float | None = None) -> int:
        """After a crash: deliveries left as sending (since before ``older_than``) go back to pending."""
        ...

    def stats(self) -> DeliveryStats:
        """Subscribers and deliveries by state."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...
