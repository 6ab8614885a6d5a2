"""The names Slack routes by: the command, action ids and metadata types. One place."""

COMMAND = "/llmtrend"

ACTION_MORE = "search_more"
ACTION_SHARE = "search_share"

#: How many results one message shows (More results shows the next as many).
PAGE_SIZE = 3
