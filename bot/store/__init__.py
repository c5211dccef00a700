"""What must survive a restart: channel posts, subscribers, the delivery outbox, the feeds' entries
and the admins' corrections (:mod:`bot.store.feeds`, :mod:`bot.store.corrections`).

:class:`~bot.store.base.Store` is the interface; :class:`~bot.store.sqlite.SqliteStore` the default
implementation. A PostgreSQL store for a multi-instance deployment implements the same protocol.
"""

from bot.store.base import ChannelPosts, Delivery, DeliveryStats, Store
from bot.store.sqlite import SqliteStore

__all__ = ["ChannelPosts", "Delivery", "DeliveryStats", "SqliteStore", "Store"]
