"""Benchmarks: run as scripts (``python bench/parse.py``); they print figures and are not tests."""
