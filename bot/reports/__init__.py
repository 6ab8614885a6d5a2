"""Reading reports: the records (Section, Report, Corpus), the folder loader, the parser and
the folder watcher.

The parser is pure (text in, `Report` out: `scan` finds what looks like structure, `outline`
chooses the sections); only `loader` and `watch` touch files. Imports nothing from Slack and
nothing from the other packages but the standard library.
"""
