"""Deployment: templates for nginx and Redis, and the cluster supervisor."""
