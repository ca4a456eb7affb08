"""Sites: labs and pilot lines, their opening hours, closures and travel between them."""
