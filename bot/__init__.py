"""RunCoach's conversation layer: message understanding, intent handlers, file import, the dialog core,
its transports (Telegram and the console) and the scheduling of morning messages."""
