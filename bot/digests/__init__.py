"""Daily digests: what one says (`content`), when one is due (`schedule`), the commands
that manage a channel's subscription (`commands`) and the runner that posts exactly once.

`content`, `schedule` and `commands` are Slack-free; `runner` posts through a Web API client.
"""
