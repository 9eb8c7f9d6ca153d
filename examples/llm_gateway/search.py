"""Tree search over completions, parameterised by the gateway config."""

from .settings import gateway_config
from .usage import complete


def tree_search(messages):
    depth = gateway_config["search_depth"]
    best, spent = None, 0.0
    for _ in range(gateway_config["simulations"]):
        response, cost = complete(gateway_config["model"], messages)
        spent += cost
        if spent > gateway_config["max_budget"]:
            break
        best = response
    return {"depth": depth, "best": best, "spent": spent}
