"""A real SMTP server on loopback for the tests (aiosmtpd, from Debian's
python3-aiosmtpd): every message it accepts is written whole to a file in
DIR. Run: python3 smtp_sink.py PORT DIR [smtps|starttls CERT KEY]; with
TLS it speaks SMTPS, or requires STARTTLS. SMTP_SINK_DELAY (seconds) makes
it slow: it waits that long over each message. Stops on SIGTERM."""

import asyncio
import os
import signal
import ssl
import sys
import threading
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, delay):
        self.directory = directory
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        name = os.path.join(self.directory, uuid.uuid4().hex)
        with open(name + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name + ".eml")
        return "250 Message accepted for delivery"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    options = {}
    if len(sys.argv) > 3:
        mode, cert, key = sys.argv[3:6]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if mode == "smtps":
            options["ssl_context"] = context
        else:
            options["tls_context"] = context
            options["require_starttls"] = True
    controller = Controller(Sink(directory, float(os.environ.get("SMTP_SINK_DELAY", "0"))), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
