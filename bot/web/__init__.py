"""The web: pages and feeds fetched over HTTP(S), and the feed poller that turns them into articles."""
