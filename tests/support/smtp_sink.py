"""A real SMTP server for the e-mail tests (aiosmtpd, on loopback): every message it accepts is written to a
directory as JSON (envelope, decoded headers, plain and HTML parts), one file per message. Recipients whose
address contains "weiger" are refused with 550, as a real server refuses an unknown mailbox.

Usage: smtp_sink.py HOST PORT DIR   (prints "ready" once listening; runs until killed)
"""

import email
import email.policy
import json
import os
import sys
import threading
import time
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "weiger" in address:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        plain = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": {k.lower(): str(v) for k, v in msg.items()},
            "text": plain.get_content() if plain else "",
            "html": html.get_content() if html else "",
        }
        name = os.path.join(self.out, f"{time.time_ns()}-{uuid.uuid4().hex}.json")
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(name + ".tmp", name)
        return "250 Message accepted"


def main():
    host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    controller = Controller(Sink(out), hostname=host, port=port)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
