"""Every message the bot sends about an article, as pure functions of (article, request).

Being pure, the views are cached: a page turn or a /summary costs a lookup, not a render.
Articles are frozen and hashable (by their content id), and so are views. Caches of small views
hold at most 256 entries; those that hold a whole article's text or statements are bounded by
size (:mod:`bot.render.memo`), and the library's sources are grouped once per library version.

Each function returns a :class:`View`: HTML text (article text escaped, our markup around
it) and an optional inline keyboard. Lines start with a word of the UI language so Arabic
renders right to left. Lengths are checked against Telegram's limits here and only here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import MessageLimit

from bot.article import lexicon
from bot.article.arabic import normalise
from bot.article.model import Article, Statement
from bot.i18n import Language, has, plural, t
from bot.render import month_names
from bot.render.html import esc, tg_len, visible
from bot.render.links import Link, to_callback
from bot.render.markup import NO_PREVIEW, SEND_OPTIONS, Keyboard, image_preview
from bot.render.memo import bounded, text_bytes
from bot.render.paging import paginate

PAGE_BUDGET = MessageLimit.MAX_TEXT_LENGTH
SOURCE_PAGE_BUDGET = 3000
PAGES_CACHE_BYTES = 64 * 1024 * 1024
"""What the caches of whole paged texts (the full text, a source's statements) may hold, each."""


def _pages_bytes(pages: list[list[str]]) -> int:
    return text_bytes(block for page in pages for block in page)


@dataclass(frozen=True)
class View:
    """One message: HTML text, an optional inline keyboard, and its link preview (none but a lead image)."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    preview: LinkPreviewOptions = NO_PREVIEW

    @property
    def send_options(self) -> dict[str, Any]:
        """The parse mode and link preview every send or edit of this view passes."""
        if self.preview is NO_PREVIEW:
            return SEND_OPTIONS
        return {**SEND_OPTIONS, "link_preview_options": self.preview}


@dataclass(frozen=True)
class Source:
    """Statements grouped under one organisation (or one speaker without organisation)."""

    index: int
    name: str
    org_id: str | None
    statements: tuple[tuple[int, Statement], ...]


@lru_cache(maxsize=256)
def sources(article: Article) -> list[Source]:
    """The article's sources in order of first appearance; statement numbers are article-wide."""
    groups: dict[str, list[tuple[int, Statement]]] = {}
    org_ids: dict[str, str | None] = {}
    for number, statement in enumerate(article.statements):
        key = statement.org or statement.speaker
        groups.setdefault(key, []).append((number, statement))
        org_ids.setdefault(key, statement.org_id)
    return [Source(i, name, org_ids[name], tuple(items)) for i, (name, items) in enumerate(groups.items())]


def source_for_org(article: Article, org_id: str) -> Source | None:
    """The source of a known organisation id (``coalition``), if the article quotes it."""
    return next((s for s in sources(article) if s.org_id == org_id), None)


TITLE_MAX = 200  # a headline longer than this (a scraping accident) is cut in headers
STATEMENT_MAX = 2500  # a quotation longer than this is cut, so one statement always fits a message


def cut_text(text: str, limit: int) -> str:
    """``text`` (plain) cut at a word to at most ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def heading(article: Article) -> str:
    """The article's title for a header line: escaped, and cut at a word when absurdly long."""
    return esc(cut_text(article.title, TITLE_MAX))


def format_date(value: datetime | None, lang: Language, style: str | None = None) -> str:
    """A publication date for people, in the UI language; ``style`` names the month names to use
    (``levant``: كانون الثاني, ``gregorian``: يناير, ``maghreb``: جانفي) where the language has several."""
    if value is None:
        return t(lang, "unknown_date")
    key = f"months_{style or month_names.default_style()}"
    months = t(lang, key if has(lang, key) else "months").split("|")
    return t(
        lang,
        "date_format",
        day=value.day,
        month=months[value.month - 1],
        year=value.year,
        time=value.strftime("%H:%M"),
    )


def article_date(article: Article, lang: Language) -> str:
    """The article's publication date, with the month names of the outlet's country."""
    return format_date(article.published, lang, month_names.month_style(article))


def _outlet(article: Article) -> str:
    return esc(article.outlet or (article.dateline.agency if article.dateline else ""))


def _details(article: Article, lang: Language) -> str:
    """The date and publisher lines under a title, each only when known (never a placeholder)."""
    lines = []
    if article.published is not None:
        lines.append(t(lang, "masthead_date", date=article_date(article, lang)))
    if outlet := _outlet(article):
        lines.append(t(lang, "masthead_outlet", outlet=outlet))
    return "".join(f"\n{line}" for line in lines)


def masthead(article: Article, lang: Language, key: str) -> str:
    """A locale template ``key`` filled with the article's title, and its date and publisher when known."""
    return t(lang, key, masthead=f"<b>{heading(article)}</b>{_details(article, lang)}")


def join(lang: Language, items: list[str] | tuple[str, ...]) -> str:
    """Items one after the other with the language's comma (``، `` or ``, ``)."""
    return t(lang, "list_separator").join(items)


def source_name(name: str, org_id: str | None, lang: Language) -> str:
    """A source's name for a button or a header: in English, the organisation's English name when
    ``organisations.json`` knows it (capitalised: it may start with "the"), else the article's own wording."""
    if lang == "ar":
        return name
    org = next((o for o in lexicon.organisations() if o.id == org_id or o.name == name), None)
    if org is None or org.english == org.name:
        return name
    return org.english[:1].upper() + org.english[1:]


def _button(text: str, link: Link) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=to_callback(link))


def web_address(value: str | None) -> str | None:
    """``value`` if it is an absolute http(s) address Telegram takes for a button or preview, else None."""
    if not value or len(value) > 2048 or any(ch.isspace() for ch in value):
        return None
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None


def source_row(article: Article, lang: Language) -> list[list[InlineKeyboardButton]]:
    """A row with a button to the article at its source; none when it has no web address."""
    url = web_address(article.url)
    return [[InlineKeyboardButton(t(lang, "btn_source"), url=url)]] if url else []


def lead_image(article: Article) -> LinkPreviewOptions:
    """The article's lead image as a link preview above the text; no preview without one."""
    image = web_address(article.image)
    return image_preview(image) if image else NO_PREVIEW


def main_keyboard(article: Article, lang: Language) -> InlineKeyboardMarkup:
    """Summary / full text / statements."""
    return Keyboard(
        [
            [
                _button(t(lang, "btn_summary"), Link("summary", article.id)),
                _button(t(lang, "btn_full"), Link("full", article.id, "1")),
            ],
            [_button(t(lang, "btn_quotes"), Link("quotes", article.id))],
        ]
    )


@lru_cache(maxsize=256)
def welcome(article: Article, lang: Language) -> View:
    """The /start message."""
    return View(masthead(article, lang, "welcome"), main_keyboard(article, lang))


@lru_cache(maxsize=256)
def summary(article: Article, lang: Language) -> View:
    """Title, date, outlet, the summary sentences and a source line."""
    header = masthead(article, lang, "summary_header")
    body = "\n\n".join(esc(sentence) for sentence in article.summary)
    credited = [c for c in (article.outlet or "", *article.credited_sources) if c]
    if credited:
        source_line = t(lang, "summary_source", sources=esc(join(lang, credited)))
    else:
        source_line = t(lang, "summary_verbatim")
    text = f"{header}\n\n{body}\n\n<i>{source_line}</i>"
    keyboard = Keyboard(
        [
            [
                _button(t(lang, "btn_full"), Link("full", article.id, "1")),
                _button(t(lang, "btn_quotes"), Link("quotes", article.id)),
            ],
            *source_row(article, lang),
        ]
    )
    return View(checked(text), keyboard, lead_image(article))


@bounded(PAGES_CACHE_BYTES, _pages_bytes)
def full_pages(article: Article, lang: Language) -> list[list[str]]:
    """The article's paragraphs grouped into pages (plain text) that fit with the page header."""
    header = t(lang, "full_header", title=heading(article), n=999, m=999)
    budget = PAGE_BUDGET - tg_len(header) - 2
    return paginate(article.paragraphs, budget)


def page_count(article: Article, lang: Language) -> int:
    """How many pages /full has."""
    return len(full_pages(article, lang))


@lru_cache(maxsize=256)
def full_page(article: Article, lang: Language, number: int) -> View:
    """Page ``number`` (1-based) of the full text, with previous / N of M / next buttons."""
    pages = full_pages(article, lang)
    total = len(pages)
    if not 1 <= number <= total:
        raise IndexError(number)
    header = t(lang, "full_header", title=heading(article), n=number, m=total)
    body = "\n\n".join(esc(block) for block in pages[number - 1])
    text = f"{header}\n\n{body}"
    return View(checked(text), pager_keyboard(article.id, "full", number, total, lang, lambda n: str(n)))


def pager_keyboard(
    article_id: str,
    view: str,
    number: int,
    total: int,
    lang: Language,
    arg: object,
    extra: list[list[InlineKeyboardButton]] | None = None,
) -> InlineKeyboardMarkup | None:
    """Previous / N of M / next buttons of page ``number`` of ``view``; ``arg(n)`` is page n's link argument."""
    assert callable(arg)
    row: list[InlineKeyboardButton] = []
    if number > 1:
        row.append(_button(t(lang, "btn_prev"), Link(view, article_id, arg(number - 1))))  # type: ignore[arg-type]
    if total > 1:
        row.append(_button(t(lang, "btn_page", n=number, m=total), Link("noop", article_id)))
    if number < total:
        row.append(_button(t(lang, "btn_next"), Link(view, article_id, arg(number + 1))))  # type: ignore[arg-type]
    rows = ([row] if row else []) + (extra or [])
    return Keyboard(rows) if rows else None


@lru_cache(maxsize=256)
def quotes_menu(article: Article, lang: Language) -> View:
    """Organisations (and speakers without one) with their statement counts."""
    groups = sources(article)
    if not groups:
        return View(t(lang, "no_statements"))
    text = t(lang, "quotes_menu", statements=plural(lang, "n_statements", len(article.statements)))
    rows = [
        [
            _button(
                t(lang, "source_entry", name=source_name(g.name, g.org_id, lang), count=len(g.statements)),
                Link("source", article.id, f"{g.index}.1"),
            )
        ]
        for g in groups
    ]
    return View(text, Keyboard(rows))


def statement_block(statement: Statement, lang: Language) -> str:
    """One statement: who said it, how, and the words in a blockquote."""
    who = esc(statement.speaker)
    if statement.role:
        who = t(lang, "speaker_role", speaker=who, role=esc(statement.role))
    key = "statement_direct" if statement.form == "direct" else "statement_reported"
    words = cut_text(statement.text, STATEMENT_MAX)
    return f"{t(lang, key, speaker=f'<b>{who}</b>')}\n<blockquote>{esc(words)}</blockquote>"


@bounded(PAGES_CACHE_BYTES, _pages_bytes)
def source_pages(article: Article, lang: Language, index: int) -> list[list[str]]:
    """The statements of the article's source ``index``, grouped into pages of rendered blocks.

    Keyed by the article (hashed by its id), not by the source, whose hash would go through
    every statement on each call.
    """
    blocks = [statement_block(statement, lang) for _, statement in sources(article)[index].statements]
    pages: list[list[str]] = [[]]
    used = 0
    for block in blocks:
        size = tg_len(block)
        if pages[-1] and used + size > SOURCE_PAGE_BUDGET:
            pages.append([])
            used = 0
        pages[-1].append(block)
        used += size + 2
    return pages


@lru_cache(maxsize=256)
def source_page(article: Article, lang: Language, index: int, number: int = 1) -> View:
    """Page ``number`` of the statements of source ``index``."""
    groups = sources(article)
    if not 0 <= index < len(groups):
        raise IndexError(index)
    source = groups[index]
    pages = source_pages(article, lang, index)
    if not 1 <= number <= len(pages):
        raise IndexError(number)
    name = esc(source_name(source.name, source.org_id, lang))
    header = t(lang, "source_header", name=name, count=len(source.statements), n=number, m=len(pages))
    text = header + "\n\n" + "\n\n".join(pages[number - 1])
    back = [[_button(t(lang, "btn_back_sources"), Link("quotes", article.id))]]
    keyboard = pager_keyboard(article.id, "source", number, len(pages), lang, lambda n: f"{index}.{n}", back)
    return View(checked(text), keyboard)


@lru_cache(maxsize=256)
def statement_view(article: Article, lang: Language, number: int) -> View:
    """One statement, on its own, with the article's title (for sharing)."""
    if not 0 <= number < len(article.statements):
        raise IndexError(number)
    statement = article.statements[number]
    text = f"{statement_block(statement, lang)}\n\n{t(lang, 'statement_in', title=heading(article))}"
    return View(checked(text), main_keyboard(article, lang))


@lru_cache(maxsize=256)
def help_view(article: Article, lang: Language, username: str) -> View:
    """The /help message, with the organisation shortcuts this article has."""
    lines = []
    for org in lexicon.organisations():
        if source_for_org(article, org.id) is not None:
            name = org.name if lang == "ar" else org.english
            lines.append(
                t(lang, "shortcut_line", label=t(lang, "org_statements_of", name=esc(name)), command=org.command)
            )
    return View(t(lang, "help", shortcuts="".join(lines), username=esc(username)))


@lru_cache(maxsize=256)
def about(article: Article, lang: Language) -> View:
    """Outlet, date, place, credited sources and the original link when known."""
    details = _details(article, lang)
    if article.dateline is not None and article.dateline.place:
        details += "\n" + t(lang, "about_place", place=esc(article.dateline.place))
    if article.credited_sources:
        details += "\n" + t(lang, "about_credited", sources=esc(join(lang, article.credited_sources)))
    text = t(
        lang,
        "about",
        title=heading(article),
        details=details,
        paragraphs=plural(lang, "n_paragraphs", len(article.paragraphs)),
        statements=plural(lang, "n_statements", len(article.statements)),
    )
    if article.url and article.url.startswith(("http://", "https://")):
        text += "\n" + t(lang, "about_link", url=esc(article.url))
    return View(checked(text))


ALERT_MAX = 200
"""The longest text Telegram shows in a callback query's answer."""


def alert(lang: Language, key: str, **values: object) -> str:
    """A UI sentence as a button's answer shows it: plain text (the answer takes no HTML), cut to fit."""
    return visible(t(lang, key, **values))[:ALERT_MAX]


def plain(lang: Language, key: str, **values: object) -> View:
    """A UI sentence on its own (errors, hints)."""
    return View(t(lang, key, **values))


def ids(lang: Language, user_id: int | None, chat_id: int | None) -> View:
    """The answer to /id: the user's id, and the chat's when it is another chat (a group, a channel)."""
    lines = [t(lang, "your_id", user_id=user_id)] if user_id is not None else []
    if chat_id is not None and chat_id != user_id:
        lines.append(t(lang, "chat_id", chat_id=chat_id))
    return View("\n".join(lines) or t(lang, "unknown"))


def counted(lang: Language, key: str, count: int, **values: object) -> View:
    """A UI sentence about a count, in the plural form the language wants for it."""
    return View(plural(lang, key, count, **values))


def channel_problems(lang: Language, channel: str, problems: list[str]) -> View:
    """Why /publish cannot post to ``channel`` (already escaped), the problems joined the language's way."""
    return View(t(lang, "channel_problems", channel=channel, problems=esc(t(lang, "problem_separator").join(problems))))


def channel_report(lang: Language, key: str, channel: str, posts: int, queued: int = 0) -> View:
    """What /publish and /unpublish tell the admin: ``key`` with the posts and the queued subscribers counted."""
    return View(
        t(lang, key, channel=channel, posts=plural(lang, "n_posts", posts), queued=plural(lang, "queued_for", queued))
    )


def checked(text: str) -> str:
    """``text`` (our HTML) unchanged; a ``ValueError`` when what Telegram shows of it is over its limit."""
    from bot.render.html import visible

    if tg_len(visible(text)) > MessageLimit.MAX_TEXT_LENGTH:
        raise ValueError("rendered message exceeds Telegram's limit")
    return text


LIST_PAGE_SIZE = 8
_BUTTON_TITLE = 60


def _short_title(title: str) -> str:
    return title if len(title) <= _BUTTON_TITLE else title[: _BUTTON_TITLE - 1].rsplit(" ", 1)[0] + "…"


def article_list(articles: Sequence[Article], lang: Language, number: int, latest_id: str) -> View:
    """Page ``number`` of the articles (newest first), one button each; pager buttons carry the latest id."""
    total = max(1, -(-len(articles) // LIST_PAGE_SIZE))
    if not 1 <= number <= total:
        raise IndexError(number)
    chunk = articles[(number - 1) * LIST_PAGE_SIZE : number * LIST_PAGE_SIZE]
    rows = [[_button(_short_title(a.title), Link("start", a.id))] for a in chunk]
    pager = pager_keyboard(latest_id, "list", number, total, lang, lambda n: str(n))
    keyboard = Keyboard(rows + list(pager.inline_keyboard if pager else []))
    return View(t(lang, "list_header", n=number, m=total), keyboard)


def search_key(query: str) -> str:
    """A short key for a search in callback data (the words themselves may not fit its 64 bytes)."""
    return hashlib.sha256(" ".join(normalise(query).split()).encode()).hexdigest()[:8]


def search_results(articles: list[Article], lang: Language, query: str, number: int = 1, latest_id: str = "") -> View:
    """Page ``number`` of the articles matching a search, one button each; the pager carries the search's key."""
    if not articles:
        return View(t(lang, "search_none", query=esc(query)))
    total = -(-len(articles) // LIST_PAGE_SIZE)
    if not 1 <= number <= total:
        raise IndexError(number)
    text = t(lang, "search_header", query=esc(query), results=plural(lang, "n_results", len(articles)))
    if total > 1:
        text += t(lang, "list_separator") + t(lang, "page_of", n=number, m=total)
    chunk = articles[(number - 1) * LIST_PAGE_SIZE : number * LIST_PAGE_SIZE]
    rows = [[_button(_short_title(a.title), Link("start", a.id))] for a in chunk]
    key = search_key(query)
    pager = pager_keyboard(latest_id, "search", number, total, lang, lambda n: f"{key}.{n}") if latest_id else None
    return View(checked(text), Keyboard(rows + list(pager.inline_keyboard if pager else [])))


@dataclass(frozen=True)
class LibrarySource:
    """One organisation's (or speaker's) statements across the library, newest article first."""

    index: int
    name: str
    items: tuple[tuple[Article, Statement], ...]

    @property
    def key(self) -> str:
        """A stable short key for buttons: the same source keeps it when the library changes."""
        return hashlib.sha256(self.name.encode()).hexdigest()[:8]


def library_sources(articles: Sequence[Article]) -> tuple[LibrarySource, ...]:
    """Statements of every article grouped by organisation; ``articles`` come newest first.

    Grouped once per library version: the same articles (``Registry.articles()`` hands out one
    tuple per version) find the groups made before.
    """
    return _library_sources(tuple(articles))


@lru_cache(maxsize=4)
def _library_sources(articles: tuple[Article, ...]) -> tuple[LibrarySource, ...]:
    groups: dict[str, list[tuple[Article, Statement]]] = {}
    for article in articles:
        for statement in article.statements:
            groups.setdefault(statement.org or statement.speaker, []).append((article, statement))
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    return tuple(LibrarySource(i, name, tuple(items)) for i, (name, items) in enumerate(ordered))


LIBRARY_MENU_PAGE = 20


@lru_cache(maxsize=4)
def _library_sources_by_key(articles: tuple[Article, ...]) -> dict[str, LibrarySource]:
    return {source.key: source for source in _library_sources(articles)}


def _library_block(article: Article, statement: Statement, lang: Language) -> str:
    return f"{statement_block(statement, lang)}\n{t(lang, 'statement_in', title=heading(article))}"


def _starts_bytes(starts: tuple[int, ...]) -> int:
    return 64 + 8 * len(starts)


@bounded(16 * 1024 * 1024, _starts_bytes)
def _library_page_starts(articles: tuple[Article, ...], lang: Language, key: str) -> tuple[int, ...]:
    """Where each page of a library source begins (indexes into its items): measured once, rendered per page."""
    starts = [0]
    used = 0
    for number, (article, statement) in enumerate(_library_sources_by_key(articles)[key].items):
        size = tg_len(_library_block(article, statement, lang))
        if number > starts[-1] and used + size > SOURCE_PAGE_BUDGET:
            starts.append(number)
            used = 0
        used += size + 2
    return tuple(starts)


def library_quotes_menu(articles: Sequence[Article], lang: Language, latest_id: str, number: int = 1) -> View:
    """Who said what across the library: page ``number`` of the sources with their counts, most quoted first."""
    groups = library_sources(articles)
    if not groups:
        return View(t(lang, "no_statements"))
    total = -(-len(groups) // LIBRARY_MENU_PAGE)
    if not 1 <= number <= total:
        raise IndexError(number)
    count = sum(len(g.items) for g in groups)
    text = t(
        lang,
        "library_quotes_menu",
        statements=plural(lang, "n_statements", count),
        articles=plural(lang, "n_articles_in", len(articles)),
    )
    rows = [
        [
            _button(
                t(lang, "source_entry", name=source_name(g.name, None, lang), count=len(g.items)),
                Link("source", latest_id, f"L{g.key}.1"),
            )
        ]
        for g in groups[(number - 1) * LIBRARY_MENU_PAGE : number * LIBRARY_MENU_PAGE]
    ]
    if total > 1:
        text += "\n" + t(lang, "page_of", n=number, m=total)
    pager = pager_keyboard(latest_id, "quotes", number, total, lang, lambda n: f"all.{n}")
    return View(text, Keyboard(rows + list(pager.inline_keyboard if pager else [])))


def library_source_page(
    articles: Sequence[Article], lang: Language, key: str, number: int, latest_id: str
) -> View:
    """Page ``number`` of one source's statements across the library, newest first, with article titles."""
    version = tuple(articles)
    source = _library_sources_by_key(version).get(key)
    if source is None:
        raise IndexError(key)
    starts = _library_page_starts(version, lang, key)
    if not 1 <= number <= len(starts):
        raise IndexError(number)
    end = starts[number] if number < len(starts) else len(source.items)
    blocks = [_library_block(article, st, lang) for article, st in source.items[starts[number - 1] : end]]
    name = esc(source_name(source.name, None, lang))
    header = t(lang, "source_header", name=name, count=len(source.items), n=number, m=len(starts))
    back = [[_button(t(lang, "btn_back_sources"), Link("quotes", latest_id, "all"))]]
    keyboard = pager_keyboard(latest_id, "source", number, len(starts), lang, lambda n: f"L{key}.{n}", back)
    return View(checked(header + "\n\n" + "\n\n".join(blocks)), keyboard)
