"""Pure scoring functions: data in, scores and explanations out; no I/O (METHOD.md §3-§4)."""
