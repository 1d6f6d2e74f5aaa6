"""Tests of the friendly sync and async clients against a loopback HTTP server."""
