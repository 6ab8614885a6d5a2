"""What a user asked (`parse`: slash text, a mention or a DM → a request record) and the
one function every surface calls to answer it (`answer`: request → message).

Slack handlers and the local console both go through here, so they answer alike. Imports the
core and `bot.render`, nothing from Slack's SDK.
"""
