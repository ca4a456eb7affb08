"""Requests for lab time and their tasks: equipment and staff needs, order."""
