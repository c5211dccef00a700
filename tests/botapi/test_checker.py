"""Tests of the request checker (spec.py) and Telegram's HTML rules (html_rules.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.botapi.html_rules import check_html, parse_html, visible_text
from tests.botapi.spec import check_request, decode_params, find_problems, load_spec


def _keyboard(*buttons: dict[str, Any]) -> str:
    """An inline keyboard as PTB puts it on the wire (JSON string)."""
    return json.dumps({"inline_keyboard": [list(buttons)]})


def _article(result_id: str, text: str = "نص", **content: Any) -> dict[str, Any]:
    return {
        "type": "article",
        "id": result_id,
        "title": "عنوان",
        "input_message_content": {"message_text": text, **content},
    }


# ---------------------------------------------------------------- spec loading and structure


def test_spec_is_bot_api_10_and_cached() -> None:
    spec = load_spec()
    assert spec.version == "Bot API 10.0"
    assert spec is load_spec()
    assert spec.method("sendmessage") is spec.methods["sendMessage"]
    assert spec.methods["sendMessage"].fields["text"].required


def test_valid_send_message_has_no_problems() -> None:
    params = {
        "chat_id": "1001",
        "text": "<b>مرحبا</b> بكم &amp; أهلا",
        "parse_mode": "HTML",
        "reply_markup": _keyboard({"text": "التالي", "callback_data": "page:2"}),
        "link_preview_options": json.dumps({"is_disabled": True}),
        "reply_parameters": json.dumps({"message_id": 5, "allow_sending_without_reply": True}),
    }
    assert check_request("sendMessage", params) == []


def test_unknown_method_is_rejected_with_404() -> None:
    problems = find_problems("sendMesage", {"chat_id": 1, "text": "x"})
    assert [p.status for p in problems] == [404]
    assert "unknown Bot API method" in check_request("sendMesage", {})[0]


def test_unknown_field_is_rejected() -> None:
    assert check_request("sendMessage", {"chat_id": 1, "text": "x", "colour": "red"}) == [
        "sendMessage: colour: unknown field for sendMessage"
    ]


def test_missing_required_fields_are_rejected() -> None:
    problems = check_request("sendMessage", {"text": "x"})
    assert problems == ["sendMessage: chat_id: missing required field of sendMessage"]
    assert find_problems("sendMessage", {"chat_id": 1})[0].description == "Bad Request: message text is empty"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("chat_id", [1], "expected Integer or String"),
        ("disable_notification", "maybe", "expected Boolean"),
        ("message_thread_id", "1.5", "expected Integer"),
        (
            "reply_parameters",
            json.dumps({"message_id": "five"}),
            "reply_parameters.message_id: expected Integer",
        ),
        ("link_preview_options", json.dumps({"is_disabled": True, "size": 3}), "link_preview_options.size"),
    ],
)
def test_type_errors_are_rejected(field: str, value: Any, expected: str) -> None:
    problems = check_request("sendMessage", {"chat_id": 1, "text": "x", field: value})
    assert len(problems) == 1
    assert expected in problems[0]


def test_decode_params_follows_field_types() -> None:
    decoded = decode_params(
        "sendMessage",
        {"chat_id": "-1001", "text": "123", "disable_notification": "true", "reply_markup": _keyboard()},
    )
    assert decoded == {
        "chat_id": -1001,
        "text": "123",
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": [[]]},
    }
    assert decode_params("sendMessage", {"chat_id": "@channel"})["chat_id"] == "@channel"


def test_empty_strings_stay_empty_strings() -> None:
    """Telegram accepts ``next_offset=""`` (no further page); "" is never decoded into anything else."""
    params = {"inline_query_id": "q", "results": "[]", "next_offset": ""}
    assert decode_params("answerInlineQuery", params)["next_offset"] == ""
    assert check_request("answerInlineQuery", params) == []
    assert decode_params("sendMessage", {"chat_id": "", "not_in_spec": ""}) == {"chat_id": "", "not_in_spec": ""}


# ---------------------------------------------------------------- text limits


def test_text_of_4096_visible_characters_is_accepted_even_when_markup_makes_it_longer() -> None:
    text = "<b>" + "ب" * 4000 + "</b>" + "&amp;" * 96
    assert len(text) > 4096
    assert len(visible_text(text)) == 4096
    assert check_request("sendMessage", {"chat_id": 1, "text": text, "parse_mode": "HTML"}) == []


def test_text_over_4096_visible_characters_is_rejected() -> None:
    problems = find_problems("sendMessage", {"chat_id": 1, "text": "<i>" + "x" * 4097 + "</i>", "parse_mode": "HTML"})
    assert [p.description for p in problems] == ["Bad Request: message is too long"]
    assert find_problems("sendMessage", {"chat_id": 1, "text": "x" * 4097})[0].message.startswith("4097")


def test_text_empty_after_parsing_is_rejected() -> None:
    problems = find_problems("sendMessage", {"chat_id": 1, "text": "<b> </b>", "parse_mode": "HTML"})
    assert [p.description for p in problems] == ["Bad Request: message text is empty"]


def test_edit_message_text_has_the_same_limits() -> None:
    params = {"chat_id": 1, "message_id": 2, "text": "y" * 4097}
    assert check_request("editMessageText", params)[0].endswith("limit is 4096")


def test_edits_need_a_message_identifier() -> None:
    assert check_request("editMessageText", {"inline_message_id": "abc", "text": "x"}) == []
    problems = find_problems("editMessageReplyMarkup", {"chat_id": 1})
    assert [p.description for p in problems] == ["Bad Request: message identifier is not specified"]


def test_caption_limit_is_1024() -> None:
    ok = {"chat_id": 1, "photo": "file-id", "caption": "<b>" + "c" * 1024 + "</b>", "parse_mode": "HTML"}
    assert check_request("sendPhoto", ok) == []
    too_long = ok | {"caption": "c" * 1025}
    assert find_problems("sendPhoto", too_long)[0].description == "Bad Request: message caption is too long"


def test_callback_answer_text_limit_is_200() -> None:
    assert check_request("answerCallbackQuery", {"callback_query_id": "1", "text": "ن" * 200}) == []
    problems = check_request("answerCallbackQuery", {"callback_query_id": "1", "text": "ن" * 201})
    assert problems == ["answerCallbackQuery: text: 201 characters, limit is 200"]


def test_html_problems_are_reported_with_cant_parse_entities() -> None:
    problems = find_problems("sendMessage", {"chat_id": 1, "text": "<b>x", "parse_mode": "HTML"})
    assert [p.description for p in problems] == [
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    ]


def test_html_is_not_checked_without_parse_mode() -> None:
    assert check_request("sendMessage", {"chat_id": 1, "text": "a < b & <c>"}) == []


def test_unknown_parse_mode_is_rejected() -> None:
    assert "unsupported parse mode" in check_request("sendMessage", {"chat_id": 1, "text": "x", "parse_mode": "XML"})[0]


# ---------------------------------------------------------------- keyboards


def test_callback_data_over_64_bytes_is_rejected() -> None:
    exactly_64 = "ع" * 32  # 2 bytes each in UTF-8
    assert (
        check_request(
            "sendMessage",
            {
                "chat_id": 1,
                "text": "x",
                "reply_markup": _keyboard({"text": "ok", "callback_data": exactly_64}),
            },
        )
        == []
    )
    problems = find_problems(
        "sendMessage",
        {
            "chat_id": 1,
            "text": "x",
            "reply_markup": _keyboard({"text": "bad", "callback_data": exactly_64 + "x"}),
        },
    )
    assert [(p.path, p.description) for p in problems] == [
        ("reply_markup.inline_keyboard[0][0].callback_data", "Bad Request: BUTTON_DATA_INVALID")
    ]


def test_empty_callback_data_is_rejected() -> None:
    markup = _keyboard({"text": "bad", "callback_data": ""})
    assert "must be 1-64" in check_request("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup})[0]


def test_url_buttons_need_an_http_or_tg_url_and_one_action() -> None:
    markup = _keyboard(
        {"text": "site", "url": "https://example.com/a"},
        {"text": "bad", "url": "example.com"},
        {"text": "nothing"},
        {"text": "two", "url": "https://x.org", "callback_data": "x"},
    )
    problems = check_request("editMessageReplyMarkup", {"chat_id": 1, "message_id": 1, "reply_markup": markup})
    assert len(problems) == 3
    assert "[0][1].url" in problems[0]
    assert "got none" in problems[1]
    assert "['callback_data', 'url']" in problems[2]


def test_reply_keyboard_is_not_mistaken_for_an_inline_keyboard() -> None:
    markup = json.dumps({"keyboard": [[{"text": "نعم"}]], "resize_keyboard": True})
    assert check_request("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup}) == []


def test_deep_link_payloads_are_checked_everywhere() -> None:
    good = '<a href="https://t.me/arabic_news_test_bot?start=article_42-ar">افتح</a>'
    assert check_request("sendMessage", {"chat_id": 1, "text": good, "parse_mode": "HTML"}) == []
    markup = _keyboard({"text": "go", "url": "https://t.me/arabic_news_test_bot?start=" + "a" * 65})
    problems = check_request("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup})
    assert len(problems) == 1
    assert "deep-link payload" in problems[0]
    bad_chars = "see t.me/arabic_news_test_bot?start=مقال"
    assert "deep-link payload" in check_request("sendMessage", {"chat_id": 1, "text": bad_chars})[0]


# ---------------------------------------------------------------- inline mode and commands


def test_answer_inline_query_accepts_50_results() -> None:
    results = json.dumps([_article(str(i)) for i in range(50)])
    assert check_request("answerInlineQuery", {"inline_query_id": "7", "results": results}) == []


def test_answer_inline_query_rejects_51_results() -> None:
    results = json.dumps([_article(str(i)) for i in range(51)])
    problems = find_problems("answerInlineQuery", {"inline_query_id": "7", "results": results})
    assert [p.description for p in problems] == ["Bad Request: RESULTS_TOO_MUCH"]


def test_inline_result_ids_must_be_1_to_64_bytes_and_unique() -> None:
    results = json.dumps([_article(""), _article("x" * 65), _article("a"), _article("a")])
    descriptions = [
        p.description for p in find_problems("answerInlineQuery", {"inline_query_id": "1", "results": results})
    ]
    assert descriptions == ["Bad Request: RESULT_ID_INVALID"] * 2 + ["Bad Request: RESULT_ID_DUPLICATE"]


def test_input_text_message_content_is_checked_like_a_message() -> None:
    results = json.dumps(
        [
            _article("1", "<b>x", parse_mode="HTML"),
            _article("2", "y" * 4097),
            _article("3", "<b>ok</b>", parse_mode="HTML", link_preview_options={"is_disabled": True}),
            {"type": "article", "id": "4", "title": "t", "input_message_content": {"message_txt": "z"}},
        ]
    )
    problems = check_request("answerInlineQuery", {"inline_query_id": "1", "results": results})
    assert len(problems) == 4, problems
    assert any("results[0].input_message_content.message_text: bad HTML" in p for p in problems)
    assert any("results[1].input_message_content.message_text: 4097 characters" in p for p in problems)
    assert any("results[3].input_message_content.message_txt" in p for p in problems)
    assert not any("results[2]" in p for p in problems)


def test_inline_result_type_must_be_known() -> None:
    results = json.dumps([{"type": "articel", "id": "1", "title": "t"}])
    assert (
        "unknown InlineQueryResult type 'articel'"
        in check_request("answerInlineQuery", {"inline_query_id": "1", "results": results})[0]
    )


def test_set_my_commands_rules() -> None:
    ok = [{"command": "start", "description": "ابدأ"}, {"command": "help_2", "description": "مساعدة"}]
    scope = json.dumps({"type": "chat", "chat_id": -100123})
    assert check_request("setMyCommands", {"commands": json.dumps(ok), "scope": scope, "language_code": "ar"}) == []
    bad = [{"command": "Start", "description": "x"}, {"command": "a" * 33, "description": ""}]
    problems = check_request("setMyCommands", {"commands": json.dumps(bad)})
    assert len(problems) == 3
    assert all("commands[" in p for p in problems)
    too_many = [{"command": f"c{i}", "description": "d"} for i in range(101)]
    assert "101 commands" in check_request("setMyCommands", {"commands": json.dumps(too_many)})[0]
    assert "0 commands" in check_request("setMyCommands", {"commands": "[]"})[0]


def test_set_webhook_needs_https_and_telegrams_secret_characters() -> None:
    assert check_request("setWebhook", {"url": "https://news.example.org/telegram", "secret_token": "a-Z_9" * 51}) == []
    assert check_request("setWebhook", {"url": ""}) == []  # removes the webhook
    assert "HTTPS" in " ".join(check_request("setWebhook", {"url": "http://news.example.org/telegram"}))
    for secret in ("with space", "x" * 257, "ünï", ""):
        problems = check_request("setWebhook", {"url": "https://a.example/t", "secret_token": secret})
        assert len(problems) == 1 and "secret_token" in problems[0], secret
        assert secret not in problems[0] or not secret


@pytest.mark.parametrize(
    ("scope", "ok"),
    [
        ({"type": "default"}, True),
        ({"type": "all_private_chats"}, True),
        ({"type": "chat_member", "chat_id": 1, "user_id": 2}, True),
        ({"type": "chat_member", "chat_id": 1}, False),
        ({"type": "chat"}, False),
        ({"type": "everyone"}, False),
    ],
)
def test_bot_command_scopes(scope: dict[str, Any], ok: bool) -> None:
    problems = check_request("deleteMyCommands", {"scope": json.dumps(scope)})
    assert (problems == []) is ok, problems


# ---------------------------------------------------------------- HTML rules


@pytest.mark.parametrize(
    "text",
    [
        "plain text > with a bare greater-than",
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>",
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
        '<b>bold <i>italic bold <s>x <span class="tg-spoiler">y</span></s> <u>z</u></i> bold</b>',
        '<a href="http://www.example.com/">inline URL</a> <a href="tg://user?id=123456789">m</a>',
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        '<tg-time unix="1647531900" format="wDT">22:45</tg-time> <tg-time unix="1647531900">x</tg-time>',
        "<code>inline</code> <pre>block</pre>",
        '<pre><code class="language-python">print("x")</code></pre>',
        "<blockquote>quote\nline</blockquote><blockquote expandable>hidden</blockquote>",
        "<blockquote><b>bold</b> and <a href='https://x.org'>link</a> in a quote</blockquote>",
        "&lt;tag&gt; &amp; &quot;q&quot; &#1575;&#x644;",
        "<B>upper-case tags</B>",
    ],
)
def test_valid_html_is_accepted(text: str) -> None:
    assert check_html(text) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", 'Unexpected end tag "</b>"'),
        ("<br>", 'Unsupported start tag "br"'),
        ("<p>para</p>", 'Unsupported start tag "p"'),
        ("<b/>", "Self-closing"),
        ("<blockquote>a<blockquote>b</blockquote></blockquote>", "Blockquotes can't be nested"),
        ("1 < 2", "Unexpected '<'"),
        ("a &nbsp; b", 'Unsupported HTML entity "&nbsp;"'),
        ("Tom & Jerry", "Character '&'"),
        ("&#0;", "Invalid numeric HTML entity"),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ("<a>x</a>", 'must have a non-empty "href"'),
        ('<a href="javascript:alert(1)">x</a>', "Unsupported URL scheme"),
        ('<b class="x">x</b>', 'Unsupported attribute "class" in tag "b"'),
        ('<tg-emoji id="1">x</tg-emoji>', 'numeric "emoji-id"'),
        ('<tg-time unix="1" format="Rx">x</tg-time>', 'Invalid "format"'),
        ('<code class="language-py">x</code>', "standalone"),
        ("<code><b>x</b></code>", 'can\'t be used inside "code"'),
        ("<pre><i>x</i></pre>", 'can\'t be used inside "pre"'),
        ('<a href="https://a.b"><a href="https://c.d">x</a></a>', "Links can't be nested"),
        ('<a href="https://x.org/?a=1&b=2">x</a>', "Character '&' in attribute value"),
    ],
)
def test_invalid_html_is_refused(text: str, fragment: str) -> None:
    problems = check_html(text)
    assert problems, f"{text!r} should be refused"
    assert any(fragment in p for p in problems), problems


def test_error_offsets_are_utf8_bytes_like_tdlib() -> None:
    assert check_html("ب<br>") == ['Unsupported start tag "br" at byte offset 2']


def test_visible_text_and_entities() -> None:
    result = parse_html('<b>عنوان</b>\n<a href="https://x.org/?a=1&amp;b=2">رابط</a> 😀<i>x</i>')
    assert result.visible == "عنوان\nرابط 😀x"
    assert result.entities == [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "text_link", "offset": 6, "length": 4, "url": "https://x.org/?a=1&b=2"},
        {"type": "italic", "offset": 13, "length": 1},  # the emoji counts as 2 UTF-16 code units
    ]
    assert visible_text("a &lt;b&gt; <b>unclosed") == "a <b> unclosed"


def test_pre_with_language_becomes_one_pre_entity() -> None:
    result = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert result.entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
