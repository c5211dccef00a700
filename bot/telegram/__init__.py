"""The thin Telegram shell: handlers that read an update, call ``bot.render`` and send."""
