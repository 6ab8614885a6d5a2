"""The App Home tab: the trend dashboard, redrawn in place by its own buttons.

Home-tab buttons have no response_url, so a trend's agree view is published into the
Home view itself, with a button back to the dashboard.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.ask.buttons import parse_press
from bot.ask.home import agree_page_off_loop, dashboard_off_loop
from bot.deps import Deps
from bot.slack import ids
from bot.slack.observed import request_ids
from handlers import Registered


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    async def dashboard() -> dict[str, Any]:
        return await dashboard_off_loop(deps.live)

    def publish(
        user: str, make: Any, context: AsyncBoltContext, body: dict[str, Any], name: str
    ) -> None:
        async def work() -> None:
            await deps.client.views_publish(user_id=user, view=await make())

        deps.tasks.spawn(work(), name=name, ids=request_ids(context, body))

    @app.event("app_home_opened")
    async def on_home_opened(
        ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Draw the dashboard whenever someone opens the Home tab."""
        await ack()
        if event.get("tab") == "home" and event.get("user"):
            publish(event["user"], dashboard, context, body, "home")

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
