"""Content-addressed cache of the model's answers: never pay twice for the same request."""
