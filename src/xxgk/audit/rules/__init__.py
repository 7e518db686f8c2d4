"""Built-in rules; each module registers its rules on import."""
