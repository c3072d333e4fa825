"""Tests of settings (config/): resolution, providers, key scope, the generated options."""
