"""The `llmtrend` command line: subcommands, the local console (`llmtrend chat`), Block Kit
shown as terminal text, and the readable text and JSON that `--json` prints (a public
interface: fields are added, never renamed or removed).
"""
