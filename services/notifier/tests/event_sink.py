"""A CloudEvents webhook receiver for the event webhook tests, on 127.0.0.1 (kernel-chosen port).

Prints "listening <port>", then one line per request, when it arrives:
  request <n> status=<answer> id=<id> type=<type> subject=<subject> signature=<ok|bad>
      mode=<ok|bad>
Answers 500 to the requests listed in --fail, stalls 3 s (past the client's timeout) on those in
--stall (status=stalled), never answers those in --hold (status=held), else 200. The signature
(HMAC-SHA256 of the body under --secret, X-ReviewTrail-Signature: sha256=<hex>) is checked
independently; mode=ok when the request is a structured-mode CloudEvent (content type
application/cloudevents+json, specversion 1.0, id, source, type, dataschema and an object `data`).
"""
import argparse
import hashlib
import hmac
import http.server
import json
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--secret", required=True)
parser.add_argument("--fail", default="")
parser.add_argument("--stall", default="")
parser.add_argument("--hold", default="")
args = parser.parse_args()
numbers = lambda text: {int(n) for n in text.split(",") if n}
fail, stall, hold = numbers(args.fail), numbers(args.stall), numbers(args.hold)
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
        event = json.loads(body)
        structured = (self.headers.get("Content-Type") == "application/cloudevents+json"
                      and event.get("specversion") == "1.0"
                      and all(event.get(k) for k in ("id", "source", "type", "dataschema"))
                      and isinstance(event.get("data"), dict)
                      and event["data"].get("eventId") == event["id"])
        status = ("held" if n in hold else "stalled" if n in stall
                  else 500 if n in fail else 200)
        print(f"request {n} status={status} id={event.get('id')} type={event.get('type')} "
              f"subject={event.get('subject', '')} signature={'ok' if signed else 'bad'} "
              f"mode={'ok' if structured else 'bad'}", flush=True)
        if n in hold:
            time.sleep(3600)
        if n in stall:
            time.sleep(3)
        try:
            self.send_response(200 if status in ("stalled", 200) else 500)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(f"listening {server.server_address[1]}", flush=True)
server.serve_forever()
