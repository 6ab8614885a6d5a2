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

#: 👍/👎 under an answer (feedback_buttons; the value is "up:ANSWER_ID" or "down:…").
ACTION_FEEDBACK = "answer_feedback"

#: A result's "Read" button opens the whole section in a modal (read_section_0, …).
ACTION_READ_PREFIX = "read_section_"
#: In the section modal: neighbouring sections and pages, redrawn with views.update.
ACTION_SECTION_PREVIOUS = "section_previous"
ACTION_SECTION_NEXT = "section_next"
ACTION_PAGE_PREVIOUS = "section_page_previous"
ACTION_PAGE_NEXT = "section_page_next"
#: The section modal's callback id.
SECTION_VIEW = "section_view"

#: The bot scopes the app asks for when installed (the manifests list the same; a test
#: holds them together). Why each: README, Connect to Slack.
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "groups:history",
    "groups:read",
    "im:history",
    "mpim:history",
    "mpim:read",
    "users:read",
    "assistant:write",
)
#: Several workspaces: where the "Add to Slack" flow starts, and where Slack sends it back.
INSTALL_PATH = "/slack/install"
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"
