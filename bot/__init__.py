"""llmtrend: ask a folder of markdown trend reports questions, in Slack or a terminal."""

__version__ = "0.1.0"
