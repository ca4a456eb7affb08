"""The platform record: its name, home time zone, reference week and settings."""
