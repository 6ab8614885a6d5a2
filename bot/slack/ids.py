"""The names Slack routes by: the command, action ids and metadata types. One place."""

COMMAND = "/llmtrend"

ACTION_MORE = "search_more"
#: After a typo correction: the search with the words as typed.
ACTION_SEARCH_EXACT = "search_exact"
ACTION_SHARE = "search_share"

#: How many results one message shows (More results shows the next as many).
PAGE_SIZE = 3

ACTION_AGREE = "search_agree"
#: Trend buttons carry their rank: trend_agree_0, trend_agree_1, … (distinct action_ids).
ACTION_TREND_AGREE_PREFIX = "trend_agree_"
#: On the Home tab there is no response_url: these buttons redraw the Home view in place.
ACTION_HOME_TREND_PREFIX = "home_trend_"
ACTION_HOME_BACK = "home_back"
#: "What changed": each topic's agree view (change_agree_0, …), and a longer window.
ACTION_CHANGE_AGREE_PREFIX = "change_agree_"
ACTION_CHANGES_WIDER = "changes_wider"
