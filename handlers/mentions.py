"""@-mentions (answered in the thread), follow-ups in the threads the bot answered in
(no mention needed, understood against the thread's last question), and direct and group
direct messages (answered there).

Slack retries an event not acked in 3 s, possibly while the first delivery is still being
handled, so each event is claimed in the shared state store before anything is sent; the
message itself (channel + ts) is claimed too, so an `app_mention` and a `message` event
for the same message never both get a reply.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.ask.answer import answer_off_loop
from bot.ask.followup import THREAD_MEMORY, Asked, asks_the_bot, follow_up
from bot.ask.parse import Request
from bot.deps import Deps
from bot.slack.observed import request_ids
from handlers import Registered
from handlers.errors import notify_thread, notify_thread_after
from handlers.feedback import keep, new_answer_id

logger = logging.getLogger("llmtrend.messages")

#: Message subtypes that still carry something a person asked.
_ANSWERED_SUBTYPES = frozenset({None, "file_share"})


def is_from_a_person(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """False for bots (ourselves included), edits, deletions, broadcasts and other subtypes."""
    if event.get("bot_id") or event.get("bot_profile"):
        return False
    if event.get("subtype") not in _ANSWERED_SUBTYPES:
        return False
    user = event.get("user")
    return bool(user) and user != bot_user_id


#: Stands for "some earlier question" when screening a thread message before its thread
#: is looked up: a follow-up ("more") could only be meant for the bot if there was one.
ANY_QUESTION = Asked(Request("search"))


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    async def reply(
        context: AsyncBoltContext,
        body: dict[str, Any],
        event: dict[str, Any],
        *,
        in_dm: bool,
        last: Asked | None = None,
    ) -> None:
        team = body.get("team_id") or ""
        channel = event.get("channel") or ""
        ts = event.get("ts") or ""
        now = deps.clock()
        thread_ts = event.get("thread_ts") or (None if in_dm else ts)
        try:
            first = await deps.store.claim_event(team, body.get("event_id") or f"ts:{ts}", now)
            only = first and await deps.store.claim_event(team, f"message:{channel}:{ts}", now)
            if only and last is None and thread_ts and thread_ts != ts:  # a mention in a thread
                last = Asked.loads(await remembered(team, channel, thread_ts))
        except Exception:  # the state store is down: say so rather than stay silent
            logger.exception("could not claim event %s", body.get("event_id"))
            notify = notify_thread(context.client, channel, thread_ts)
            deps.tasks.spawn(notify, name="notify-error")
            return
        if not first:
            deps.metrics.dedupe_hits.inc()
            logger.info("event %s already claimed (a Slack retry)", body.get("event_id"))
            return
        if not only:
            deps.metrics.dedupe_hits.inc()
            logger.info("message %s:%s already answered by another event", channel, ts)
            return
        asked = follow_up(event.get("text"), last)
        user = event.get("user") or ""

        async def send() -> None:
            answer_id = new_answer_id()
            done = await answer_off_loop(
                asked.request,
                deps.live,
                shareable=False,
                offset=asked.offset,
                answer_id=answer_id,
                links=deps.settings.source_links,
            )
            await context.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, **done.message
            )
            keep(deps, done, answer_id, team, user)
            if thread_ts:  # later messages in this thread are follow-ups
                await deps.store.remember_thread(team, channel, thread_ts, asked.dumps(), now)

        async def on_error(exc: BaseException) -> None:
            await notify_thread_after(
                context.client, exc, channel, thread_ts, ts, context.bot_user_id
            )

        deps.tasks.spawn(send(), name="reply", ids=request_ids(context, body), on_error=on_error)

    async def remembered(team: str, channel: str, thread_ts: str) -> str | None:
        return await deps.store.thread_query(team, channel, thread_ts, deps.clock() - THREAD_MEMORY)

    @app.event("app_mention")
    async def on_mention(
        ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A mention in a channel: answered visibly in the mention's thread."""
        await ack()
        if is_from_a_person(event, context.bot_user_id):
            await reply(context, body, event, in_dm=False)

    @app.event("message")
    async def on_message(
        ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A direct or group-direct message: answered there. In a channel, only a reply in
        a thread the bot answered in (a follow-up); the rest is app_mention's job."""
        await ack()
        if not is_from_a_person(event, context.bot_user_id):
            return
        kind = event.get("channel_type")
        if kind in ("im", "mpim"):
            await reply(context, body, event, in_dm=True)
            return
        thread_ts, ts = event.get("thread_ts"), event.get("ts")
        if kind not in ("channel", "group") or not thread_ts or thread_ts == ts:
            return
        if not asks_the_bot(event.get("text"), ANY_QUESTION, context.bot_user_id):
            return  # chatter: not worth a database read, whoever's thread it is
        team, channel = body.get("team_id") or "", event.get("channel") or ""
        try:
            last = Asked.loads(await remembered(team, channel, thread_ts))
        except Exception:
            logger.exception("could not look up thread %s:%s", channel, thread_ts)
            return  # a thread we may never have answered in: stay out of it
        if last is not None and asks_the_bot(event.get("text"), last, context.bot_user_id):
            await reply(context, body, event, in_dm=False, last=last)

    registered.events.extend(
        ["app_mention", "message.im", "message.mpim", "message.channels", "message.groups"]
    )
