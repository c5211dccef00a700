"""Delivery: the channel post (exactly once, edited in place) and the subscriber outbox."""
