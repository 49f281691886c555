"""Scheduled messages: morning recommendations, evening check-ins, weekly summaries and group digests.

``due`` (pure time arithmetic, DST-correct) -> ``planner`` (idempotent outbox rows) -> ``sender``
(claims due rows, composes, sends through the ``ratelimit`` limiter) -> ``worker`` (the tick, run by
APScheduler in ``runcoach scheduler`` or by PTB's JobQueue inside ``runcoach bot``).
"""
