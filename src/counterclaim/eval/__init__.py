"""Scorers for the public data sets."""
