from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.article import Article
from bot.render import views
from bot.render.html import visible
from bot.render.links import Link, to_callback, to_payload
from tests.botapi.fake import FakeBotAPI

from .conftest import Driver, bot_driver, make_settings

USER = 1001


def last_message(fake: FakeBotAPI) -> dict[str, Any]:
    result: dict[str, Any] = fake.last("sendMessage").result
    return result


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


async def test_commands_menu_in_arabic_and_english(driver: Driver) -> None:
    calls = driver.fake.sent("setMyCommands")
    assert len(calls) == 2
    arabic = [c["command"] for c in calls[0].params["commands"]]
    assert arabic[:4] == ["start", "summary", "full", "quotes"]
    assert {"coalition", "observatory"} <= set(arabic)
    assert calls[1].params["language_code"] == "en"


async def test_start_shows_title_date_outlet_and_buttons(driver: Driver, article: Article) -> None:
    await driver.send("/start", user_id=USER)
    message = last_message(driver.fake)
    assert article.title in message["text"]
    assert "26 كانون الثاني 2022" in message["text"] and "ناس" in message["text"]
    assert buttons(message) == ["الملخص", "النص الكامل", "التصريحات"]


async def test_summary_has_title_date_and_source_line(driver: Driver, article: Article) -> None:
    await driver.send("/summary", user_id=USER)
    text = last_message(driver.fake)["text"]
    assert text.startswith("ملخص الخبر")
    for sentence in article.summary:
        assert sentence in text
    assert "RT" in text


async def test_full_pages_and_buttons_edit_in_place(driver: Driver, article: Article) -> None:
    total = views.page_count(article, "ar")
    assert total >= 2
    await driver.send("/full", user_id=USER)
    first = last_message(driver.fake)
    assert "صفحة 1 من" in first["text"]
    assert buttons(first) == [f"1 من {total}", "التالي"]
    await driver.feed(driver.fake.press_button(USER, first["message_id"], "التالي"))
    edited = driver.fake.last("editMessageText").result
    assert edited["message_id"] == first["message_id"]
    assert f"صفحة 2 من {total}" in edited["text"]
    assert driver.fake.sent("answerCallbackQuery")
    # all paragraphs are shown across the pages, in order
    shown = first["text"] + edited["text"]
    positions = [shown.find(p[:40]) for p in article.paragraphs]
    assert -1 not in positions and positions == sorted(positions)


async def test_full_with_page_number_and_bad_numbers(driver: Driver, article: Article) -> None:
    total = views.page_count(article, "ar")
    await driver.send(f"/full {total}", user_id=USER)
    assert f"صفحة {total} من {total}" in last_message(driver.fake)["text"]
    await driver.send("/full 99", user_id=USER)
    assert "رقم الصفحة غير صحيح" in last_message(driver.fake)["text"]
    await driver.send("/full abc", user_id=USER)
    assert "يجب أن يكون رقم الصفحة عدداً" in last_message(driver.fake)["text"]
    await driver.send("/full -1", user_id=USER)
    assert "عدداً" in last_message(driver.fake)["text"]


async def test_full_takes_arabic_indic_and_persian_digits(driver: Driver) -> None:
    await driver.send("/full ٢", user_id=USER)
    assert "صفحة 2 من" in last_message(driver.fake)["text"]
    await driver.send("/full ۱", user_id=USER)
    assert "صفحة 1 من" in last_message(driver.fake)["text"]
    await driver.send("/full ²", user_id=USER)
    assert "عدداً" in last_message(driver.fake)["text"]


async def test_a_page_out_of_range_counts_the_pages_in_words(driver: Driver, article: Article) -> None:
    total = views.page_count(article, "ar")
    await driver.send("/full ٩٩", user_id=USER)
    text = last_message(driver.fake)["text"]
    assert "صفحتان" in text if total == 2 else f"{total} صفحات" in text


async def test_quotes_menu_then_source_then_back(driver: Driver) -> None:
    await driver.send("/quotes", user_id=USER)
    menu = last_message(driver.fake)
    assert buttons(menu) == ["التحالف الدولي (17)", "المرصد السوري لحقوق الإنسان (5)"]
    await driver.feed(driver.fake.press_button(USER, menu["message_id"], "المرصد السوري لحقوق الإنسان (5)"))
    page = driver.fake.last("editMessageText").result
    assert "المرصد السوري لحقوق الإنسان" in page["text"] and "كلام منقول" in page["text"]
    await driver.feed(driver.fake.press_button(USER, menu["message_id"], "كل المصادر"))
    assert "التصريحات حسب المصدر" in driver.fake.last("editMessageText").result["text"]


async def test_organisation_shortcuts(driver: Driver) -> None:
    await driver.send("/coalition", user_id=USER)
    text = last_message(driver.fake)["text"]
    assert text.startswith("التحالف الدولي") and "اللواء جون برينان" in text
    await driver.send("/observatory", user_id=USER)
    assert "عدد التصريحات: 5" in last_message(driver.fake)["text"]


async def test_long_source_is_paged(driver: Driver) -> None:
    await driver.send("/coalition", user_id=USER)
    first = last_message(driver.fake)
    assert "التالي" in buttons(first)
    await driver.feed(driver.fake.press_button(USER, first["message_id"], "التالي"))
    assert "صفحة 2 من" in driver.fake.last("editMessageText").result["text"]


async def test_help_about_and_language_switch(driver: Driver) -> None:
    await driver.send("/help", user_id=USER)
    help_text = last_message(driver.fake)["text"]
    assert "/coalition" in help_text and "/observatory" in help_text
    await driver.send("/about", user_id=USER)
    assert "نقلاً عن: RT" in last_message(driver.fake)["text"]
    await driver.send("/lang", user_id=USER)
    assert last_message(driver.fake)["text"] == "English selected."
    await driver.send("/summary", user_id=USER)
    assert last_message(driver.fake)["text"].startswith("Summary")
    await driver.send("/lang", user_id=USER)
    assert "العربية" in last_message(driver.fake)["text"]


async def test_english_client_gets_english(driver: Driver) -> None:
    await driver.send("/start", user_id=2002, language_code="en-GB")
    assert last_message(driver.fake)["text"].startswith("Welcome")
    await driver.send("/start", user_id=2003, language_code=None)
    assert last_message(driver.fake)["text"].startswith("أهلاً")


async def test_deep_links(driver: Driver, article: Article) -> None:
    await driver.send(f"/start {to_payload(Link('full', article.id, '2'))}", user_id=USER)
    assert "صفحة 2 من" in last_message(driver.fake)["text"]
    await driver.send(f"/start {to_payload(Link('source', article.id, 'observatory'))}", user_id=USER)
    assert "عدد التصريحات: 5" in last_message(driver.fake)["text"]
    await driver.send(f"/start {to_payload(Link('statement', article.id, '0'))}", user_id=USER)
    assert article.statements[0].text in last_message(driver.fake)["text"]
    await driver.send("/start garbage-link", user_id=USER)
    texts = driver.texts()
    assert "الرابط غير صالح" in texts[-2] and article.title in texts[-1]
    await driver.send(f"/start {to_payload(Link('full', 'oldversion00', '1'))}", user_id=USER)
    assert "الرابط غير صالح" in driver.texts()[-2]


async def test_stale_and_foreign_buttons(driver: Driver) -> None:
    await driver.send("/full", user_id=USER)
    message = last_message(driver.fake)
    for data in (to_callback(Link("full", "0ldarticle12", "2")), "evil|data|x", "p|" + "x" * 20 + "|999"):
        await driver.feed(driver.fake.callback_query_update(data, message["message_id"], user_id=USER))
        answer = driver.fake.last("answerCallbackQuery").params
        assert answer.get("show_alert") is True and "نسخة أقدم" in answer["text"]
    edits = driver.fake.sent("editMessageText")
    assert edits == []


async def test_button_on_a_message_the_bot_cannot_see(driver: Driver, article: Article) -> None:
    data = to_callback(Link("full", article.id, "2"))
    await driver.feed(driver.fake.callback_query_update(data, 999_999, user_id=USER))
    assert "صفحة 2 من" in last_message(driver.fake)["text"]


async def test_unknown_input(driver: Driver) -> None:
    await driver.send("/nonsense", user_id=USER)
    assert "غير معروف" in last_message(driver.fake)["text"]
    await driver.send("مرحبا", user_id=USER)
    assert "/help" in last_message(driver.fake)["text"]
    await driver.send("ا" * 10_000, user_id=USER)
    assert "/help" in last_message(driver.fake)["text"]


async def test_stickers_photos_edits_and_updates_without_user(driver: Driver) -> None:
    fake = driver.fake
    sticker = fake.message_update("x", user_id=USER)
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await driver.feed(sticker)
    assert "/help" in last_message(fake)["text"]
    photo = fake.message_update("x", user_id=USER)
    del photo["message"]["text"]
    photo["message"]["photo"] = [{"file_id": "p1", "file_unique_id": "q1", "width": 10, "height": 10}]
    await driver.feed(photo)
    before = len(fake.sent())
    original = fake.message_update("/summary", user_id=USER)
    await driver.feed(original)
    await driver.feed(fake.edited_message_update("/summary", original["message"]["message_id"], user_id=USER))
    assert len(fake.sent()) == before + 1  # the edit is not answered a second time
    await driver.feed(fake.message_update("خبر جديد", chat_type="channel", chat_id=-1001))
    await driver.feed({"update_id": 10**6})
    assert len(fake.sent()) == before + 1


async def test_groups_answer_only_commands(driver: Driver) -> None:
    group = -500
    await driver.send("مرحبا", chat_type="supergroup", chat_id=group, user_id=USER)
    await driver.send("/nonsense", chat_type="supergroup", chat_id=group, user_id=USER)
    await driver.send("/summary@other_bot", chat_type="supergroup", chat_id=group, user_id=USER)
    assert driver.fake.sent_texts(group) == []
    await driver.send(f"/summary@{driver.fake.username}", chat_type="supergroup", chat_id=group, user_id=USER)
    await driver.send(f"/nonsense@{driver.fake.username}", chat_type="supergroup", chat_id=group, user_id=USER)
    texts = driver.fake.sent_texts(group)
    assert len(texts) == 2 and texts[0].startswith("ملخص الخبر") and "غير معروف" in texts[1]


async def test_inline_query_offers_summary_and_statements(driver: Driver, article: Article) -> None:
    ids: list[str] = []
    offset = ""
    for _ in range(10):  # scroll until Telegram has every page
        await driver.feed(driver.fake.inline_query_update("", user_id=USER, offset=offset))
        answer = driver.fake.last("answerInlineQuery").params
        assert 1 <= len(answer["results"]) <= 10
        ids += [r["id"] for r in answer["results"]]
        offset = answer.get("next_offset", "")
        if not offset:
            break
    assert len(ids) == len(set(ids)) == min(50, 1 + len(article.statements))
    assert ids[0].startswith("sum-")
    await driver.feed(driver.fake.inline_query_update("برينان", user_id=USER))
    results = driver.fake.last("answerInlineQuery").params["results"]
    assert results and all(r["title"] == "اللواء جون برينان" for r in results)
    await driver.feed(driver.fake.inline_query_update("المرصد", user_id=USER))
    answer = driver.fake.last("answerInlineQuery").params
    results = answer["results"]
    assert len(results) == 5 and not answer.get("next_offset")
    message = results[0]["input_message_content"]["message_text"]
    assert "<blockquote>" in message and article.title in message
    await driver.feed(driver.fake.inline_query_update("لا يوجد شيء كهذا", user_id=USER))
    assert driver.fake.last("answerInlineQuery").params["results"] == []


async def test_telegram_errors_do_not_kill_the_bot(driver: Driver) -> None:
    fake = driver.fake
    for kind in ("500", "403", "400_chat_not_found", "timeout"):
        fake.fail_next("sendMessage", kind)
        await driver.send("/summary", user_id=USER)
    await driver.send("/summary", user_id=USER)
    assert last_message(fake)["text"].startswith("ملخص الخبر")


async def test_a_language_choice_survives_a_restart(fake_api: FakeBotAPI, article: Article, tmp_path: Path) -> None:
    settings = make_settings(fake_api, db_path=tmp_path / "bot.sqlite3")
    async with bot_driver(fake_api, settings, article) as first:
        await first.send("/lang", user_id=USER)  # Arabic by default: now English
        assert first.texts()[-1] == views.plain("en", "lang_set").text
    async with bot_driver(fake_api, settings, article) as restarted:
        await restarted.send("/summary", user_id=USER)
        assert restarted.texts()[-1] == visible(views.summary(article, "en").text)
        await restarted.send("/summary", user_id=USER + 1)  # someone else keeps the default
        assert restarted.texts()[-1] == visible(views.summary(article, "ar").text)


async def test_id_tells_users_their_id(driver: Driver) -> None:
    await driver.send("/id", user_id=USER)
    assert last_message(driver.fake)["text"] == f"رقمك على تيليغرام: {USER}"
    await driver.send("/id", user_id=USER, chat_type="supergroup", chat_id=-77)
    assert driver.texts()[-1] == f"رقمك على تيليغرام: {USER}\nرقم هذه المحادثة: -77"
