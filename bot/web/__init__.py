"""The web: pages and feeds fetched over HTTP(S) and read (the feed source is :mod:`bot.articles.feeds`)."""
