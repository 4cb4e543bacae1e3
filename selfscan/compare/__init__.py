"""Comparing regions, rounds and sectors on one radar."""

from selfscan.compare.views import bp

__all__ = ["bp"]
