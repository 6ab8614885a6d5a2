"""Search: the exact BM25 index (rank-bm25's scores), excerpts, the search engine, the
on-disk cache of a built engine and the live engine swapped whole on reload.

May import `bot.reports`, `bot.text` and `bot.insights` (the live engine computes trends
once per load); imports nothing from Slack.
"""
