"""Tests of the error-code lookup."""
