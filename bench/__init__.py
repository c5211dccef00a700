"""Benchmarks that print figures (see BENCHMARKS.md); none of them is a test."""
