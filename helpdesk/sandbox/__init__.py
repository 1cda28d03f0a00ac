"""The sandbox back end: the service, its stores, errors and wording.

Views reach the service through :mod:`helpdesk.sandboxes` (the web shell's
handle on it); nothing in this package touches the Flask app.
"""
