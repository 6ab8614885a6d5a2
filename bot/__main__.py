"""`python -m bot` runs the `llmtrend` command."""

import sys

from bot.cli.main import main

sys.exit(main())
