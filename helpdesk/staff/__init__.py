"""Accounts of the people who write the articles: the store and the service."""
