"""``python -m bot preview VIEW``: what the bot would send, as text, without Telegram."""

from __future__ import annotations

from bot.article.model import Article
from bot.i18n import Language
from bot.render import views
from bot.render.views import View


def render_preview(article: Article, view: str, number: int, lang: Language) -> str:
    """The message (HTML as sent) and its buttons, for one view."""
    rendered: View
    if view == "start":
        rendered = views.welcome(article, lang)
    elif view == "summary":
        rendered = views.summary(article, lang)
    elif view == "full":
        rendered = views.full_page(article, lang, number)
    elif view == "quotes":
        rendered = views.quotes_menu(article, lang)
    elif view == "source":
        rendered = views.source_page(article, lang, number - 1)
    elif view == "statement":
        rendered = views.statement_view(article, lang, number - 1)
    elif view == "help":
        rendered = views.help_view(article, lang, "your_bot")
    else:
        rendered = views.about(article, lang)
    out = [rendered.text]
    if rendered.keyboard is not None:
        for row in rendered.keyboard.inline_keyboard:
            out.append(" | ".join(f"[{button.text}]" for button in row))
    return "\n".join(out)
