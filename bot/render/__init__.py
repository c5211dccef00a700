"""Article -> Telegram messages: pure functions, every length limit and HTML escape in one place."""
