"""Notifications: messages to people about changes to their bookings and requests, queued in
the transaction of the change (an outbox) and delivered by SMTP afterwards."""
