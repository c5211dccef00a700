"""Fuzzed floods: any mix of chats sending any number of commands, through the bot's update processor.

Updates go through ``Application.update_queue`` as the updater hands them over (so through the
concurrent, per-chat processor and the flood gate), with the rate limiter off so an example takes
milliseconds. Whatever the mix: every request is one Telegram accepts, a group gets at most its
budget of answers and one notice, a private chat at most its budget and one notice, and each chat's
answers come in the order of its updates.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.article import Article
from bot.i18n import t
from bot.telegram.app import build_application
from bot.telegram.flood import GROUP_ANSWERS, PRIVATE_ANSWERS
from bot.telegram.jobs import post_init, post_shutdown
from tests.botapi import FakeBotAPI, InMemoryRequest
from tests.fuzz.conftest import make_settings

CHATS = {-1001: "supergroup", -1002: "group", 501: "private", 502: "private"}
COMMANDS = ("/summary", "/about", "/help", "/full 2", "/quotes")


async def flood(article: Article, tmp_path: Path, sent: list[tuple[int, str]]) -> FakeBotAPI:
    fake = FakeBotAPI()
    app = build_application(
        make_settings(fake, tmp_path),
        article,
        request=InMemoryRequest(fake),
        get_updates_request=InMemoryRequest(fake),
        rate_limiter=False,
    )
    async with app:
        await post_init(app)
        await app.start()
        try:
            for chat_id, command in sent:
                text = f"{command.split()[0]}@{fake.username} {command.partition(' ')[2]}".strip()
                if CHATS[chat_id] == "private":
                    text = command
                raw = fake.message_update(text, chat_id=chat_id, chat_type=CHATS[chat_id], user_id=abs(chat_id))
                await app.update_queue.put(Update.de_json(raw, app.bot))
            for _ in range(500):
                await asyncio.sleep(0.01)
                if app.update_queue.empty() and app.update_processor.current_concurrent_updates == 0:
                    break
        finally:
            await app.stop()
            await post_shutdown(app)
    return fake


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("flood")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(CHATS)), st.sampled_from(COMMANDS)), max_size=80))
@example([(-1001, "/summary")] * 30 + [(501, "/about"), (-1002, "/help")] * 35)  # both over their budgets
def test_any_flood_is_answered_with_at_most_a_budget_and_one_notice(
    article: Article, workspace: Path, sent: list[tuple[int, str]]
) -> None:
    folder = workspace / f"case{len(list(workspace.iterdir()))}"
    folder.mkdir()
    fake = asyncio.run(flood(article, folder, sent))
    assert fake.violations == []
    for chat_id, kind in CHATS.items():
        asked = [command for chat, command in sent if chat == chat_id]
        budget = PRIVATE_ANSWERS if kind == "private" else GROUP_ANSWERS
        texts = fake.sent_texts(chat_id)
        notices = [n for n, text in enumerate(texts) if text == t("ar", "slow_down")]
        assert len(texts) == min(len(asked), budget + 1)
        assert notices == ([budget] if len(asked) > budget else [])
        firsts = [text.split("\n", 1)[0] for text in texts[:budget]]  # the header of each answer, in order
        expected = [answer_header(article, command) for command in asked[:budget]]
        assert firsts == expected


def answer_header(article: Article, command: str) -> str:
    """The first line of the answer to ``command``, as the fake shows it."""
    from bot.render import views
    from bot.render.html import visible

    name = command.split()[0]
    view = {
        "/summary": lambda: views.summary(article, "ar"),
        "/about": lambda: views.about(article, "ar"),
        "/help": lambda: views.help_view(article, "ar", "arabic_news_test_bot"),
        "/full": lambda: views.full_page(article, "ar", 2) if views.page_count(article, "ar") >= 2 else None,
        "/quotes": lambda: views.quotes_menu(article, "ar"),
    }[name]()
    if view is None:
        return t("ar", "bad_page", m=views.page_count(article, "ar"))
    return visible(view.text).split("\n", 1)[0]
