"""The webhook receiver of the tests, on 127.0.0.1 (kernel-chosen port): the notifier's webhook
channel (channel_delivery_test.cc) and the event webhooks (webhook_dispatcher_test.cc,
tests/e2e/webhook_restart_test.cc) post to it.

Prints "listening <port>", then one line per request. For a structured-mode CloudEvent (content
type application/cloudevents+json: an event webhook), when it arrives:
  request <n> status=<answer> id=<id> type=<type> subject=<subject> signature=<ok|bad>
      mode=<ok|bad>
mode=ok when it is a complete one (specversion 1.0, id, source, type, dataschema and an object
`data` whose eventId is the id). For any other body (a notification), once answered:
  request <n> status=<answer> key=<Idempotency-Key> signature=<ok|bad> recipient=<recipient_id>
Answers 500 to the requests listed in --fail; 400 to a notification for a recipient in --refuse;
stalls 3 s (past the client's timeout) on those in --stall (an event: status=stalled); never
answers those in --hold (status=held); else 200. The signature (HMAC-SHA256 of the body under
--secret, X-ReviewTrail-Signature: sha256=<hex>) is checked independently.
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
parser.add_argument("--hold", default="")
parser.add_argument("--refuse", default="")
args = parser.parse_args()
numbers = lambda text: {int(n) for n in text.split(",") if n}
fail, stall, hold = numbers(args.fail), numbers(args.stall), numbers(args.hold)
refuse = {r for r in args.refuse.split(",") if r}
lock = threading.Lock()
count = [0]


def say(line):
    """One whole line at a time: requests answered on several threads never interleave."""
    with lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *unused):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count[0] += 1
            n = count[0]
        expected = "sha256=" + hmac.new(args.secret.encode(), body, hashlib.sha256).hexdigest()
        signed = "ok" if hmac.compare_digest(
            expected, self.headers.get("X-ReviewTrail-Signature", "")) else "bad"
        if self.headers.get("Content-Type") == "application/cloudevents+json":
            status = self.event(n, json.loads(body), signed)
        else:
            status = self.notification(n, json.loads(body), signed)
        try:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def event(self, n, event, signed):
        structured = (event.get("specversion") == "1.0"
                      and all(event.get(k) for k in ("id", "source", "type", "dataschema"))
                      and isinstance(event.get("data"), dict)
                      and event["data"].get("eventId") == event["id"])
        status = ("held" if n in hold else "stalled" if n in stall
                  else 500 if n in fail else 200)
        say(f"request {n} status={status} id={event.get('id')} type={event.get('type')} "
            f"subject={event.get('subject', '')} signature={signed} "
            f"mode={'ok' if structured else 'bad'}")
        if n in hold:
            time.sleep(3600)
        if n in stall:
            time.sleep(3)
        return 200 if status in ("stalled", 200) else 500

    def notification(self, n, body, signed):
        recipient = body.get("recipient_id", "")
        if n in hold:
            say(f"request {n} status=held")
            time.sleep(3600)
        if n in stall:
            time.sleep(3)
        status = 500 if n in fail else 400 if recipient in refuse else 200
        say(f"request {n} status={status} key={self.headers.get('Idempotency-Key')} "
            f"signature={signed} recipient={recipient}")
        return status


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
say(f"listening {server.server_address[1]}")
server.serve_forever()
