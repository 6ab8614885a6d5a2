"""👍/👎 under answers: each answer is kept with its question and citations (so a verdict
says what it was about), and a click is stored, one verdict per user per answer.

The click is acknowledged privately, through the interaction's response_url.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.ask.answer import Answered
from bot.deps import Deps
from bot.render import replies
from bot.slack import ids
from bot.slack.client import response_client
from bot.slack.observed import request_ids
from bot.state.records import AnswerRecord
from handlers import Registered

logger = logging.getLogger("llmtrend.feedback")


#: What new_answer_id makes; a click carrying anything else is forged or garbled.
ANSWER_ID = re.compile(r"[0-9a-f]{16}")


def new_answer_id() -> str:
    """An answer's id: carried in its feedback buttons (ephemeral answers have no ts)."""
    return uuid.uuid4().hex[:16]


def keep(deps: Deps, answered: Answered, answer_id: str, team: str, user: str) -> None:
    """Store a rated answer (its question, citations, hits) in the background."""
    if answered.kind not in ("search", "agree", "trends", "changes"):
        return
    record = AnswerRecord(
        team_id=team,
        answer_id=answer_id,
        user_id=user,
        kind=answered.kind,
        query=answered.query,
        citations=answered.citations,
        hits=answered.hits,
        created_at=deps.clock(),
    )
    deps.tasks.spawn(deps.store.record_answer(record), name="keep-answer")


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    @app.action(ids.ACTION_FEEDBACK)
    async def on_feedback(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Store the verdict (a second click replaces it) and thank the user privately."""
        await ack()
        verdict, _, answer_id = str(action.get("value") or "").partition(":")
        team = context.team_id or (body.get("team") or {}).get("id") or ""
        user = context.user_id or ""
        if verdict not in ("up", "down") or not ANSWER_ID.fullmatch(answer_id) or not user:
            logger.info("ignored a feedback click without a verdict or answer id")
            return
        url = body.get("response_url")

        async def work() -> None:
            now = deps.clock()
            await deps.store.record_feedback(team, answer_id, user, verdict, now)  # type: ignore[arg-type]
            if url:
                thanks = replies.thanks(verdict)
                payload = {"response_type": "ephemeral", "replace_original": False, **thanks}
                await response_client(url).send_dict(payload)

        async def on_error(_exc: BaseException) -> None:
            if url:
                payload = {"response_type": "ephemeral", "replace_original": False}
                await response_client(url).send_dict({**payload, **replies.error()})

        deps.tasks.spawn(work(), name="feedback", ids=request_ids(context, body), on_error=on_error)

    registered.actions.append(ids.ACTION_FEEDBACK)
