"""Services the intent handlers call: storage plus engine, no Telegram and no sentences."""
