"""A webhook receiver for the notifier's tests, on 127.0.0.1 (kernel-chosen port).

Prints "listening <port>", then one line per request:
  request <n> status=<answer> key=<Idempotency-Key> signature=<ok|bad> recipient=<id>
Answers 500 to requests listed in --fail, stalls past the client's timeout on those in --stall,
400 to any body for a recipient in --refuse, else 200. The signature is checked independently
(hmac module) against --secret.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import sys
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--secret", required=True)
parser.add_argument("--fail", default="")
parser.add_argument("--stall", default="")
parser.add_argument("--refuse", default="")
args = parser.parse_args()
fail = {int(n) for n in args.fail.split(",") if n}
stall = {int(n) for n in args.stall.split(",") if n}
refuse = {r for r in args.refuse.split(",") if r}
lock = threading.Lock()
count = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *unused):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count[0] += 1
            n = count[0]
        expected = "sha256=" + hmac.new(args.secret.encode(), body, hashlib.sha256).hexdigest()
        signed = hmac.compare_digest(expected, self.headers.get("X-ReviewTrail-Signature", ""))
        recipient = json.loads(body).get("recipient_id", "")
        if n in stall:
            time.sleep(3)
        status = 500 if n in fail else 400 if recipient in refuse else 200
        print(f"request {n} status={status} key={self.headers.get('Idempotency-Key')} "
              f"signature={'ok' if signed else 'bad'} recipient={recipient}", flush=True)
        try:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except BrokenPipeError:
            pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening {server.server_address[1]}", flush=True)
server.serve_forever()
