"""Narrative ↔ table rules (N_*): filled in by the narrative work."""
