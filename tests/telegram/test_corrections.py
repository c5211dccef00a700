"""Corrections from inside the bot: /correct, /uncorrect, /corrections and their pagers, in a running
bot over the fake Bot API, with a channel, a subscriber, a re-parse and a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram.ext import CallbackContext

from bot.article.corrections import Correction
from bot.articles.service import ArticleService
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from bot.telegram.jobs import refresh_library
from tests.botapi.fake import FakeBotAPI

from .conftest import ADMIN_ID, Driver, bot_driver, make_settings

BUNDLED = (Path(__file__).resolve().parents[2] / "bot" / "data" / "article.txt").read_text("utf-8")
CHANNEL_ID = -1005555
SUBSCRIBER = 7007
NEW_SPEAKER = "الناطق باسم التحالف الدولي"


def _settings(fake: FakeBotAPI, tmp_path: Path) -> Settings:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    fake.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    fake.add_chat(ADMIN_ID)
    return make_settings(
        fake, library_dir=folder, auto_publish=True, channel_id="@news_channel", db_path=tmp_path / "bot.sqlite3"
    )


def _with_article(fake: FakeBotAPI, tmp_path: Path) -> Settings:
    """The settings of :func:`_settings`, with the bundled article in the library as ``hasakah.txt``."""
    settings = _settings(fake, tmp_path)
    assert settings.library_dir is not None
    (settings.library_dir / "hasakah.txt").write_text(BUNDLED, "utf-8")
    return settings


def _service(settings: Settings) -> ArticleService:
    assert settings.library_dir is not None
    service = ArticleService(folder=settings.library_dir)
    service.refresh_now()
    return service


def _edits(fake: FakeBotAPI) -> list[str]:
    return [c.params["text"] for c in fake.sent("editMessageText") if c.params["chat_id"] in (CHANNEL_ID, "@news_channel")]


def _channel(fake: FakeBotAPI) -> list[int]:
    """The channel's messages by id (an edit keeps its id)."""
    return [int(m["message_id"]) for m in fake.chat_messages(CHANNEL_ID)]


def _first_speaker(driver: Driver) -> str:
    article = driver.app.bot_data.require()[0]
    return article.statements[0].speaker


async def _settled(driver: Driver) -> None:
    """Wait for the corrections' deliveries, which run in the background."""
    tasks = [task for name, task in driver.app.bot_data.tasks.items() if name.startswith("correction")]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=10)


def _pending(driver: Driver) -> int:
    store = driver.app.bot_data.store
    assert store is not None
    stats = store.stats()
    return stats.pending + stats.sending + stats.sent


async def test_a_correction_edits_the_channel_post_reaches_subscribers_and_survives_a_restart(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = _with_article(fake_api, tmp_path)
    store = SqliteStore(settings.db_path)
    store.add_subscriber(SUBSCRIBER, "ar")
    store.close()
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        posts = _channel(fake_api)
        assert posts and _pending(driver) == 1  # published at start-up, queued once for the subscriber
        parsed_id = driver.app.bot_data.require()[0].id

        await driver.send("/correct", user_id=ADMIN_ID)
        listing = fake_api.last("sendMessage").params
        assert "التصريح 1:" in listing["text"] and listing["reply_markup"]["inline_keyboard"]
        await driver.feed(fake_api.press_button(ADMIN_ID, fake_api.last("sendMessage").result["message_id"], "التالي"))
        assert "صفحة 2 من 2" in fake_api.last("editMessageText").params["text"]

        await driver.send(f"/correct ١ speaker {NEW_SPEAKER}", user_id=ADMIN_ID)  # an Arabic-keyboard number
        await _settled(driver)
        answer = driver.texts()[-1]
        assert NEW_SPEAKER in answer and "1" in answer
        assert _first_speaker(driver) == NEW_SPEAKER
        assert driver.app.bot_data.require()[0].id != parsed_id  # a new version
        assert _channel(fake_api) == posts  # nothing new posted: the post is edited in place
        assert _edits(fake_api)
        assert _pending(driver) == 2  # the subscriber gets the update
        data_old = fake_api.sent("editMessageText")

        await driver.send("/corrections", user_id=ADMIN_ID)
        assert "hasakah.txt" in driver.texts()[-1] and NEW_SPEAKER in driver.texts()[-1]
        await driver.send("/stats", user_id=ADMIN_ID)
        assert "التصحيحات: تصحيح واحد" in driver.texts()[-1]

        await driver.send("/correct outlet وكالة الأنباء المصححة", user_id=ADMIN_ID)

        await _settled(driver)
        assert driver.app.bot_data.require()[0].outlet == "وكالة الأنباء المصححة"
        assert _pending(driver) == 3 and len(fake_api.sent("editMessageText")) > len(data_old)
        assert "وكالة الأنباء المصححة" in _edits(fake_api)[-1]  # the channel post shows the corrected publisher

    # a restart: the corrections come back from the store; the same version, nothing posted or queued again
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        assert _first_speaker(driver) == NEW_SPEAKER
        assert driver.app.bot_data.require()[0].outlet == "وكالة الأنباء المصححة"
        edits_before = len(fake_api.sent("editMessageText"))
        await refresh_library(CallbackContext(driver.app))
        assert _channel(fake_api) == posts and len(fake_api.sent("editMessageText")) == edits_before
        assert _pending(driver) == 3

        # the file is edited: re-parsed, and corrected again
        assert settings.library_dir is not None
        (settings.library_dir / "hasakah.txt").write_text(BUNDLED.replace("123 قتيلا", "130 قتيلا"), "utf-8")
        for _ in range(2):  # news once stable
            await refresh_library(CallbackContext(driver.app))
        article = driver.app.bot_data.require()[0]
        assert "130 قتيلا" in " ".join(article.paragraphs) and article.statements[0].speaker == NEW_SPEAKER

        await driver.send("/uncorrect 1 speaker", user_id=ADMIN_ID)

        await _settled(driver)
        assert _first_speaker(driver) != NEW_SPEAKER
        await driver.send("/uncorrect 1 speaker", user_id=ADMIN_ID)  # twice: nothing left to take back
        await _settled(driver)
        assert "/corrections" in driver.texts()[-1]


async def test_hiding_a_statement_and_the_organisation(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    settings = _with_article(fake_api, tmp_path)
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        count = len(driver.app.bot_data.require()[0].statements)
        first = driver.app.bot_data.require()[0].statements[0]
        await driver.send("/correct 1 hide", user_id=ADMIN_ID)
        await _settled(driver)
        article = driver.app.bot_data.require()[0]
        assert len(article.statements) == count - 1 and first not in article.statements
        await driver.send("/correct", user_id=ADMIN_ID)
        assert "التصريح 1:" in fake_api.last("sendMessage").params["text"]  # still numbered, marked hidden
        await driver.send("/correct 1 show", user_id=ADMIN_ID)
        await _settled(driver)
        assert len(driver.app.bot_data.require()[0].statements) == count
        await driver.send("/correct 2 org none", user_id=ADMIN_ID)
        await _settled(driver)
        second = driver.app.bot_data.require()[0].statements[1]
        assert second.org is None and second.org_id is None
        await driver.send("/correct 2 org observatory", user_id=ADMIN_ID)
        await _settled(driver)
        assert driver.app.bot_data.require()[0].statements[1].org_id == "observatory"


async def test_mistakes_get_a_clear_answer_and_others_are_refused(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    settings = _with_article(fake_api, tmp_path)
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        before = driver.app.bot_data.require()[0].id
        await driver.send("/correct 999 speaker أحد", user_id=ADMIN_ID)
        await _settled(driver)
        assert "999" in driver.texts()[-1]
        await driver.send("/correct 1 org جهة لا وجود لها", user_id=ADMIN_ID)
        await _settled(driver)
        assert "coalition" in driver.texts()[-1]  # the known organisations are listed
        await driver.send("/correct date أمس", user_id=ADMIN_ID)
        await _settled(driver)
        assert "2022-01-21" in driver.texts()[-1]
        await driver.send("/correct 1 speaker", user_id=ADMIN_ID)
        await _settled(driver)
        await driver.send("/correct 1 colour red", user_id=ADMIN_ID)
        assert "colour" in driver.texts()[-1]
        await driver.send("/correct 1 speaker <b>x</b>", user_id=ADMIN_ID)  # escaped, never markup
        await _settled(driver)
        assert fake_api.last("sendMessage").ok
        await driver.send("/uncorrect 1 speaker", user_id=ADMIN_ID)
        await _settled(driver)
        await driver.send("/correct 1 speaker متطفل", user_id=SUBSCRIBER)
        assert str(SUBSCRIBER) in driver.texts()[-1]  # the refusal gives the user's id, for BOT_ADMIN_IDS
        assert driver.app.bot_data.require()[0].id == before
        store = driver.app.bot_data.store
        assert store is not None and store.stats() is not None
        await driver.feed(fake_api.callback_query_update(f"k|{before}|1", 1, user_id=SUBSCRIBER))
        assert fake_api.last("answerCallbackQuery").params.get("show_alert") is True


async def test_the_command_line_serves_the_corrected_article(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    """``python -m bot preview`` and ``publish`` read the same corrections the bot applies."""
    from bot.article.corrections import Correction, statement_keys
    from bot.cli import _articles

    settings = _with_article(fake_api, tmp_path)
    parsed = _service(settings).registry.entries()[0].article
    store = SqliteStore(settings.db_path)
    key = statement_keys(parsed)[0]
    store.add_correction(Correction(slot="hasakah.txt", target=key, field="speaker", value=NEW_SPEAKER, admin_id=1, at=1))
    store.close()
    served = _articles(settings).registry.entries()[0].article
    assert served.statements[0].speaker == NEW_SPEAKER and served.id != parsed.id


async def test_a_failed_edit_is_told_to_the_admin_and_done_at_the_next_refresh(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = _with_article(fake_api, tmp_path)
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        posts = _channel(fake_api)
        fake_api.fail_next("editMessageText", "500", count=5)
        await driver.send("/correct outlet وكالة مصححة", user_id=ADMIN_ID)
        await _settled(driver)
        told = [text for text in driver.texts() if "تعذر تحديث منشور القناة" in text]
        assert len(told) == 1 and "hasakah.txt" in driver.app.bot_data.corrected
        fake_api.clear_faults()
        await refresh_library(CallbackContext(driver.app))  # tried again, and done
        assert "وكالة مصححة" in _edits(fake_api)[-1] and _channel(fake_api) == posts
        assert not driver.app.bot_data.corrected
        edits = len(_edits(fake_api))
        await refresh_library(CallbackContext(driver.app))
        assert len(_edits(fake_api)) == edits  # once done, never again


async def test_a_correction_another_process_made_is_applied_and_published_at_the_next_refresh(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    """The store is the source of truth: a second bot instance (or an operator) adds a correction."""
    from bot.article.corrections import Correction

    settings = _with_article(fake_api, tmp_path)
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        other = SqliteStore(settings.db_path)
        other.add_correction(Correction(slot="hasakah.txt", field="outlet", value="من عملية أخرى", admin_id=1, at=5))
        other.close()
        await refresh_library(CallbackContext(driver.app))
        assert driver.app.bot_data.require()[0].outlet == "من عملية أخرى"
        assert "من عملية أخرى" in _edits(fake_api)[-1]
        other = SqliteStore(settings.db_path)
        assert other.remove_correction("hasakah.txt", "", "outlet")
        other.close()
        await refresh_library(CallbackContext(driver.app))
        assert driver.app.bot_data.require()[0].outlet != "من عملية أخرى"
        assert "من عملية أخرى" not in _edits(fake_api)[-1]


async def test_two_deliveries_at_once_post_a_slot_once(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    """A sweep, a correction and a review decision may run together: one of them posts, once."""
    from bot.articles.service import Changes
    from bot.render.channel import channel_posts
    from bot.telegram.jobs import hand_over

    settings = _settings(fake_api, tmp_path).model_copy(update={"auto_publish": False})
    assert settings.library_dir is not None
    (settings.library_dir / "hasakah.txt").write_text(BUNDLED, "utf-8")
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        assert _channel(fake_api) == []
        driver.app.bot_data.settings = settings.model_copy(update={"auto_publish": True})
        data = driver.app.bot_data
        await asyncio.gather(*(hand_over(driver.app.bot, data, Changes()) for _ in range(3)))
        one_set = channel_posts(data.require()[0], "ar", driver.app.bot.username)
        posts = len(_channel(fake_api))
        assert posts == len(one_set)  # one set of posts, not three
        await hand_over(driver.app.bot, data, Changes())
        assert len(_channel(fake_api)) == posts
        assert not data.slot_locks and not data.slot_users  # no lock kept for a slot nobody publishes


async def test_a_too_long_name_is_refused(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    settings = _with_article(fake_api, tmp_path)
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        before = driver.app.bot_data.require()[0].id
        await driver.send("/correct outlet " + "و" * 3000, user_id=ADMIN_ID)
        assert "3000" in driver.texts()[-1] and driver.app.bot_data.require()[0].id == before
        await driver.send("/summary", user_id=ADMIN_ID)
        assert fake_api.last("sendMessage").ok


async def test_a_correction_of_a_statement_gone_from_the_file_is_stale_listed_and_can_be_taken_back(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = _settings(fake_api, tmp_path)
    assert settings.library_dir is not None
    path = settings.library_dir / "hasakah.txt"
    path.write_text(BUNDLED, "utf-8")
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        first = driver.app.bot_data.require()[0].statements[0]
        await driver.send(f"/correct 1 speaker {NEW_SPEAKER}", user_id=ADMIN_ID)
        await _settled(driver)
        sentence = next(p for p in BUNDLED.split("\n") if first.text[:30] in p)
        path.write_text(BUNDLED.replace(sentence, "وتابع التقرير سرد تفاصيل أخرى عن الهجوم على السجن."), "utf-8")
        for _ in range(2):
            await refresh_library(CallbackContext(driver.app))
        article = driver.app.bot_data.require()[0]
        assert all(s.speaker != NEW_SPEAKER for s in article.statements)  # nothing to apply it to
        await driver.send("/corrections", user_id=ADMIN_ID)
        assert "تصحيح قديم" in driver.texts()[-1] and NEW_SPEAKER in driver.texts()[-1]
        await driver.send("/uncorrect stale", user_id=ADMIN_ID)
        assert driver.texts()[-1] == "التصحيحات القديمة المحذوفة: تصحيح واحد."
        await driver.send("/corrections", user_id=ADMIN_ID)
        assert driver.texts()[-1].startswith("لا تصحيحات بعد")


async def test_a_correction_whose_edit_a_stop_interrupted_is_finished_after_the_restart(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = _with_article(fake_api, tmp_path)
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        fake_api.fail_next("editMessageText", "500", count=50)
        await driver.send("/correct outlet وكالة بعد الإيقاف", user_id=ADMIN_ID)
        await _settled(driver)
    fake_api.clear_faults()
    manual = settings.model_copy(update={"auto_publish": False})  # no sweep: the corrections' own delivery
    async with bot_driver(fake_api, manual, _service(manual)) as driver:
        await refresh_library(CallbackContext(driver.app))
        assert "وكالة بعد الإيقاف" in _edits(fake_api)[-1]
        edits = len(_edits(fake_api))
        (manual.library_dir / "hasakah.txt").write_text(BUNDLED.replace("123 قتيلا", "130 قتيلا"), "utf-8")
        for _ in range(2):
            await refresh_library(CallbackContext(driver.app))
        assert len(_edits(fake_api)) == edits  # a change of the text is not the corrections' to publish


async def test_a_correction_made_while_the_store_is_read_again_is_not_undone(
    fake_api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's corrections are read before every refresh; one made meanwhile must survive it."""
    import time as clock

    from bot.telegram.jobs import sync_corrections

    settings = _with_article(fake_api, tmp_path)
    async with bot_driver(fake_api, settings, _service(settings)) as driver:
        store = driver.app.bot_data.store
        assert isinstance(store, SqliteStore)
        read = store.all_corrections

        def slow_read(limit: int) -> list[Correction]:
            found = read(limit)  # what the store holds now, handed back a moment later
            clock.sleep(0.3)
            return found

        monkeypatch.setattr(store, "all_corrections", slow_read)
        rereading = asyncio.ensure_future(sync_corrections(driver.app.bot_data))
        await asyncio.sleep(0.05)
        await driver.send(f"/correct 1 speaker {NEW_SPEAKER}", user_id=ADMIN_ID)
        await rereading
        await _settled(driver)
        assert _first_speaker(driver) == NEW_SPEAKER
        assert [c.value for c in driver.app.bot_data.corrections.of("hasakah.txt")] == [NEW_SPEAKER]
