"""A relay on loopback for the mail benchmark (aiosmtpd, Debian's
python3-aiosmtpd): accepts every message and keeps only a count, so that
what is measured is the sender. Run: python3 mail_relay.py PORT."""

import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Count:
    def __init__(self):
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        return "250 OK"


def main():
    controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
