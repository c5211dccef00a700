"""The article service: where articles come from, how they are loaded, and what is served.

- :mod:`bot.articles.registry`: the articles being served (current versions by slot, every
  version by id, the order, the search index) and the problems of the sources;
- :mod:`bot.articles.folder`: the folder of files (``BOT_LIBRARY_DIR``) and which files are new,
  changed, removed or broken;
- :mod:`bot.articles.worker`: the loader, :class:`~bot.articles.worker.ParseWorker` (through the
  parse cache of :mod:`bot.articles.cache`; large files in a parsing child process);
- :mod:`bot.articles.feeds`: the feeds (``BOT_FEED_URLS``) polled for new and changed entries;
- :mod:`bot.articles.corrections`: the admins' corrections, held by slot, as the service's corrector;
- :mod:`bot.articles.service`: :class:`~bot.articles.service.ArticleService`, which joins the
  sources (one file, the folder, the feeds), applies the newsroom's corrections and hands what
  is new or changed to delivery.

This package imports nothing at import time: the parsing child imports :mod:`bot.articles.worker`
alone, with the article core.
"""
