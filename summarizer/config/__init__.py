"""Settings: flag > environment > config file > default, and the provider presets."""
