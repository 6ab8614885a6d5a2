"""Prometheus metrics: one registry per app, served on its own port (LLMTREND_METRICS_PORT).

A registry per app (not the global default) keeps tests and several apps in one process
apart. Counters are read by Prometheus; gauges for the index are set on each swap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


@dataclass
class Metrics:
    """Every metric the app exports."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter(
            "llmtrend_requests", "Slack requests handled", ["kind", "outcome"], registry=r
        )
        self.latency = Histogram(
            "llmtrend_request_seconds",
            "Time to answer a Slack request (to the ack)",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.reports = Gauge("llmtrend_index_reports", "Reports in the live index", registry=r)
        self.sections = Gauge("llmtrend_index_sections", "Sections in the live index", registry=r)
        self.reloads = Counter("llmtrend_reloads", "Index reloads that swapped in", registry=r)
        self.reload_failures = Counter(
            "llmtrend_reload_failures", "Reloads that failed (the old index stayed)", registry=r
        )
        self.digests_sent = Counter("llmtrend_digests_sent", "Digests posted", registry=r)
        self.digests_failed = Counter(
            "llmtrend_digests_failed",
            "Digests not posted (paused, or outcome unknown)",
            ["reason"],
            registry=r,
        )
        self.dedupe_hits = Counter(
            "llmtrend_dedupe_hits",
            "Slack events already answered (retries, duplicates)",
            registry=r,
        )

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
