"""RunCoach's coaching engine: pure, interpretable models over pandas/numpy.

Nothing here imports the bot, the database or Telegram. Every result carries the
factors (inputs and their contributions) that explain it.
"""
