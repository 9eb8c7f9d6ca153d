"""Benchmark (b): a small Flask app with module-level state, served by a threaded server."""
import sys
import threading

from flask import Flask, jsonify, request

app = Flask(__name__)
hits = {}
hits_lock = threading.Lock()
CATALOGUE = {str(n): {"name": f"item {n}", "price": n * 3} for n in range(100)}


@app.route("/item/<key>")
def item(key):
    with hits_lock:
        hits[key] = hits.get(key, 0) + 1
    entry = CATALOGUE.get(key, {})
    return jsonify(key=key, entry=entry, agent=request.headers.get("User-Agent", ""))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
