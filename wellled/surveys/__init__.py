"""NHS Staff Survey results, imported per year through a versioned question map."""
