"""Small helpers shared by the stages: atomic writes, asyncio."""
