"""Matching a collected record against the registry: pure rules and province-wide checks."""
