"""The operator's today and the lead's projects, as the TUI's first screens show them."""
