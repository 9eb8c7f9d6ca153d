_state = {"rate": 1.0}


def refresh_rate(fetch):
    """Programs call this from their own scheduler, once a minute."""
    _state["rate"] = fetch()


def current_rate():
    return _state["rate"]
