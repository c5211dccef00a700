# The Arabic news bot in a container: `docker build -t arabic-news-bot .`, then
# `docker run --env-file .env -v bot-data:/data arabic-news-bot` (or `docker compose up -d`, see compose.yaml).
# No token is baked in: BOT_TOKEN and the other settings come from the environment at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A dedicated user (uid 10001, numeric for runAsNonRoot) without a login shell or a home; it owns only /data.
RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin bot \
    && mkdir -p /data/article-cache \
    && chown -R bot:bot /data

# The project, installed from the source tree (a regular install, not editable: /app is only the build input).
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . && rm -rf /app/build /app/*.egg-info

# The store (SQLite) and the parse cache live on the volume, so a new container keeps subscribers,
# channel posts, the outbox and parsed articles.
ENV BOT_DB_PATH=/data/bot.sqlite3 \
    BOT_CACHE_DIR=/data/article-cache
VOLUME ["/data"]
WORKDIR /data

USER 10001:10001

# Webhook mode only (BOT_MODE=webhook, BOT_WEBHOOK_LISTEN=0.0.0.0); polling needs no port.
EXPOSE 8443

# `python -m bot check`: settings, token (getMe), channel rights, store writable, cache folder;
# exit 0 when all is ready. Works in polling and webhook mode alike (about a second, two Bot API calls).
HEALTHCHECK --interval=2m --timeout=30s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "check"]

CMD ["python", "-m", "bot"]
