"""Charging for use: rate tiers, staff time, fees and monthly statements per project and pool."""
