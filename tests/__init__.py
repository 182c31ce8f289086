"""Tests for pureml; run them with ``python -m unittest`` from the project root."""
