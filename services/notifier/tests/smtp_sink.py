"""An SMTP sink for the notifier's tests (Debian's Python 3.11 smtpd), on 127.0.0.1.

Prints "listening <port>", then per message: "mail from=<sender> to=<recipients>", each line of
the message prefixed with "| ", and "end of mail".
"""
import asyncore
import smtpd
import socket
import sys

probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()


class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        print(f"mail from={mailfrom} to={','.join(rcpttos)}")
        for line in text.splitlines():
            print("| " + line)
        print("end of mail", flush=True)


Sink(("127.0.0.1", port), None, decode_data=False)
print(f"listening {port}", flush=True)
asyncore.loop()
