"""``python -m bot``: see :mod:`bot.cli`."""

import os

# Opt in to python-telegram-bot's coming behaviour (durations as timedelta) instead of a warning per 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
