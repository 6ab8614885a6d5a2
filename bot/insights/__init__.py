"""Insight across reports: section similarity, trends (groups of sections from different
reports), their labels and summaries, which reports agree, and the points they share.

May import `bot.reports`, `bot.text` and `bot.search`; imports nothing from Slack.
"""
