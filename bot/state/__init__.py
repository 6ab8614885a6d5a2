"""The state store: event claims, digest subscriptions and claims, first-seen reports.

`schema` defines the tables and their append-only migrations, `connect` turns
LLMTREND_STATE_URL into an engine, `store` is the async API the app uses. SQLAlchemy Core
on SQLite or PostgreSQL; imports nothing from Slack.
"""
