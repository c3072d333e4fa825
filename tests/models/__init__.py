"""Tests of the contract (models/): answers read leniently, schemas."""
