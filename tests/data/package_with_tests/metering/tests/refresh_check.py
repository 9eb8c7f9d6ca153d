import threading

from metering.core import current_rate, refresh_rate


def test_rate_readable_while_refreshing():
    worker = threading.Thread(target=refresh_rate, args=(lambda: 2.0,))
    worker.start()
    assert current_rate() in (1.0, 2.0)
    worker.join()
    assert current_rate() == 2.0
