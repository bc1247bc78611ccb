"""Hearing citizens: anonymous consultations (online or at a market stall) and use-case
workshops, whose results feed the meeting diagnostic."""
