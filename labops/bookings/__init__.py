"""Bookings: tasks placed in time on units, with their people."""
