"""Deliver an Arabic news article through Telegram.

The package is layered: ``bot.article`` turns a scraped page into a typed :class:`Article`
(no Telegram code), ``bot.render`` turns an Article into Telegram messages (pure functions),
``bot.telegram`` holds the thin handlers and the application wiring, ``bot.store`` what must
survive a restart.
"""

__version__ = "0.1.0"
