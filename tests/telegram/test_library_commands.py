from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest_asyncio
from telegram.ext import CallbackContext

from bot.article import Article
from bot.articles.service import ArticleService
from bot.render.links import Link, to_callback
from bot.store.sqlite import SqliteStore
from bot.telegram.jobs import refresh_library
from tests.article.conftest import OTHER_OUTLET
from tests.botapi.fake import FakeBotAPI

from .conftest import ADMIN_ID, Driver, bot_driver, make_settings

BUNDLED = (Path(__file__).resolve().parents[2] / "bot" / "data" / "article.txt").read_text("utf-8")
USER = 7007
CHANNEL_ID = -1004444
BUNDLED_TITLE = "تعليق جديد من التحالف الدولي حول أحداث الحسكة"
OTHER_TITLE = "وزير الخارجية يحذر من «تصعيد خطير» في المنطقة"


@pytest_asyncio.fixture
async def library_driver(fake_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Driver]:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "hasakah.txt").write_text(BUNDLED, "utf-8")
    (folder / "damascus.txt").write_text(OTHER_OUTLET, "utf-8")
    (folder / "broken.txt").write_bytes(b"")
    fake_api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    settings = make_settings(
        fake_api,
        library_dir=folder,
        auto_publish=True,
        channel_id="@news_channel",
        db_path=tmp_path / "bot.sqlite3",
    )
    library = ArticleService(folder=folder)
    library.refresh_now()
    async with bot_driver(fake_api, settings, library) as driver:
        yield driver


def last(driver: Driver) -> dict[str, object]:
    result: dict[str, object] = driver.fake.last("sendMessage").result
    return result


def buttons(message: dict[str, object]) -> list[str]:
    markup = message.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_latest_list_and_open_an_older_article(library_driver: Driver) -> None:
    await library_driver.send("/latest", user_id=USER)
    assert OTHER_TITLE in str(last(library_driver)["text"])  # 2023 is newer than 2022
    await library_driver.send("/summary", user_id=USER)
    assert OTHER_TITLE in str(last(library_driver)["text"])
    await library_driver.send("/list", user_id=USER)
    listing = last(library_driver)
    assert buttons(listing) == [OTHER_TITLE, BUNDLED_TITLE]
    await library_driver.feed(library_driver.fake.press_button(USER, int(str(listing["message_id"])), BUNDLED_TITLE))
    opened = library_driver.fake.last("editMessageText").result
    assert BUNDLED_TITLE in opened["text"]
    await library_driver.feed(library_driver.fake.press_button(USER, opened["message_id"], "التصريحات"))
    assert "22 تصريحاً" in library_driver.fake.last("editMessageText").result["text"]
    await library_driver.send("/list 9", user_id=USER)
    assert "رقم الصفحة غير صحيح. في القائمة صفحة واحدة: أرسل /list 1." == str(last(library_driver)["text"])


async def test_search(library_driver: Driver) -> None:
    await library_driver.send("/search والحسكة", user_id=USER)
    assert buttons(last(library_driver)) == [BUNDLED_TITLE]
    await library_driver.send("/search المقداد", user_id=USER)
    assert buttons(last(library_driver)) == [OTHER_TITLE]
    await library_driver.send("/search كلمة لا توجد أبدا", user_id=USER)
    assert "لا توجد أخبار تطابق" in str(last(library_driver)["text"])
    await library_driver.send("/search", user_id=USER)
    assert "اكتب كلمات البحث" in str(last(library_driver)["text"])


async def test_new_file_is_picked_up_and_published_once(library_driver: Driver, tmp_path: Path) -> None:
    store = library_driver.app.bot_data.store
    assert isinstance(store, SqliteStore)
    library = library_driver.app.bot_data.articles
    assert library is not None and library.folder is not None
    await library_driver.send("/subscribe", user_id=USER)
    new_text = OTHER_OUTLET.replace("2023/05/14", "2024/06/01").replace("وزير الخارجية يحذر", "وزير الداخلية يحذر")
    (library.folder.folder / "new.txt").write_text(new_text, "utf-8")
    context = CallbackContext(library_driver.app)
    await refresh_library(context)  # seen once: news only when the next scan finds it unchanged
    assert not [p for p in library_driver.fake.chat_messages(CHANNEL_ID) if "وزير الداخلية يحذر" in p["text"]]
    await refresh_library(context)
    await refresh_library(context)  # nothing new the third time
    posts = library_driver.fake.chat_messages(CHANNEL_ID)
    assert len([p for p in posts if "وزير الداخلية يحذر" in p["text"]]) == 1
    assert store.stats().pending == 1
    await library_driver.send("/latest", user_id=USER)
    assert "وزير الداخلية يحذر" in str(last(library_driver)["text"])


async def test_stats_reports_broken_files_and_old_buttons_work(library_driver: Driver) -> None:
    await library_driver.send("/stats", user_id=ADMIN_ID)
    text = str(last(library_driver)["text"])
    assert "الأخبار: 2، ملفات معطوبة: 1" in text and "broken.txt" in text
    library = library_driver.app.bot_data.registry
    assert library is not None
    old = library.entries()[1].article
    data = to_callback(Link("full", old.id, "1"))
    await library_driver.feed(library_driver.fake.callback_query_update(data, 424242, user_id=USER))
    assert old.title in str(last(library_driver)["text"])


async def test_empty_library_answers_politely(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    settings = make_settings(fake_api, library_dir=folder, db_path=tmp_path / "bot.sqlite3")
    library = ArticleService(folder=folder)
    library.refresh_now()
    async with bot_driver(fake_api, settings, library) as driver:
        await driver.send("/summary", user_id=USER)
        assert "لا توجد أخبار بعد" in driver.texts()[-1]


async def test_quotes_across_the_library(library_driver: Driver) -> None:
    await library_driver.send("/quotes", user_id=USER)
    menu = last(library_driver)
    labels = buttons(menu)
    assert "في خبرين" in str(menu["text"])  # CLDR "two": not "2 أخبار"
    assert labels[0] == "التحالف الدولي (17)" and "منظمة الصحة العالمية (2)" in labels
    await library_driver.feed(
        library_driver.fake.press_button(USER, int(str(menu["message_id"])), "منظمة الصحة العالمية (2)")
    )
    page = library_driver.fake.last("editMessageText").result
    assert "عدد المصابين ارتفع" in page["text"] and OTHER_TITLE.replace("«", "«") in page["text"]
    await library_driver.feed(library_driver.fake.press_button(USER, page["message_id"], "كل المصادر"))
    assert "من قال ماذا" in library_driver.fake.last("editMessageText").result["text"]


async def test_the_folder_is_read_after_the_bot_starts_and_files_added_meanwhile_are_news_once(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "hasakah.txt").write_text(BUNDLED, "utf-8")
    settings = make_settings(fake_api, library_dir=folder, auto_publish=True, db_path=tmp_path / "bot.sqlite3")
    store = SqliteStore(settings.db_path)
    store.add_subscriber(USER, "ar")
    store.close()
    library = ArticleService(folder=folder)  # not read yet: the bot's first library job reads it
    async with bot_driver(fake_api, settings, library) as driver:
        assert library.registry.loading
        await driver.send("/summary", user_id=USER)
        assert "قيد التحضير" in driver.texts()[-1]  # asked to wait, not told there is no news
        await driver.app.bot_data.tasks["scan"]  # the first scan, which post_init starts at once
        jobs = driver.app.job_queue.get_jobs_by_name("library") if driver.app.job_queue else ()
        assert len(jobs) == 1  # and then the repeating scan
        assert not library.registry.loading and len(library.registry) == 1
        await driver.send("/summary", user_id=USER)
        assert driver.texts()[-1].startswith("ملخص الخبر")
        stored = driver.app.bot_data.store
        assert stored is not None and stored.stats().pending == 1  # added while the bot was down: news, once
        await refresh_library(CallbackContext(driver.app))
        assert stored.stats().pending == 1  # the store remembers it was published: not queued again
        assert library.registry.index_pending() == 0  # the job indexed it for search already


@pytest_asyncio.fixture
async def big_library(fake_api: FakeBotAPI, tmp_path: Path, article: Article) -> AsyncIterator[Driver]:
    """12 articles that all mention Hasakah, each quoting 3 sources of its own (36 sources in all)."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        statements = tuple(
            replace(article.statements[0], org=f"هيئة رقم {i}-{j}", org_id=None, speaker=f"متحدث {i}-{j}")
            for j in range(3)
        )
        variant = article.model_copy(update={"title": f"خبر الحسكة رقم {i}", "statements": statements})
        (folder / f"a{i:02}.json").write_text(variant.to_json(), "utf-8")
    settings = make_settings(fake_api, library_dir=folder, db_path=tmp_path / "bot.sqlite3")
    library = ArticleService(folder=folder)
    library.refresh_now()
    async with bot_driver(fake_api, settings, library) as driver:
        yield driver


async def test_search_pages_past_its_first_screen(big_library: Driver) -> None:
    await big_library.send("/search الحسكة", user_id=USER)
    first = last(big_library)
    assert "12 نتيجة، صفحة 1 من 2" in str(first["text"])
    assert len(buttons(first)) == 8 + 2 and buttons(first)[-2:] == ["1 من 2", "التالي"]
    await big_library.feed(big_library.fake.press_button(USER, int(str(first["message_id"])), "التالي"))
    second = big_library.fake.last("editMessageText").result
    assert "صفحة 2 من 2" in second["text"] and len(buttons(second)) == 4 + 2
    shown = {b for b in buttons(first) + buttons(second) if b.startswith("خبر الحسكة")}
    assert len(shown) == 12  # every result, on one page or the other


async def test_library_quotes_page_past_their_first_screen(big_library: Driver) -> None:
    await big_library.send("/quotes", user_id=USER)
    menu = last(big_library)
    assert "في 12 خبراً 36 تصريحاً" in str(menu["text"]) and "صفحة 1 من 2" in str(menu["text"])
    assert len(buttons(menu)) == 20 + 2
    await big_library.feed(big_library.fake.press_button(USER, int(str(menu["message_id"])), "التالي"))
    second = big_library.fake.last("editMessageText").result
    sources = [b for b in buttons(menu) + buttons(second) if b.startswith("هيئة رقم")]
    assert len(sources) == len(set(sources)) == 36


async def test_a_search_button_from_before_a_restart_is_stale(big_library: Driver) -> None:
    latest = big_library.app.bot_data.require()[0]
    data = to_callback(Link("search", latest.id, "deadbeef.2"))
    await big_library.feed(big_library.fake.callback_query_update(data, 1, USER))
    answer = big_library.fake.last("answerCallbackQuery").params
    assert answer.get("show_alert") is True


async def test_a_button_of_a_version_delivered_before_a_restart_still_opens_it(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    """The versions deliveries refer to are in the store: after a restart and a change of the file,
    the old message's button shows the version it was sent with, not an error."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "hasakah.txt").write_text(BUNDLED, "utf-8")
    settings = make_settings(fake_api, library_dir=folder, auto_publish=True, db_path=tmp_path / "bot.sqlite3")
    first = ArticleService(folder=folder)
    first.refresh_now()
    old = first.registry.entries()[0].article
    async with bot_driver(fake_api, settings, first):
        pass  # published (no channel: queued for the subscribers) at start-up
    (folder / "hasakah.txt").write_text(BUNDLED.replace("123 قتيلا", "130 قتيلا"), "utf-8")
    second = ArticleService(folder=folder)
    second.refresh_now()
    assert second.registry.latest() is not None and second.registry.latest() != old
    async with bot_driver(fake_api, settings, second) as driver:
        data = to_callback(Link("full", old.id, "1"))
        await driver.feed(driver.fake.callback_query_update(data, 424242, user_id=USER))
        shown = str(last(driver)["text"])
        assert "123 قتيلا" in shown and "130 قتيلا" not in shown
        unknown = to_callback(Link("full", "0123456789ab", "1"))  # never delivered: told it is gone
        await driver.feed(driver.fake.callback_query_update(unknown, 424243, user_id=USER))
        assert driver.fake.last("answerCallbackQuery").params.get("text")
