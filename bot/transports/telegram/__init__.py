"""The Telegram transport (python-telegram-bot 22): wiring, update adapters, reply sending."""
