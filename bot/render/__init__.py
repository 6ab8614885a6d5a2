"""Rendering: pure functions from core results to Block Kit message dicts.

`blocks` keeps Slack's limits by construction, `mrkdwn` escapes and converts report markdown,
one module per answer (`search`, `reports`, `trends`, `digest`, `replies`), and `strings`
holds user-facing sentences. Imports the core and `bot.slack.ids` (action ids), never a client.
"""
