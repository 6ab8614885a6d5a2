"""Text analysis: report markdown to plain text and sentences, words to index terms
(stemming, compounds, acronyms), stopword lists and typo correction.

Everything that shapes ranking happens here, as tokens. May import `bot.reports`; imports
nothing from Slack.
"""
