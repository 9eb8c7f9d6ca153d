"""The HTTP front: one Flask route per chat completion (the optillm pattern)."""

from flask import Flask, jsonify, request

from . import settings
from .search import tree_search

app = Flask(__name__)


@app.route("/v1/chat/completions", methods=["POST"])
def chat_completions():
    data = request.get_json()
    # Each request's parameters go into the process-wide config...
    settings.gateway_config["search_depth"] = data.get("search_depth", 1)
    settings.gateway_config["simulations"] = data.get("simulations", 2)
    # ...and tree_search reads them back, maybe after another request changed them.
    return jsonify(tree_search(data["messages"]))


if __name__ == "__main__":
    app.run(threaded=True)
