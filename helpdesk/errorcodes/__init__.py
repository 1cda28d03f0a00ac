"""Error-code lookup: read codes, diagnose the reader's account, plan the fix."""
