"""Links to where a report lives (LLMTREND_SOURCE_URL), and Slack's `<url|label>` markup.

`SourceLinks.parse` checks the template once, at start-up, so a typo in a placeholder is a
settings error rather than a broken link in every answer. `link` is the only place that
writes Slack link markup: its label is text already escaped, and its URL is made safe for
the markup, so a report's text can never open a link of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

PLACEHOLDERS = ("path", "id", "section", "anchor")
_HINT = "use {path}, {id}, {section}, {anchor}"
_BRACES = re.compile(r"\{([^{}]*)\}|[{}]")
#: Schemes Slack may link to; anything else (javascript:, data:, file:) stays text.
LINK_SCHEMES = ("http://", "https://", "mailto:")
#: What would end or break `<url|label>`: the bar and brackets, spaces and control characters.
_URL_UNSAFE = re.compile(r"[|<>\s\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class SourceLinks:
    """A checked LLMTREND_SOURCE_URL: text and placeholders in turn."""

    #: Literal text at even indexes, placeholder names at odd ones.
    parts: tuple[str, ...]

    @classmethod
    def parse(cls, template: str) -> SourceLinks:
        """The template's parts; ValueError for an unknown placeholder, a stray brace or a
        template that is not an http(s) URL."""
        template = template.strip()
        parts: list[str] = []
        pos = 0
        for m in _BRACES.finditer(template):
            name = m.group(1)
            if name is None:
                raise ValueError(f"unmatched {m.group()!r} at character {m.start() + 1}; {_HINT}")
            if name not in PLACEHOLDERS:
                raise ValueError(f"unknown placeholder {{{name}}}; {_HINT}")
            parts += [template[pos : m.start()], name]
            pos = m.end()
        parts.append(template[pos:])
        split = urlsplit(template)
        if split.scheme.lower() not in ("http", "https") or not split.netloc:
            raise ValueError(
                "must be an http(s) URL such as https://github.com/acme/reports/blob/main/{path}"
            )
        return cls(tuple(parts))

    def url(self, report_path: str, report_id: str, section_number: int, anchor: str) -> str:
        """The link to one section: its report, at the section's heading when it has one.

        `report_path` is relative to the reports folder; every value is percent-encoded
        (slashes in the path kept). A template without {anchor} gets `#anchor` added unless
        it has a fragment of its own; a section without a heading links to the report.
        """
        values = {
            "path": quote(report_path.replace("\\", "/"), safe="/"),
            "id": quote(report_id, safe="/"),
            "section": quote(str(section_number), safe=""),
            "anchor": quote(anchor, safe="-_"),
        }
        out = "".join(p if k % 2 == 0 else values[p] for k, p in enumerate(self.parts))
        if "anchor" in self.parts[1::2]:
            return out[:-1] if not anchor and out.endswith("#") else out
        if anchor and not any("#" in text for text in self.parts[::2]):
            return f"{out}#{values['anchor']}"
        return out


def slack_url(url: str) -> str:
    """A URL safe inside `<…|…>`: & as &amp;, and | < > spaces and controls percent-encoded."""
    safe = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)
    return safe.replace("&", "&amp;")


def link(url: str, label_mrkdwn: str) -> str:
    """Slack link markup around a label that is already escaped mrkdwn.

    A URL with a scheme Slack should not open (javascript:, a relative path) gives the label
    alone: a link is always one we chose to make.
    """
    label = " ".join(label_mrkdwn.split())  # a line break inside the markup ends the link
    label = label.replace("<", "&lt;").replace(">", "&gt;")  # no markup nests in a label
    if not url.lower().startswith(LINK_SCHEMES):
        return label
    target = slack_url(url)
    return f"<{target}|{label}>" if label else f"<{target}>"
