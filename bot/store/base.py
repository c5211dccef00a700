"""The store interface and its records.

A delivery depends on nothing but the store: each row is sent from the message stored with it
(:class:`OutgoingMessage`, rendered once per article version, kind and language when it is
queued), so a restart, another process or another instance can send it without the article in
memory. One process at a time sends (the ``outbox`` lease): it claims rows under its owner id,
renews the lease while it runs, and a holder that is gone is taken over (at once when its
process is known to be dead, else when its lease expires); its claimed rows go back to pending.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
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
class OutgoingMessage:
    """A rendered message as the store keeps it: HTML text, the reply markup as JSON (or None), and
    the URL of the lead image shown above the text as a link preview (or None: no preview)."""

    text: str
    markup: str | None = None
    preview: str | None = None


@dataclass(frozen=True)
class Delivery:
    """One outbox row: one article version for one subscriber, with the message to send."""

    id: int
    chat_id: int
    slot: str
    article_id: str
    kind: DeliveryKind
    language: str
    state: DeliveryState
    attempts: int
    message: OutgoingMessage


@dataclass(frozen=True)
class Lease:
    """Who holds a lease (the ``outbox`` one: the process that sends), and until when."""

    name: str
    owner: str
    pid: int
    host: str
    expires_at: float


@dataclass(frozen=True)
class Acquired:
    """What :meth:`Store.acquire_lease` did: held (or not) and, when taken over, the rows put back."""

    held: bool
    holder: Lease | None
    recovered: int = 0


@dataclass(frozen=True)
class DeliveryStats:
    """Counts for /stats."""

    subscribers: int
    pending: int
    sending: int
    sent: int
    failed: int
    dropped: int
    resent_unknown: int = 0
    """Sends made again after an attempt whose outcome is unknown (its answer was lost, or the
    process stopped while it was in flight): each may have reached the subscriber twice."""


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

    def enqueue(self, slot: str, article_id: str, kind: DeliveryKind, messages: Mapping[str, OutgoingMessage]) -> int:
        """One pending delivery of ``article_id`` per current subscriber (never twice); returns rows added.

        ``messages`` (by language, at least one) is stored with the rows in the same transaction; a
        subscriber whose language has no message gets the first one.
        """
        ...

    def acquire_lease(self, name: str, owner: str, pid: int, host: str, ttl: float, now: float) -> Acquired:
        """Take or renew lease ``name`` for ``ttl`` seconds.

        Granted when free, expired, already ``owner``'s, or held by a process on ``host`` that no
        longer exists. Taking over the ``outbox`` lease puts every row left ``sending`` back to
        pending (counted as an unknown outcome).
        """
        ...

    def release_lease(self, name: str, owner: str) -> None:
        """Give lease ``name`` up (if ``owner`` holds it); its rows still ``sending`` go back to pending."""
        ...

    def claim_due(
        self, now: float, limit: int, owner: str, article_ids: Collection[str] | None = None
    ) -> list[Delivery]:
        """Mark up to ``limit`` due pending deliveries (of ``article_ids`` only, if given) as sending by
        ``owner``; nothing unless ``owner`` holds the ``outbox`` lease."""
        ...

    def missing_messages(self) -> list[tuple[str, DeliveryKind]]:
        """``(article_id, kind)`` of pending rows with no stored message (queued by an older version)."""
        ...

    def save_messages(self, article_id: str, kind: DeliveryKind, messages: Mapping[str, OutgoingMessage]) -> None:
        """Store the messages of one article version and kind (by language), keeping any already stored."""
        ...

    def delivery_counts(self, article_ids: Collection[str]) -> dict[str, int]:
        """Deliveries of ``article_ids`` by state."""
        ...

    def mark_sent(self, delivery_id: int, message_id: int) -> None:
        """Record a delivery Telegram accepted."""
        ...

    def mark_retry(
        self, delivery_id: int, at: float, error: str, *, count_attempt: bool = True, unknown: bool = False
    ) -> None:
        """Put a delivery back as pending until ``at``; ``unknown``: the attempt may have been delivered."""
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

    def stats(self) -> DeliveryStats:
        """Subscribers and deliveries by state."""
        ...

    def save_article(self, slot: str, article_id: str, article_json: str) -> None:
        """Keep an article version a delivery refers to (once per id), so any process can find it."""
        ...

    def article_json(self, article_id: str) -> str | None:
        """The JSON of a version kept by :meth:`save_article`; None when it was never kept."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...
