"""Deep links through PTB's helper, and the payloads they carry."""

from __future__ import annotations

import pytest

from bot.render.links import Link, deep_link, from_payload, to_payload


def test_deep_links_are_ptbs_and_round_trip() -> None:
    link = Link("source", "4d8fb9d62956", "1.2")
    assert deep_link("news_bot", link) == "https://t.me/news_bot?start=4d8fb9d62956-s-1_2"
    assert from_payload(to_payload(link)) == link
    assert from_payload(to_payload(Link("quotes", "4d8fb9d62956", "all.3"))) == Link("quotes", "4d8fb9d62956", "all.3")


def test_a_payload_telegram_would_drop_is_refused() -> None:
    with pytest.raises(ValueError):
        deep_link("news_bot", Link("full", "x" * 70, "1"))
