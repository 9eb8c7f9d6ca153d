"""Gateway defaults, shared by the whole process."""

gateway_config = {
    "model": "gpt-4o-mini",
    "search_depth": 1,
    "simulations": 2,
    "max_budget": 5.0,
}
