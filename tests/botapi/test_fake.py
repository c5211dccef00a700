"""Tests of FakeBotAPI, InMemoryRequest and FakeBotAPIServer driven by real python-telegram-bot objects."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
)
from telegram.request import HTTPXRequest

from tests.botapi.fake import NOT_MODIFIED, FakeBotAPI
from tests.botapi.fixtures import _fail_on_violations
from tests.botapi.http_server import FakeBotAPIServer
from tests.botapi.memory import InMemoryRequest, application_builder
from tests.botapi.spec import check_object

Context = CallbackContext[Any, Any, Any, Any]

# PTB 22 warns that RetryAfter.retry_after will become a timedelta; _seconds() handles both forms.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def _seconds(exc: RetryAfter) -> float:
    """``RetryAfter.retry_after`` as seconds (PTB 22 may return int with a deprecation warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def _keyboard(*labels_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in labels_and_data]])


class _Clock:
    """A manual clock for flood-limit tests."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- basic Bot round trips


async def test_get_me_and_send_message_round_trip(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    assert fake_bot.username == "arabic_news_test_bot"
    assert fake_bot.id == fake_api.bot_id
    assert (await fake_bot.get_me()).supports_inline_queries is True

    message = await fake_bot.send_message(
        1001, "<b>عاجل</b>: خبر &amp; تفاصيل", parse_mode="HTML", reply_markup=_keyboard(("التالي", "p:2"))
    )

    assert message.text == "عاجل: خبر & تفاصيل"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 4)]
    assert message.reply_markup is not None
    call = fake_api.last("sendMessage")
    assert call.params["text"] == "<b>عاجل</b>: خبر &amp; تفاصيل"
    assert call.params["chat_id"] == 1001
    assert call.params["reply_markup"] == {"inline_keyboard": [[{"text": "التالي", "callback_data": "p:2"}]]}
    assert fake_api.sent_texts(1001) == ["عاجل: خبر & تفاصيل"]
    assert fake_api.violations == []


async def test_answers_conform_to_the_spec(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    await fake_bot.send_message(1001, "x", reply_markup=_keyboard(("a", "a")))
    fake_api.add_chat(-100777, "channel", title="أخبار", admin=True)
    await fake_bot.get_chat_member(-100777, fake_api.bot_id)
    await fake_bot.get_chat(-100777)
    checks = {
        "getMe": "User",
        "sendMessage": "Message",
        "getChatMember": "ChatMemberAdministrator",
        "getChat": "ChatFullInfo",
    }
    for method, type_name in checks.items():
        assert check_object(type_name, fake_api.last(method).result, method) == [], method


async def test_message_ids_increase_per_chat(fake_bot: Bot) -> None:
    ids = [(await fake_bot.send_message(chat_id, "x")).message_id for chat_id in (1, 1, 2, 1)]
    assert ids == [1, 2, 1, 3]


async def test_requests_are_recorded_with_decoded_params(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    await fake_bot.send_message(
        "-1001234",
        "نص",
        disable_notification=True,
        link_preview_options={"is_disabled": True},  # type: ignore[arg-type]
    )
    params = fake_api.last().params
    assert params["chat_id"] == -1001234
    assert params["disable_notification"] is True
    assert params["link_preview_options"] == {"is_disabled": True}
    assert [c.method for c in fake_api.requests()] == ["getMe", "sendMessage"]


# ---------------------------------------------------------------- edits and deletes


async def test_edit_message_text_semantics(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    sent = await fake_bot.send_message(1001, "<b>صفحة 1</b>", parse_mode="HTML", reply_markup=_keyboard(("»", "p2")))

    with pytest.raises(BadRequest, match="Message to edit not found"):
        await fake_bot.edit_message_text("x", chat_id=1001, message_id=999)
    with pytest.raises(BadRequest) as not_modified:
        await fake_bot.edit_message_text(
            "<b>صفحة 1</b>",
            chat_id=1001,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=_keyboard(("»", "p2")),
        )
    assert "Message is not modified" in str(not_modified.value)
    assert fake_api.requests("editMessageText")[-1].error == NOT_MODIFIED

    edited = await fake_bot.edit_message_text("صفحة 2", chat_id=1001, message_id=sent.message_id)
    assert isinstance(edited, object) and getattr(edited, "text", None) == "صفحة 2"
    stored = fake_api.message(1001, sent.message_id)
    assert stored is not None
    assert stored["text"] == "صفحة 2"
    assert "reply_markup" not in stored  # Telegram drops the keyboard when an edit omits reply_markup


async def test_edit_reply_markup_and_delete(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    sent = await fake_bot.send_message(1001, "x", reply_markup=_keyboard(("a", "a")))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await fake_bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=_keyboard(("a", "a")))
    await fake_bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=_keyboard(("b", "b")))
    assert fake_api.message(1001, sent.message_id)["reply_markup"]["inline_keyboard"][0][0]["text"] == "b"  # type: ignore[index]

    assert await fake_bot.delete_message(1001, sent.message_id) is True
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await fake_bot.delete_message(1001, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await fake_bot.edit_message_text("y", chat_id=1001, message_id=sent.message_id)


async def test_users_messages_cannot_be_edited_but_can_be_replied_to(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    incoming = fake_api.message_update("مرحبا")["message"]
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await fake_bot.edit_message_text("x", chat_id=1001, message_id=incoming["message_id"])
    reply = await fake_bot.send_message(1001, "أهلا", reply_parameters={"message_id": incoming["message_id"]})  # type: ignore[arg-type]
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "مرحبا"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await fake_bot.send_message(1001, "x", reply_parameters={"message_id": 4242})  # type: ignore[arg-type]


# ---------------------------------------------------------------- invalid requests


async def test_invalid_request_is_refused_and_recorded() -> None:
    fake = FakeBotAPI()
    async with Bot(fake.token, request=InMemoryRequest(fake)) as bot:
        with pytest.raises(BadRequest, match="Can't parse entities: can't find end tag"):
            await bot.send_message(1, "<b>غير مغلق", parse_mode="HTML")
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(1, "ن" * 4097)
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(1, "x", reply_markup=_keyboard(("a", "d" * 65)))
    assert fake.sent("sendMessage") == []
    violations = fake.take_violations()
    assert len(violations) == 3
    assert violations[0].startswith("sendMessage: text: bad HTML")
    assert fake.violations == []
    with pytest.raises(AssertionError, match="invalid Bot API request"):
        fake.violations.append("x")
        fake.assert_clean()


async def test_unknown_method_and_wrong_token() -> None:
    fake = FakeBotAPI()
    async with Bot(fake.token, request=InMemoryRequest(fake)) as bot:
        with pytest.raises(EndPointNotFound):  # Telegram answers 404 for unknown methods
            await bot.do_api_request("sendMesage", api_kwargs={"chat_id": 1})
    assert fake.take_violations() == ["sendMesage: unknown Bot API method 'sendMesage'"]
    with pytest.raises(InvalidToken):
        await Bot("1:wrong", request=InMemoryRequest(fake)).initialize()


def test_fixture_teardown_fails_on_violations() -> None:
    fake = FakeBotAPI()
    fake.request("sendMessage", {"chat_id": "1", "text": "<i>x"})
    _fail_on_violations(fake, "clean")  # no parse_mode: nothing to report
    fake.request("sendMessage", {"chat_id": "1", "text": "<i>x", "parse_mode": "HTML"})
    with pytest.raises(pytest.fail.Exception, match="1 request"):
        _fail_on_violations(fake, "label")


# ---------------------------------------------------------------- fault injection


async def test_injected_faults_map_to_ptb_exceptions(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    fake_api.fail_next("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await fake_bot.send_message(1001, "x")
    assert _seconds(retry.value) == 7

    cases: list[tuple[str, type[Exception], str]] = [
        ("403", Forbidden, "bot was blocked by the user"),
        ("400_chat_not_found", BadRequest, "Chat not found"),
        ("500", NetworkError, "Internal Server Error"),
        ("502", NetworkError, "Bad Gateway"),
        ("timeout", TimedOut, "Timed out"),
    ]
    for kind, exc_type, text in cases:
        fake_api.fail_next("sendMessage", kind)
        with pytest.raises(exc_type, match=text) as raised:
            await fake_bot.send_message(1001, "x")
        if kind in ("500", "502"):
            assert type(raised.value) is NetworkError

    assert fake_api.sent() == []
    assert [c.status for c in fake_api.requests("sendMessage")] == [429, 403, 400, 500, 502, None]
    assert (await fake_bot.send_message(1001, "x")).text == "x"


async def test_fail_next_count_and_any_method(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    fake_api.fail_next(None, "502", count=2)
    with pytest.raises(NetworkError):
        await fake_bot.get_me()
    with pytest.raises(NetworkError):
        await fake_bot.send_message(1001, "x")
    assert (await fake_bot.send_message(1001, "y")).text == "y"


def test_random_faults_are_reproducible() -> None:
    def statuses(seed: int) -> list[int | None]:
        fake = FakeBotAPI()
        fake.set_random_faults(0.5, ["429", "500", "timeout"], seed=seed)
        return [fake.request("sendMessage", {"chat_id": "1", "text": "x"}).status for _ in range(40)]

    first = statuses(3)
    assert first == statuses(3)
    assert {200, 429, 500, 0} <= set(first)
    assert 5 < first.count(200) < 35


# ---------------------------------------------------------------- flood limits


async def test_rate_limits_per_chat_and_global(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    clock = _Clock()
    fake_api.clock = clock
    stats = fake_api.enable_rate_limits()

    await fake_bot.send_message(1, "a")
    with pytest.raises(RetryAfter) as retry:
        await fake_bot.send_message(1, "b")
    assert _seconds(retry.value) == 1
    clock.now += 1.0
    await fake_bot.send_message(1, "c")

    for chat_id in range(100, 129):  # chat 1 + 29 others = 30 sends within this second
        await fake_bot.send_message(chat_id, "x")
    with pytest.raises(RetryAfter):
        await fake_bot.send_message(500, "x")
    assert stats.accepted_sends == 31
    assert stats.rejected_429 == 2
    assert fake_api.rate_stats is stats
    assert await fake_bot.send_chat_action(1, "typing") is True  # not a send: never limited


async def test_rate_limits_for_groups_per_minute(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    clock = _Clock()
    fake_api.clock = clock
    fake_api.enable_rate_limits()
    for _ in range(20):
        await fake_bot.send_message(-100555, "x")
        clock.now += 1.0
    with pytest.raises(RetryAfter) as retry:
        await fake_bot.send_message(-100555, "x")
    assert _seconds(retry.value) == 40  # sends at t=0..19; the first leaves the 60 s window at t=60
    fake_api.disable_rate_limits()
    await fake_bot.send_message(-100555, "x")


# ---------------------------------------------------------------- chats, members, commands, webhooks


async def test_channel_admin_and_member_lookups(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    fake_api.add_chat(-1001, "channel", title="قناة", username="news_channel", admin=True)
    fake_api.add_chat(-1002, "channel", title="أخرى")

    member = await fake_bot.get_chat_member("@news_channel", fake_api.bot_id)
    assert member.status == "administrator"
    assert getattr(member, "can_post_messages", None) is True
    with pytest.raises(Forbidden, match="not a member of the channel"):
        await fake_bot.get_chat_member(-1002, fake_api.bot_id)
    with pytest.raises(BadRequest, match="Need administrator rights"):
        await fake_bot.send_message(-1002, "x")
    post = await fake_bot.send_message(-1001, "خبر")
    assert post.sender_chat is not None and post.sender_chat.id == -1001
    admins = await fake_bot.get_chat_administrators(-1001)
    assert [a.status for a in admins] == ["creator", "administrator"]
    with pytest.raises(BadRequest, match="Chat not found"):
        await fake_bot.get_chat("@missing")


async def test_strict_chats_and_blocked_users() -> None:
    fake = FakeBotAPI(strict_chats=True)
    fake.add_chat(7)
    fake.block_user(7)
    async with Bot(fake.token, request=InMemoryRequest(fake)) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(8, "x")
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(7, "x")
        fake.block_user(7, blocked=False)
        assert (await bot.send_message(7, "x")).chat_id == 7
    fake.assert_clean()


async def test_commands_are_stored_per_scope_and_language(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    await fake_bot.set_my_commands([BotCommand("start", "ابدأ"), BotCommand("help", "مساعدة")], language_code="ar")
    await fake_bot.set_my_commands([("start", "Start")], scope=BotCommandScopeAllPrivateChats())
    assert [c.command for c in await fake_bot.get_my_commands(language_code="ar")] == ["start", "help"]
    assert await fake_bot.get_my_commands() == ()
    scoped = await fake_bot.get_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert [c.description for c in scoped] == ["Start"]
    await fake_bot.delete_my_commands(language_code="ar")
    assert await fake_bot.get_my_commands(language_code="ar") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await fake_bot.set_my_commands([("Bad-Command", "x")])
    assert len(fake_api.take_violations()) == 1


async def test_webhook_and_get_updates(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    first = fake_api.message_update("/start", push=True)
    second = fake_api.message_update("ثانية", push=True)
    assert second["update_id"] == first["update_id"] + 1

    updates = await fake_bot.get_updates(limit=1)
    assert [u.update_id for u in updates] == [first["update_id"]]
    assert updates[0].message is not None and updates[0].message.text == "/start"
    assert updates[0].message.entities[0].type == "bot_command"
    updates = await fake_bot.get_updates(offset=first["update_id"] + 1)
    assert [u.update_id for u in updates] == [second["update_id"]]
    assert len(fake_api.pending_updates) == 1

    await fake_bot.set_webhook("https://example.com/hook", allowed_updates=["message"])
    assert (await fake_bot.get_webhook_info()).url == "https://example.com/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await fake_bot.get_updates()
    await fake_bot.delete_webhook(drop_pending_updates=True)
    assert fake_api.pending_updates == []
    assert (await fake_bot.get_webhook_info()).url == ""


async def test_long_poll_is_capped_and_wakes_up_on_push(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    started = time.monotonic()
    assert await fake_bot.get_updates(timeout=30) == ()
    assert time.monotonic() - started < 1.0

    fake_api.long_poll_cap = 5.0
    asyncio.get_running_loop().call_later(0.05, fake_api.push_update, fake_api.message_update("x"))
    started = time.monotonic()
    updates = await fake_bot.get_updates(timeout=30)
    assert len(updates) == 1
    assert time.monotonic() - started < 2.0


# ---------------------------------------------------------------- a real Application


async def test_application_processes_command_and_reply_is_clean(fake_api: FakeBotAPI) -> None:
    async def start(update: Update, context: Context) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        lang = update.effective_user.language_code
        await update.effective_message.reply_html(f"<b>أهلا</b> ({lang}) &lt;3", reply_markup=_keyboard(("ابدأ", "go")))

    app = application_builder(fake_api).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        update = fake_api.message_update(f"/start@{fake_api.username} payload", user_id=42)
        await app.process_update(Update.de_json(update, app.bot))

    reply = fake_api.last("sendMessage")
    assert reply.params["chat_id"] == 42
    assert reply.result["text"] == "أهلا (ar) <3"
    assert fake_api.violations == []


async def test_group_replies_quote_the_stored_user_message(fake_api: FakeBotAPI) -> None:
    async def echo(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("رد")  # PTB quotes by default outside private chats

    app = application_builder(fake_api).build()
    app.add_handler(CommandHandler("news", echo))
    async with app:
        update = fake_api.message_update("/news", user_id=7, chat_type="supergroup")
        await app.process_update(Update.de_json(update, app.bot))
        unknown = fake_api.message_update("/news", user_id=7, chat_type="supergroup")
        unknown["message"]["message_id"] = 999  # a message the fake has never seen
        await app.process_update(Update.de_json(unknown, app.bot))

    requests = fake_api.requests("sendMessage")
    assert requests[0].ok
    assert requests[0].params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert requests[0].result["reply_to_message"]["text"] == "/news"
    assert requests[1].error == "Bad Request: message to be replied not found"


async def test_application_polling_callback_and_inline_flow(fake_api: FakeBotAPI) -> None:
    handled: asyncio.Queue[str] = asyncio.Queue()

    async def on_button(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("تم")
        await query.edit_message_text(f"اخترت {query.data}")
        await handled.put(f"button:{query.data}")

    async def on_inline(update: Update, context: Context) -> None:
        assert update.inline_query is not None
        result = InlineQueryResultArticle("a1", "عنوان", InputTextMessageContent("<b>نص</b>", parse_mode="HTML"))
        await update.inline_query.answer([result], cache_time=0)
        await handled.put("inline")

    app = application_builder(fake_api).build()
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(InlineQueryHandler(on_inline))
    async with app:
        sent = await app.bot.send_message(1001, "اختر", reply_markup=_keyboard(("واحد", "one"), ("اثنان", "two")))
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=dtm.timedelta(seconds=1))
        fake_api.press_button(1001, sent.message_id, "اثنان", push=True)
        fake_api.inline_query_update("أخبار", push=True)
        got = {await asyncio.wait_for(handled.get(), 5), await asyncio.wait_for(handled.get(), 5)}
        await app.updater.stop()
        await app.stop()

    assert got == {"button:two", "inline"}
    assert fake_api.message(1001, sent.message_id)["text"] == "اخترت two"  # type: ignore[index]
    assert fake_api.last("answerCallbackQuery").params["text"] == "تم"
    assert fake_api.last("answerInlineQuery").params["results"][0]["id"] == "a1"
    assert fake_api.pending_updates == []
    with pytest.raises(LookupError, match="no callback button"):
        fake_api.press_button(1001, sent.message_id, "ثلاثة")
    query_id = next(iter(fake_api.callback_answers))
    answer_again = fake_api.request("answerCallbackQuery", {"callback_query_id": query_id})
    assert answer_again.status == 400
    assert fake_api.violations == []


# ---------------------------------------------------------------- the HTTP server


async def test_http_server_with_real_httpx_bot(fake_server: FakeBotAPIServer) -> None:
    api = fake_server.api
    async with Bot(fake_server.token, base_url=fake_server.base_url) as bot:
        assert bot.username == api.username
        message = await bot.send_message(
            1001, "<i>عبر HTTP</i>", parse_mode="HTML", reply_markup=_keyboard(("زر", "b"))
        )
        assert message.text == "عبر HTTP"
        document = await bot.send_document(
            1001, b"%PDF-1.4 data", filename="a.pdf", caption="<b>ملف</b>", parse_mode="HTML"
        )
        assert document.caption == "ملف"

        api.fail_next("sendMessage", "429", retry_after=3)
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(1001, "x")
        assert _seconds(retry.value) == 3
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(1001, "1 < 2", parse_mode="HTML")

    assert api.last("sendMessage").params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b"
    upload = api.last("sendDocument").params["document"]
    assert (upload.filename, upload.content) == ("a.pdf", b"%PDF-1.4 data")
    assert len(api.take_violations()) == 1


async def test_empty_next_offset_is_recorded_as_empty_on_every_transport(fake_server: FakeBotAPIServer) -> None:
    """PTB's form body and a bare query string (``?next_offset=``), in memory and over HTTP, all record ""."""
    api = fake_server.api
    query = "answerInlineQuery?results=%5B%5D&next_offset=&inline_query_id="
    memory = InMemoryRequest(api)
    async with Bot(api.token, request=memory) as bot:
        await bot.answer_inline_query("memory-ptb", [], next_offset="")
        status, _ = await memory.do_request(f"https://api.telegram.org/bot{api.token}/{query}memory-query", "GET")
        assert status == 200
    async with Bot(api.token, base_url=fake_server.base_url) as bot:
        await bot.answer_inline_query("http-ptb", [], next_offset="")
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{fake_server.base_url}{api.token}/{query}http-query")
        assert answer.status_code == 200
    offsets = {query_id: params.get("next_offset") for query_id, params in api.inline_answers.items()}
    assert offsets == {"memory-ptb": "", "memory-query": "", "http-ptb": "", "http-query": ""}


async def test_http_server_timeout_json_body_and_stop() -> None:
    server = FakeBotAPIServer(timeout_stall=0.5).start()
    try:
        server.api.fail_next("getMe", "timeout")
        request = HTTPXRequest(read_timeout=0.1)
        with pytest.raises(TimedOut):
            await Bot(server.token, base_url=server.base_url, request=request).initialize()
        async with httpx.AsyncClient() as client:
            url = f"{server.base_url}{server.token}/sendMessage"
            answer = await client.post(url, json={"chat_id": 5, "text": "json", "disable_notification": True})
            wrong = await client.post(f"{server.base_url}0:bad/getMe")
        assert answer.json()["result"]["text"] == "json"
        assert server.api.last().params == {"chat_id": 5, "text": "json", "disable_notification": True}
        assert wrong.status_code == 401
    finally:
        server.stop()
    server.stop()  # idempotent
    with pytest.raises(RuntimeError):
        _ = server.port
    server.api.assert_clean()


# ---------------------------------------------------------------- flood windows, lasting refusals, lost answers


async def test_a_429_opens_a_flood_window_for_every_chat(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    clock = _Clock()
    fake_api.clock = clock
    stats = fake_api.enable_rate_limits()
    fake_api.fail_next("sendMessage", "429", retry_after=2)
    with pytest.raises(RetryAfter):
        await fake_bot.send_message(1, "a")
    clock.now += 1.5
    with pytest.raises(RetryAfter) as retry:  # another chat, still inside the window: provoked
        await fake_bot.send_message(2, "b")
    assert _seconds(retry.value) == 1
    clock.now += 0.5
    await fake_bot.send_message(2, "c")
    assert (stats.injected_429, stats.rejected_429, stats.flood_seconds) == (1, 1, 2.0)


async def test_random_refusals_last_and_later_sends_are_counted(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    fake_api.set_random_faults(1.0, ["403"], seed=1, methods=["sendMessage"])
    with pytest.raises(Forbidden):
        await fake_bot.send_message(1001, "x")
    fake_api.clear_faults()
    with pytest.raises(Forbidden):  # blocked for good, not for one call
        await fake_bot.send_message(1001, "x")
    assert fake_api.sends_after_refusal == 1


async def test_a_lost_answer_sends_the_message_then_times_out(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    fake_api.fail_next("sendMessage", "lost_answer")
    with pytest.raises(TimedOut):
        await fake_bot.send_message(1001, "x")
    assert fake_api.sent_texts(1001) == []  # the client never saw an answer...
    assert [m["text"] for m in fake_api.chat_messages(1001)] == ["x"] and fake_api.lost_answers == 1  # ...yet it arrived
