"""Fuzzing the bot with updates Telegram rarely or never sends.

Every test asserts three things: no exception escaped a handler (nothing logged at ERROR by the
application's error handler), the fake Bot API recorded no request Telegram would refuse (the
``fake_api`` fixture fails the test otherwise), and the user got a sensible answer or none: at most
one message per update, every callback query and inline query answered exactly once.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.article import Article
from bot.i18n import t
from bot.render.html import visible
from bot.render.links import Link, to_callback
from tests.fuzz.conftest import ADMIN_ID, FuzzDriver

USER_A = 5001
USER_B = 5002
GROUP = -1001500
FUZZ_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_update_ids = itertools.count(10_000)


def user(user_id: int = USER_A, **extra: Any) -> dict[str, Any]:
    """A Telegram User."""
    return {"id": user_id, "is_bot": False, "first_name": "مستخدم"} | extra


def update(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An update of ``kind`` with a fresh update_id."""
    return {"update_id": next(_update_ids), kind: payload}


def private_message(text: str | None, sender: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A private message built by hand (the fake does not know it)."""
    sender = sender or user()
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": 1_700_000_000,
        "chat": {"id": sender["id"], "type": "private", "first_name": sender["first_name"]},
        "from": sender,
    }
    if text is not None:
        message["text"] = text
    return update("message", message | extra)


def callback_answers(driver: FuzzDriver, query_id: str) -> list[dict[str, Any]]:
    """Every answerCallbackQuery the bot made for ``query_id``."""
    return [c.params for c in driver.fake.requests("answerCallbackQuery") if c.params["callback_query_id"] == query_id]


def assert_quiet(driver: FuzzDriver) -> None:
    """Nothing escaped a handler and the fake saw no invalid request."""
    assert driver.errors() == []
    assert driver.fake.violations == []


# ---------------------------------------------------------------------------------------------------- shapes


async def test_unknown_and_unhandled_update_types_are_ignored(fuzz: FuzzDriver) -> None:
    bot_user = fuzz.fake.bot_user
    before = fuzz.outgoing()
    await fuzz.feed({"update_id": 5, "something_new": {"id": 1, "text": "/summary", "from": user()}})
    await fuzz.feed({"update_id": 6})
    await fuzz.feed(
        update(
            "poll",
            {
                "id": "p1",
                "question": "؟",
                "options": [{"text": "نعم", "voter_count": 1, "persistent_id": "o1"}],
                "total_voter_count": 1,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            },
        )
    )
    await fuzz.feed(
        update(
            "chosen_inline_result",
            {"result_id": "sum-x", "from": user(), "query": "التحالف"},
        )
    )
    await fuzz.feed(
        update(
            "my_chat_member",
            {
                "chat": {"id": USER_A, "type": "private", "first_name": "مستخدم"},
                "from": user(),
                "date": 1_700_000_000,
                "old_chat_member": {"status": "member", "user": bot_user},
                "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
            },
        )
    )
    assert fuzz.fake.sent("sendMessage") == []
    assert fuzz.outgoing() == before
    assert_quiet(fuzz)


async def test_messages_missing_optional_fields_get_a_sensible_answer(fuzz: FuzzDriver) -> None:
    fuzz.fake.strict_replies = False  # hand-made group messages are unknown to the fake
    # a private message with no text at all (a location, a poll...): the hint
    await fuzz.feed(private_message(None, location={"latitude": 33.3, "longitude": 44.4}))
    assert "/help" in fuzz.fake.sent_texts(USER_A)[-1]
    # "/summary" typed without a bot_command entity is text, not a command: the hint
    await fuzz.feed(private_message("/summary"))
    assert "/help" in fuzz.fake.sent_texts(USER_A)[-1]
    # a user without language_code, last_name or username: Arabic, the default
    await fuzz.feed(private_message("/summary", entities=[{"type": "bot_command", "offset": 0, "length": 8}]))
    assert fuzz.fake.sent_texts(USER_A)[-1].startswith("ملخص الخبر")
    # an anonymous group admin: no "from", a sender_chat instead
    group = {"id": GROUP, "type": "supergroup", "title": "مجموعة"}
    command = f"/summary@{fuzz.fake.username}"
    anonymous = {
        "message_id": 77,
        "date": 1_700_000_000,
        "chat": group,
        "sender_chat": group,
        "text": command,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
    }
    await fuzz.feed(update("message", anonymous))
    assert fuzz.fake.sent_texts(GROUP)[-1].startswith("ملخص الخبر")
    # an edited command is not answered again, a channel post not at all
    await fuzz.feed(update("edited_message", anonymous | {"edit_date": 1_700_000_100}))
    await fuzz.feed(update("channel_post", {"message_id": 1, "date": 0, "chat": {"id": -100777, "type": "channel"}}))
    assert len(fuzz.fake.sent("sendMessage")) == 4
    assert_quiet(fuzz)


async def test_huge_texts(fuzz: FuzzDriver, article: Article) -> None:
    await fuzz.send("ا" * 100_000, user_id=USER_A)
    assert "/help" in fuzz.fake.sent_texts(USER_A)[-1]
    await fuzz.send("/summary " + "x" * 100_000, user_id=USER_A)
    assert fuzz.fake.sent_texts(USER_A)[-1].startswith("ملخص الخبر")
    await fuzz.send("/start " + "a" * 100_000, user_id=USER_A)
    texts = fuzz.fake.sent_texts(USER_A)
    assert "الرابط غير صالح" in texts[-2] and article.title in texts[-1]
    await fuzz.send("/" + "x" * 100_000, user_id=USER_A)
    assert "غير معروف" in fuzz.fake.sent_texts(USER_A)[-1]
    await fuzz.send("/full " + "ب" * 100_000, user_id=USER_A)
    assert "عدداً" in fuzz.fake.sent_texts(USER_A)[-1]
    assert_quiet(fuzz)


@pytest.mark.parametrize("argument", ["²", "①", "9" * 5000], ids=["superscript", "circled", "5000-digits"])
async def test_full_with_a_digit_int_cannot_read(fuzz: FuzzDriver, argument: str) -> None:
    await fuzz.send(f"/full {argument}", user_id=USER_A)
    assert fuzz.errors() == []
    assert "رقم الصفحة" in fuzz.fake.sent_texts(USER_A)[-1]


# ---------------------------------------------------------------------------------------------------- buttons


async def full_message(driver: FuzzDriver, **kwargs: Any) -> dict[str, Any]:
    """Send /full and return the bot's message (page 1 with its buttons)."""
    await driver.send("/full", **kwargs)
    message: dict[str, Any] = driver.fake.last("sendMessage").result
    return message


@FUZZ_SETTINGS
@given(
    data=st.one_of(
        st.text(max_size=64).filter(lambda s: len(s.encode()) <= 64),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")).filter(lambda s: len(s.encode()) <= 64),
        st.from_regex(r"[a-z]\|[0-9a-f]{12}\|[A-Za-z0-9_.]{0,20}", fullmatch=True),
    )
)
async def test_callback_data_the_bot_never_sent(fuzz: FuzzDriver, data: str) -> None:
    message = await full_message(fuzz, user_id=USER_A)
    query = fuzz.fake.callback_query_update(data, message["message_id"], user_id=USER_A)
    edits = len(fuzz.fake.requests("editMessageText"))
    await fuzz.feed(query)
    answers = callback_answers(fuzz, query["callback_query"]["id"])
    assert len(answers) == 1 and answers[0].get("show_alert") is True
    assert len(fuzz.fake.requests("editMessageText")) == edits
    assert_quiet(fuzz)


@pytest.mark.parametrize(
    "arg_view",
    [
        ("full", "999"),
        ("full", "0"),
        ("full", "1.5"),
        ("full", "00002"),
        ("full", ""),
        ("source", "99.1"),
        ("source", "0.99"),
        ("source", "coalition.9"),
        ("source", "."),
        ("source", "1_2"),
        ("source", "nosuchorg"),
        ("statement", "999"),
        ("statement", ""),
        ("start", "x"),
        ("summary", "zz"),
        ("noop", "7"),
    ],
)
async def test_near_miss_callback_data_is_answered_once(
    fuzz: FuzzDriver, article: Article, arg_view: tuple[Any, str]
) -> None:
    view, arg = arg_view
    message = await full_message(fuzz, user_id=USER_A)
    query = fuzz.fake.callback_query_update(to_callback(Link(view, article.id, arg)), message["message_id"], USER_A)
    await fuzz.feed(query)
    answers = callback_answers(fuzz, query["callback_query"]["id"])
    assert len(answers) == 1
    if answers[0].get("show_alert"):
        assert "نسخة أقدم" in answers[0]["text"]
    assert_quiet(fuzz)


async def test_the_same_button_twice_and_the_current_page_again(fuzz: FuzzDriver) -> None:
    message = await full_message(fuzz, user_id=USER_A)
    first = fuzz.fake.press_button(USER_A, message["message_id"], "التالي")
    await fuzz.feed(first)
    await fuzz.feed(fuzz.fake.callback_query_update(first["callback_query"]["data"], message["message_id"], USER_A))
    assert "صفحة 2 من" in fuzz.fake.message(USER_A, message["message_id"])["text"]  # type: ignore[index]
    # the second press asked for the page already shown: Telegram says "not modified", the bot stays quiet
    assert [c.error for c in fuzz.fake.requests("editMessageText")][-1].startswith("Bad Request: message is not")
    assert len(fuzz.fake.sent("answerCallbackQuery")) == 2
    assert_quiet(fuzz)


async def test_another_user_pages_a_shared_message_in_a_group(fuzz: FuzzDriver) -> None:
    await fuzz.send(f"/full@{fuzz.fake.username}", chat_type="supergroup", chat_id=GROUP, user_id=USER_A)
    shared = fuzz.fake.last("sendMessage").result
    press = fuzz.fake.press_button(GROUP, shared["message_id"], "التالي", user_id=USER_B)
    await fuzz.feed(press)
    assert len(callback_answers(fuzz, press["callback_query"]["id"])) == 1
    assert "صفحة 2 من" in fuzz.fake.message(GROUP, shared["message_id"])["text"]  # type: ignore[index]
    assert fuzz.fake.sent_texts(USER_B) == []  # nothing is sent to B privately
    assert_quiet(fuzz)


async def test_user_b_presses_a_button_of_user_a_private_message(fuzz: FuzzDriver) -> None:
    message = await full_message(fuzz, user_id=USER_A)
    data = fuzz.fake.press_button(USER_A, message["message_id"], "التالي")["callback_query"]["data"]
    forged = fuzz.fake.callback_query_update(data, message["message_id"], user_id=USER_B, chat_id=USER_A)
    await fuzz.feed(forged)
    assert len(callback_answers(fuzz, forged["callback_query"]["id"])) == 1
    assert fuzz.fake.sent_texts(USER_B) == []
    assert_quiet(fuzz)


@pytest.mark.parametrize("where", ["inline message", "nothing"])
async def test_callback_queries_without_a_message(fuzz: FuzzDriver, article: Article, where: str) -> None:
    base = {"from": user(USER_A, language_code="ar"), "chat_instance": "42"}
    if where == "inline message":
        base["inline_message_id"] = "BAAAAAAAAAAAAAAA"
    valid = update("callback_query", base | {"id": "cq-valid", "data": to_callback(Link("full", article.id, "2"))})
    stale = update("callback_query", base | {"id": "cq-stale", "data": "garbage"})
    game = update("callback_query", base | {"id": "cq-game", "game_short_name": "news"})
    for query in (valid, stale, game):
        await fuzz.feed(query)
        assert len(callback_answers(fuzz, query["callback_query"]["id"])) == 1
    assert "صفحة 2 من" in fuzz.fake.sent_texts(USER_A)[-1]  # the page comes as a new private message
    assert len(fuzz.fake.sent("sendMessage")) == 1
    assert_quiet(fuzz)


# ---------------------------------------------------------------------------------------------------- inline


@pytest.mark.parametrize(
    "text",
    [
        "ا" * 10_000,
        "التحالف " * 600,
        "<b>&amp;</b> & < >",
        "\u200f\u200e\u200d\u2066",
        "😀" * 300,
        ".*[(?",
        "   \n\t ",
        "\x00\x01",
        "Brennan",
        "برينان المرصد",
        "أكد",
    ],
    ids=lambda text: f"{len(text)}-chars",
)
async def test_inline_queries_with_huge_or_odd_text_are_answered_once(fuzz: FuzzDriver, text: str) -> None:
    query = fuzz.fake.inline_query_update(text, user_id=USER_A)
    await fuzz.feed(query)
    answers = [
        c for c in fuzz.fake.requests("answerInlineQuery") if c.params["inline_query_id"] == query["inline_query"]["id"]
    ]
    assert len(answers) == 1 and answers[0].ok
    assert isinstance(answers[0].params["results"], list) and len(answers[0].params["results"]) <= 50
    assert_quiet(fuzz)


# ---------------------------------------------------------------------------------------------------- flood


async def test_a_flood_of_300_updates_from_one_user(fuzz: FuzzDriver, article: Article) -> None:
    commands = ["/summary", "/full", "/quotes", "/start", "مرحبا", "/full 2", "/nonsense", "/help", "/about", "/stats"]
    message = await full_message(fuzz, user_id=USER_A)
    next_data = fuzz.fake.press_button(USER_A, message["message_id"], "التالي")["callback_query"]["data"]
    sent_before = len(fuzz.fake.sent_texts(USER_A))
    messages = queries = inline = 0
    for i in range(300):
        if i % 5 == 3:
            await fuzz.feed(fuzz.fake.callback_query_update(next_data, message["message_id"], USER_A))
            queries += 1
        elif i % 5 == 4:
            await fuzz.feed(fuzz.fake.inline_query_update(["", "التحالف", "x"][i % 3], user_id=USER_A))
            inline += 1
        else:
            await fuzz.send(commands[messages % len(commands)], user_id=USER_A)
            messages += 1
    assert len(fuzz.fake.sent_texts(USER_A)) - sent_before == messages  # one answer per message, no more
    assert len(fuzz.fake.sent("answerCallbackQuery")) == queries
    assert len(fuzz.fake.sent("answerInlineQuery")) == inline
    answers = fuzz.fake.sent_texts(USER_A)[sent_before:]
    refusal = visible(t("ar", "admin_only", user_id=USER_A))
    assert answers.count(refusal) == messages // len(commands)  # /stats is not for this user
    assert t("ar", "error") not in answers
    assert_quiet(fuzz)


# ---------------------------------------------------------------------------------------------------- random


USER_IDS = st.sampled_from((USER_A, USER_B, ADMIN_ID, 1, 2**40))
LANGUAGE_CODES = st.sampled_from((None, "ar", "en", "en-GB", "fr", "", "AR-iq"))
COMMANDS = (
    "/start",
    "/summary",
    "/full",
    "/quotes",
    "/help",
    "/about",
    "/lang",
    "/coalition",
    "/observatory",
    "/subscribe",
    "/unsubscribe",
    "/publish",
    "/unpublish",
    "/stats",
    "/nonsense",
    "/",
)
ARGUMENTS = st.one_of(
    st.just(""),
    st.sampled_from(("1", "2", "0", "-1", "99", "abc", "٣", "f0bdb97d61d5-p-2", "x-y-z")),
    st.text(max_size=40).map(str.strip),
)


@st.composite
def texts(draw: st.DrawFn, username: str) -> tuple[str, list[dict[str, Any]]]:
    """Message text and its entities: commands (maybe @addressed), Arabic words, anything."""
    kind = draw(st.sampled_from(("command", "words", "anything")))
    if kind == "command":
        command = draw(st.sampled_from(COMMANDS))
        target = draw(st.sampled_from(("", f"@{username}", "@other_bot")))
        head = command + target
        argument = draw(ARGUMENTS)
        text = f"{head} {argument}".strip() if argument else head
        entity = draw(st.booleans())
        utf16 = len(head.encode("utf-16-le")) // 2
        return text, ([{"type": "bot_command", "offset": 0, "length": utf16}] if entity and len(head) > 1 else [])
    if kind == "words":
        words = draw(st.lists(st.sampled_from(("التحالف", "قال", "«", "»", "<b>", "&", "😀", "\n")), max_size=20))
        return " ".join(words) or "؟", []
    return draw(st.text(min_size=1, max_size=300)), []


@st.composite
def random_updates(draw: st.DrawFn, username: str, full_message_id: int, article_id: str) -> dict[str, Any]:
    """An update Telegram could send (or nearly): any kind, chat, user, language, text, missing fields."""
    sender = user(draw(USER_IDS))
    language = draw(LANGUAGE_CODES)
    if language is not None:
        sender["language_code"] = language
    kinds = ("message", "message", "callback_query", "callback_query", "inline_query", "edited_message", "channel_post")
    kind = draw(st.sampled_from(kinds))
    if kind == "inline_query":
        payload: dict[str, Any] = {"id": f"iq{next(_update_ids)}", "from": sender, "query": draw(st.text(max_size=300))}
        payload["offset"] = draw(st.sampled_from(("", "10", "x")))
        if draw(st.booleans()):
            payload["chat_type"] = draw(st.sampled_from(("sender", "private", "group", "supergroup", "channel")))
        return update(kind, payload)
    if kind == "callback_query":
        links = [Link("full", article_id, "2"), Link("full", article_id, "1"), Link("quotes", article_id)]
        links += [Link("source", article_id, "1.1"), Link("summary", article_id), Link("noop", article_id)]
        ours = st.sampled_from(links).map(to_callback)
        payload = {"id": f"cq{next(_update_ids)}", "from": sender, "chat_instance": "1"}
        payload["data"] = draw(st.one_of(ours, st.text(max_size=64).filter(lambda s: len(s.encode()) <= 64)))
        where = draw(st.sampled_from(("bot message", "inaccessible", "inline", "none")))
        chat = {"id": USER_A, "type": "private", "first_name": "مستخدم"}
        if where == "bot message":
            payload["message"] = {"message_id": full_message_id, "date": 1_700_000_000, "chat": chat}
        elif where == "inaccessible":
            payload["message"] = {"message_id": 999_999, "date": 0, "chat": chat}
        elif where == "inline":
            payload["inline_message_id"] = "BAAAAAAAAAAAAAAA"
        return update(kind, payload)
    chat_type = "channel" if kind == "channel_post" else draw(st.sampled_from(("private", "group", "supergroup")))
    chat_id = {"private": sender["id"], "group": -4001, "supergroup": GROUP, "channel": -100777}[chat_type]
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    chat |= {"first_name": "مستخدم"} if chat_type == "private" else {"title": "مجموعة"}
    text, entities = draw(texts(username))
    message: dict[str, Any] = {"message_id": next(_update_ids), "date": 1_700_000_000, "chat": chat}
    if chat_type == "channel" or (chat_type != "private" and draw(st.booleans())):
        message["sender_chat"] = chat
    else:
        message["from"] = sender
    if draw(st.integers(0, 9)):  # one in ten has no text (a sticker, a location...)
        message["text"] = text
        if entities:
            message["entities"] = entities
    if kind.startswith("edited"):
        message["edit_date"] = 1_700_000_100
    return update(kind, message)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_random_updates(fuzz: FuzzDriver, article: Article, data: st.DataObject) -> None:
    fuzz.fake.strict_replies = False  # hand-made group messages are unknown to the fake
    message = await full_message(fuzz, user_id=USER_A)
    incoming = data.draw(random_updates(fuzz.fake.username, message["message_id"], article.id))
    already = len(fuzz.fake.requests())
    await fuzz.feed(incoming)
    made = fuzz.fake.requests()[already:]
    methods = [call.method for call in made]
    event(f"{next(k for k in incoming if k != 'update_id')} -> {', '.join(sorted(set(methods))) or 'no request'}")
    text = (incoming.get("message") or {}).get("text", "")
    bad_deep_link = text.startswith("/start") and len(text.split()) > 1  # "bad link", then the welcome
    assert methods.count("sendMessage") <= (2 if bad_deep_link else 1)
    assert methods.count("answerCallbackQuery") == (1 if "callback_query" in incoming else 0)
    assert methods.count("answerInlineQuery") == (1 if "inline_query" in incoming else 0)
    assert all(call.ok for call in made if call.method != "editMessageText")
    assert t("ar", "error") not in fuzz.fake.sent_texts() and t("en", "error") not in fuzz.fake.sent_texts()
    assert_quiet(fuzz)
