"""Slack wiring: the Bolt app and its aiohttp server, Web API clients with retries, request
observation (metrics and one log line per request), tracked background tasks, and the ids
Slack routes by (command, action ids, metadata types).

The only package, with `handlers/` and `digests.runner`, that imports slack_bolt/slack_sdk.
"""
