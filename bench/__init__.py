"""Benchmarks for llmtrend: run from a checkout (`python -m bench.slash`)."""
