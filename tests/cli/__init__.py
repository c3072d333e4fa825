"""Tests of the commands (cli/): messages, exit codes, logging."""
