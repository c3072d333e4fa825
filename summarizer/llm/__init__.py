"""Talking to the model: the client (one ask path, one retry layer), its transports (replay,
record, rate limit), prompts, cost and the endpoint check."""
