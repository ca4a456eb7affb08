"""Equipment: kinds of units, the units themselves and their downtime."""
