"""Every message the bot sends is HTML with link previews off: article text may hold a web address."""

from __future__ import annotations

import json

from tests.telegram.conftest import Driver

USER = 31337
NO_PREVIEW = {"is_disabled": True}


async def test_every_message_and_inline_result_is_html_without_a_preview(driver: Driver) -> None:
    for text in ("/start", "/summary", "/full", "/quotes", "/coalition", "/help", "/about", "/nosuch", "مرحبا"):
        await driver.send(text, user_id=USER)
    first_page = next(c for c in driver.fake.sent("sendMessage") if "صفحة 1 من" in c.result["text"])
    await driver.feed(driver.fake.press_button(USER, first_page.result["message_id"], "التالي"))
    await driver.feed(driver.fake.inline_query_update("التحالف", user_id=USER))
    messages = driver.fake.sent("sendMessage") + driver.fake.sent("editMessageText")
    assert len(messages) >= 10 and driver.fake.sent("editMessageText")
    for call in messages:
        assert call.params["parse_mode"] == "HTML", call.params
        assert call.params["link_preview_options"] == NO_PREVIEW, call.params
    (answer,) = driver.fake.sent("answerInlineQuery")
    results = answer.params["results"]
    results = json.loads(results) if isinstance(results, str) else results
    assert results
    for result in results:
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML" and content["link_preview_options"] == NO_PREVIEW
