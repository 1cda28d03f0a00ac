"""Readers' "Was this helpful?" answers: the store and the service (no Flask)."""
