"""Search analytics: what readers look for, counted per day (no Flask)."""
