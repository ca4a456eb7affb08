"""Recorded use of bookings: check-in, check-out, no-shows and instrument logs."""
