"""What the bot does, with no Telegram framework in sight."""
