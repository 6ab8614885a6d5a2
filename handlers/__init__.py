"""Slack listeners: thin functions that parse a payload, call the core and send a render.

`register_handlers` wires every surface and returns what it registered, so a test can hold
it against the app manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps


@dataclass
class Registered:
    """What the app listens to: compared with deploy/manifest*.yml in tests."""

    commands: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


def register_handlers(app: AsyncApp, deps: Deps) -> Registered:
    """Register every listener module; each knows its own ids."""
    from handlers import actions, commands, errors, feedback, home, lifecycle, mentions, sections

    registered = Registered()
    errors.register(app, deps)
    commands.register(app, deps, registered)
    mentions.register(app, deps, registered)
    actions.register(app, deps, registered)
    home.register(app, deps, registered)
    sections.register(app, deps, registered)
    feedback.register(app, deps, registered)
    lifecycle.register(app, deps, registered)
    return registered
