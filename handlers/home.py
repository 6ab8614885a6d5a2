"""The App Home tab: the trend dashboard, redrawn in place by its own buttons.

Home-tab buttons have no response_url, so a trend's agree view is published into the
Home view itself, with a button back to the dashboard.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.ask.buttons import parse_press
from bot.ask.home import agree_page_off_loop, dashboard_off_loop
from bot.ask.prompts import suggested_prompts
from bot.deps import Deps
from bot.slack import ids
from bot.slack.observed import request_ids
from bot.state.records import FeedbackSummary
from handlers import Registered

logger = logging.getLogger("llmtrend.home")


#: The admins' feedback summary on the Home tab covers this many days.
FEEDBACK_DAYS = 30


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    async def feedback_for(client: AsyncWebClient, user: str, team: str) -> FeedbackSummary | None:
        """The feedback summary, for a workspace admin or owner only (users.info says)."""
        try:
            info = await client.users_info(user=user)
        except Exception:  # can't tell: show the dashboard without it
            logger.warning("users.info failed; Home tab without the feedback summary")
            return None
        person = info.get("user") or {}
        if not (person.get("is_admin") or person.get("is_owner")):
            return None
        since = deps.clock() - timedelta(days=FEEDBACK_DAYS)
        answers, no_hits = await deps.store.feedback_since(since, team or None)
        return FeedbackSummary(since, FEEDBACK_DAYS, tuple(answers), tuple(no_hits))

    def dashboard_for(client: AsyncWebClient, user: str, team: str) -> Any:
        async def make() -> dict[str, Any]:
            return await dashboard_off_loop(deps.live, await feedback_for(client, user, team))

        return make

    async def dashboard() -> dict[str, Any]:
        return await dashboard_off_loop(deps.live)

    async def set_prompts(client: AsyncWebClient, channel: str) -> None:
        prompts = await asyncio.to_thread(suggested_prompts, deps.live)
        await client.assistant_threads_setSuggestedPrompts(
            channel_id=channel,  # no thread_ts: in the Messages tab it makes the call fail
            prompts=[{"title": p.title, "message": p.message} for p in prompts],
        )

    def publish(
        user: str, make: Any, context: AsyncBoltContext, body: dict[str, Any], name: str
    ) -> None:
        async def work() -> None:
            await context.client.views_publish(user_id=user, view=await make())

        deps.tasks.spawn(work(), name=name, ids=request_ids(context, body))

    @app.event("app_home_opened")
    async def on_home_opened(
        ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Draw the dashboard whenever someone opens the Home tab; in the Messages tab (the
        agent view), offer suggested prompts from the live reports."""
        await ack()
        user = event.get("user")
        if event.get("tab") == "home" and user:
            team = context.team_id or body.get("team_id") or ""
            publish(user, dashboard_for(context.client, user, team), context, body, "home")
        elif event.get("tab") == "messages" and event.get("channel"):
            deps.tasks.spawn(
                set_prompts(context.client, event["channel"]),
                name="prompts",
                ids=request_ids(context, body),
            )

    @app.action(re.compile(rf"^{ids.ACTION_HOME_TREND_PREFIX}\d+$"))
    async def on_home_trend(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A trend's agree view, in place of the dashboard."""
        await ack()

        async def view() -> dict[str, Any]:
            press = parse_press(action.get("action_id") or "", action.get("value"))
            return await agree_page_off_loop(press.request, deps.live)

        publish(body["user"]["id"], view, context, body, "home-agree")

    @app.action(ids.ACTION_HOME_BACK)
    async def on_home_back(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """Back to the dashboard."""
        await ack()
        publish(body["user"]["id"], dashboard, context, body, "home")

    registered.events.append("app_home_opened")
    registered.actions.extend([f"{ids.ACTION_HOME_TREND_PREFIX}*", ids.ACTION_HOME_BACK])
