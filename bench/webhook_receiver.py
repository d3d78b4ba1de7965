"""A loopback webhook receiver for bench/ops.sh: records every POST (headers and JSON body) as one JSON line."""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"path": self.path, "idempotency_key": self.headers.get("Idempotency-Key"),
                                "body": body.decode("utf-8", "replace")}) + "\n")
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Receiver)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_port))
server.serve_forever()
