"""Reading a whole section: the Read buttons and `/llmtrend show` open a modal
(views.open, with the interaction's trigger_id, which Slack lets us use once and for 3 s);
its Previous/Next buttons redraw it in place (views.update: Slack allows only two pushed
views). When Slack refuses the modal, the section comes as a message instead."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError

from bot.ask.parse import Request
from bot.deps import Deps
from bot.render import replies
from bot.render.section_view import section_modal, section_url, show_text
from bot.search.lookup import FoundSection, find_section, section_at
from bot.slack import ids
from bot.slack.client import response_client
from bot.slack.observed import request_ids
from handlers import Registered

logger = logging.getLogger("llmtrend.sections")


def _pressed(action: dict[str, Any]) -> tuple[str, int, int]:
    """(report id, position, page) from a Read or Previous/Next button's value."""
    try:
        data = json.loads(action.get("value") or "{}")
        return str(data.get("r") or ""), int(data.get("p") or 0), int(data.get("g") or 0)
    except (ValueError, TypeError, AttributeError):
        return "", -1, 0


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    def lookup(report_id: str, position: int) -> FoundSection:
        engine = deps.live.current
        if engine is None:
            return FoundSection(error="no_report", asked=report_id)
        return section_at(engine, report_id, position)

    def view_of(found: FoundSection, page: int) -> dict[str, Any]:
        return section_modal(found, page, section_url(found, deps.settings.source_links))

    async def as_message(found: FoundSection, response_url: str | None) -> None:
        url = section_url(found, deps.settings.source_links)
        await _send_text(await asyncio.to_thread(show_text, found, url), response_url)

    async def on_read(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A result's Read button: open the section (the trigger lasts 3 s: at once)."""
        await ack()  # the HTTP answer goes out when this returns: the work is a task
        report_id, position, page = _pressed(action)
        trigger = body.get("trigger_id") or ""

        async def work() -> None:
            found = await asyncio.to_thread(lookup, report_id, position)
            view = await asyncio.to_thread(view_of, found, page)
            try:
                await context.client.views_open(trigger_id=trigger, view=view)
            except SlackApiError:
                await as_message(found, body.get("response_url"))
                raise  # logged, with the request's ids

        deps.tasks.spawn(work(), name="read-section", ids=request_ids(context, body))

    async def on_move(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Previous/Next section or page, inside the modal: redraw it in place."""
        await ack()
        report_id, position, page = _pressed(action)
        current = body.get("view") or {}

        async def work() -> None:
            view = await asyncio.to_thread(lambda: view_of(lookup(report_id, position), page))
            await context.client.views_update(
                view_id=current.get("id"), hash=current.get("hash"), view=view
            )

        deps.tasks.spawn(work(), name="move-section", ids=request_ids(context, body))

    app.action(re.compile(rf"^{ids.ACTION_READ_PREFIX}\d+$"))(on_read)
    for action_id in (
        ids.ACTION_SECTION_PREVIOUS,
        ids.ACTION_SECTION_NEXT,
        ids.ACTION_PAGE_PREVIOUS,
        ids.ACTION_PAGE_NEXT,
    ):
        app.action(action_id)(on_move)
    registered.actions.extend(
        [
            f"{ids.ACTION_READ_PREFIX}*",
            ids.ACTION_SECTION_PREVIOUS,
            ids.ACTION_SECTION_NEXT,
            ids.ACTION_PAGE_PREVIOUS,
            ids.ACTION_PAGE_NEXT,
        ]
    )


async def show(
    ack: AsyncAck, deps: Deps, command: dict[str, Any], request: Request, context: AsyncBoltContext
) -> None:
    """`/llmtrend show REPORT N`: the section in a modal; a name that finds nothing (or a
    modal Slack refuses) is answered in the ack / as a message instead."""
    engine = deps.live.current
    if engine is None:
        await ack(response_type="ephemeral", **replies.loading())
        return
    found = await asyncio.to_thread(find_section, engine, request.text)
    url = section_url(found, deps.settings.source_links)
    if found.section is None:
        await ack(response_type="ephemeral", **show_text(found, url))
        return
    await ack()
    trigger = command.get("trigger_id") or ""

    async def work() -> None:
        view = await asyncio.to_thread(section_modal, found, 0, url)
        try:
            await context.client.views_open(trigger_id=trigger, view=view)
        except SlackApiError:
            message = await asyncio.to_thread(show_text, found, url)
            await _send_text(message, command.get("response_url"))
            raise  # logged, with the request's ids

    deps.tasks.spawn(work(), name="show-section", ids=request_ids(context, command))


async def _send_text(message: dict[str, Any], response_url: str | None) -> None:
    """Slack refused the modal (an expired trigger, say): the section as a message."""
    if response_url:
        payload = {"response_type": "ephemeral", "replace_original": False, **message}
        await response_client(response_url).send_dict(payload)
