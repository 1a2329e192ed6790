"""Readiness reports rendered from scan results."""
