"""A small LLM gateway with the two seed race patterns, for trying racefree."""
