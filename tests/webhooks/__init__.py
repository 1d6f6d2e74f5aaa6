"""Tests for `agentplatform.webhooks`: Standard Webhooks verification and event parsing."""
