"""Tests for the network-analysis engine."""
