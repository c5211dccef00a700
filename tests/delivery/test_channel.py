from __future__ import annotations

from pathlib import Path

from telegram import Bot

from bot.article import Article
from bot.delivery.channel import channel_problems, publish, unpublish
from bot.render.channel import channel_posts
from bot.store.sqlite import SqliteStore
from tests.botapi.fake import FakeBotAPI

CHANNEL = "@news_channel"
CHANNEL_ID = -1001234567


def changed(article: Article) -> Article:
    """The same article after an editor corrected it (new content id)."""
    paragraphs = (*article.paragraphs[:-1], article.paragraphs[-1] + " (محدث)")
    summary = (article.summary[0].replace("الأربعاء", "يوم الأربعاء"), *article.summary[1:])
    return article.model_copy(update={"id": "0123456789ab", "paragraphs": paragraphs, "summary": summary})


async def test_publish_once_then_edit_in_place_then_unpublish(
    fake_api: FakeBotAPI, fake_bot: Bot, article: Article, tmp_path: Path
) -> None:
    fake_api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    store = SqliteStore(tmp_path / "db.sqlite3")
    for chat in (1, 2, 3):
        store.add_subscriber(chat, "ar")

    first = await publish(fake_bot, store, article, CHANNEL, "bundled")
    posts = fake_api.sent("sendMessage")
    assert first.action == "posted" and first.queued == 3
    assert len(posts) == len(first.message_ids) == len(channel_posts(article, "ar", fake_bot.username))
    assert article.title in posts[0].result["text"]
    keyboard = posts[0].params["reply_markup"]["inline_keyboard"]
    assert all(button["url"].startswith(f"https://t.me/{fake_bot.username}?start=") for button in keyboard[0])

    again = await publish(fake_bot, store, article, CHANNEL, "bundled")
    assert again.action == "unchanged" and again.queued == 0
    assert len(fake_api.sent("sendMessage")) == len(posts)  # nothing new in the channel

    updated = await publish(fake_bot, store, changed(article), CHANNEL, "bundled")
    assert updated.action == "edited" and updated.message_ids == first.message_ids and updated.queued == 3
    assert len(fake_api.sent("sendMessage")) == len(posts)
    edits = fake_api.sent("editMessageText")
    assert edits and "يوم الأربعاء" in edits[0].result["text"]
    assert store.stats().pending == 6  # the new version and the update, once per subscriber

    assert await unpublish(fake_bot, store, CHANNEL, "bundled") == len(first.message_ids)
    assert len(fake_api.sent("deleteMessage")) == len(first.message_ids)
    assert fake_api.chat_messages(CHANNEL_ID) == []
    assert await unpublish(fake_bot, store, CHANNEL, "bundled") == 0


async def test_channel_problems_say_what_is_missing(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    fake_api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=False)
    problems = await channel_problems(fake_bot, CHANNEL, "en")
    assert (problems and "not an administrator" in " ".join(problems)) or "cannot be reached" in " ".join(problems)
    fake_api.set_admin(CHANNEL_ID)
    assert await channel_problems(fake_bot, CHANNEL, "en") == []
    assert "cannot be reached" in " ".join(await channel_problems(fake_bot, "@no_such_channel", "en"))


def test_channel_posts_fit_and_hold_every_statement(article: Article) -> None:
    posts = channel_posts(article, "ar", "some_bot")
    text = "\n".join(p.text for p in posts)
    for statement in article.statements:
        assert statement.text.replace('"', "&quot;") in text
    assert "<blockquote expandable>" in text


async def test_the_channel_post_links_to_the_source_and_shows_the_image_through_edits(
    fake_api: FakeBotAPI, fake_bot: Bot, article: Article, tmp_path: Path
) -> None:
    fake_api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    store = SqliteStore(tmp_path / "db.sqlite3")
    linked = article.model_copy(
        update={"id": "a1b2c3d4e5f6", "url": "https://news.example.net/a/1", "image": "https://cdn.example.net/1.jpg"}
    )
    await publish(fake_bot, store, linked, CHANNEL, "feed-1")
    first = fake_api.sent("sendMessage")[0].params  # checked against the Bot API spec by the fake
    assert first["link_preview_options"] == {
        "url": "https://cdn.example.net/1.jpg",
        "prefer_large_media": True,
        "show_above_text": True,
    }
    assert ["https://news.example.net/a/1"] == [b["url"] for b in first["reply_markup"]["inline_keyboard"][-1]]
    await publish(fake_bot, store, changed(linked), CHANNEL, "feed-1")
    edit = fake_api.sent("editMessageText")[0].params
    assert edit["link_preview_options"]["url"] == "https://cdn.example.net/1.jpg"
