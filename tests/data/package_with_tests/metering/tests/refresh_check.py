import threading

from metering.core import current_rate, refresh_rate


def test_refresh_on_a_thread():
    worker = threading.Thread(target=refresh_rate, args=(lambda: 2.0,))
    worker.start()
    worker.join()
    assert current_rate() == 2.0
