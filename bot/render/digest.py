"""Block Kit for daily digests and the `/llmtrend digest` replies (pure functions)."""

from __future__ import annotations

from datetime import datetime

from bot.digests.commands import DigestOutcome
from bot.digests.content import NEW_SHOWN, Digest
from bot.render import strings
from bot.render.blocks import (
    Block,
    Message,
    actions,
    button,
    context,
    divider,
    header,
    message,
    section,
    section_with_button,
)
from bot.render.mrkdwn import plain
from bot.render.search import read_button
from bot.slack import ids
from bot.state.records import Subscription

#: Topic buttons under "what changed" (the agree views), at most.
MAX_DIGEST_BUTTONS = 4

#: Message metadata on every digest: recovery looks for it before posting again.
DIGEST_EVENT_TYPE = "llmtrend_digest"


def digest_metadata(digest: Digest, channel: str) -> dict[str, object]:
    return {
        "event_type": DIGEST_EVENT_TYPE,
        "event_payload": {"date": digest.date.isoformat(), "channel": channel},
    }


def digest_message(digest: Digest) -> Message:
    """The digest: new reports, trend of the day, consensus, buttons to the agree views."""
    day = f"{digest.date:%A %d %B %Y}"
    blocks: list[Block] = [header(f"Trend digest · {day}")]
    fallback: list[str] = [f"Trend digest for {digest.date.isoformat()}"]
    if digest.new_reports:
        blocks.append(section("*New since the last digest*"))
        for rank, new in enumerate(digest.new_reports[:NEW_SHOWN]):
            r = new.report
            strongest = " · ".join(f"§{s.number} {plain(s.title, 80)}" for s in new.strongest)
            line = f"• *{plain(r.title or r.id, 150)}* `{plain(r.id, 80)}`\n    {strongest}"
            if new.strongest:  # Read: the report's strongest section, whole
                blocks.append(section_with_button(line, read_button(new.strongest[0], rank)))
            else:
                blocks.append(section(line))
        more = len(digest.new_reports) - NEW_SHOWN
        if more > 0:
            blocks.append(context(f"_…and {more} more new reports_"))
        fallback.append(f"{len(digest.new_reports)} new reports")
    else:
        blocks.append(
            context(f"No new reports since the last digest · {digest.total_reports} reports loaded")
        )
    buttons: list[dict[str, object]] = []
    changes = digest.changes
    if changes is not None and (changes.new or changes.rising):
        lines = []
        for kind in ("new", "rising"):
            for change in getattr(changes, kind):
                name = strings.CHANGES_KINDS[kind][0]
                counts = strings.changes_counts(
                    kind,
                    change.reports_in_window,
                    changes.window.with_news if changes.window else 0,
                    change.reports_before,
                    changes.baseline.with_news if changes.baseline else 0,
                )
                lines.append(f"• {name}: *{plain(change.label, 120)}* — {counts}")
                if len(buttons) < MAX_DIGEST_BUTTONS:
                    buttons.append(
                        button(
                            change.label[:60],
                            f"{ids.ACTION_CHANGE_AGREE_PREFIX}{len(buttons)}",
                            {"q": change.label},
                        )
                    )
        blocks.append(divider())
        blocks.append(section("*What changed*\n" + "\n".join(lines)))
        fallback.append("What changed: " + ", ".join(c.label for c in changes.new + changes.rising))
    trend = digest.trend_of_the_day
    if trend is not None:
        summary = "\n".join(
            f">{plain(x.sentence, 300)} _({plain(x.report, 40)} §{x.section})_"
            for x in trend.summary[:2]
        )
        blocks.append(divider())
        blocks.append(
            section(
                f"*Trend of the day: {plain(trend.label, 150)}* · "
                f"{len(trend.reports)} of {digest.total_reports} reports\n{summary}"
            )
        )
        buttons.append(
            button(
                "Which reports agree?",
                f"{ids.ACTION_TREND_AGREE_PREFIX}0",
                {"t": trend.id, "q": trend.label},
            )
        )
        fallback.append(f"Trend of the day: {trend.label}")
    elif digest.trends_pending:
        blocks.append(context("The trends are still being computed: no trend of the day yet."))
    if digest.consensus:
        line = " · ".join(
            f"{plain(t.label, 60)} {len(t.reports)}/{digest.total_reports}"
            for t in digest.consensus
        )
        blocks.append(section(f"*Where most reports agree:* {line}"))
        for i, t in enumerate(digest.consensus[:4], start=1):
            if t is not trend:
                buttons.append(
                    button(
                        t.label, f"{ids.ACTION_TREND_AGREE_PREFIX}{i}", {"t": t.id, "q": t.label}
                    )
                )
    if buttons:
        blocks.append(actions(*buttons))
    if len(blocks) == 1:
        blocks.append(section("No reports are loaded yet, so there is nothing to digest."))
    blocks.append(context("Daily digest from llmtrend · `/llmtrend digest off` to stop it"))
    return message(" · ".join(fallback), blocks)


def subscription_status(sub: Subscription | None, last_sent: datetime | None) -> Message:
    """`/llmtrend digest`: this channel's digest state."""
    if sub is None:
        return message(strings.DIGEST_NONE, [section(strings.DIGEST_NONE)])
    state = "on" if sub.enabled else "off"
    head = f"Daily digest is {state} for this channel: {sub.time} ({sub.tz})"
    paused = f"Paused: {sub.paused_reason}" if sub.paused_reason else ""
    sent = f"Last sent: {last_sent:%Y-%m-%d %H:%M} UTC" if last_sent else "Not sent yet."
    lines = [f"*{plain(head, 300)}*"]
    if paused:
        lines.append(f":warning: {plain(paused, 300)}")
    lines.append(sent)
    fallback = " · ".join(part for part in (head, paused, sent) if part)
    return message(fallback, [section("\n".join(lines))])


def digest_reply(text: str) -> Message:
    """A short answer to a digest command (escaped here)."""
    return message(text, [section(plain(text, 2900))])


def digest_command_reply(outcome: DigestOutcome) -> Message:
    """The reply to `/llmtrend digest …`, from what the command did."""
    if outcome.kind == "status":
        return subscription_status(outcome.subscription, outcome.last_sent)
    if outcome.kind == "preview" and outcome.digest is not None:
        return digest_message(outcome.digest)
    if outcome.kind == "on" and outcome.subscription is not None and outcome.first_run:
        sub = outcome.subscription
        text = strings.digest_on_text(sub.time, sub.tz, outcome.first_run, outcome.weekdays_only)
        if outcome.can_post is False:
            text += " " + strings.DIGEST_INVITE_HINT
        return digest_reply(text)
    fixed = {
        "never_on": strings.DIGEST_NEVER_ON,
        "off": strings.DIGEST_OFF,
        "loading": strings.LOADING,
    }
    return digest_reply(outcome.error or fixed.get(outcome.kind, strings.DIGEST_HOW_TO))
