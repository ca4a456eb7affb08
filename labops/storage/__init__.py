"""The database file as a whole: backups and restores."""
