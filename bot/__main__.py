"""`python -m bot` runs the `llmtrend` command."""

import sys

from bot.cli import main

sys.exit(main())
