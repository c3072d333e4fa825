"""Tests of whole runs and processes: crashes, hostile input, secrets, scale-out, the API, the wheel."""
