"""The pipeline's steps, in order: summarize each article (and check its quotes, `quality`), or `batch`;
`shard` picks a worker's share; merge the briefs (`timeline`, `chronology`); analyse across sources;
write the executive summary (`synthesis`). `trial` is `brief check`'s quality step."""
