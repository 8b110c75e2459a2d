"""WeChat's side, for the tests: a stand-in for its API servers (a real HTTP server on
127.0.0.1, in a thread) and the pushes it sends to our callback (signed XML)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from wechatpy.utils import WeChatSigner


class WechatStub:
    """Answers token, user/get, user/info/batchget, message sends and qrcode/create like WeChat.

    ``mode``: None (normal), "down" (HTTP 503), "errcode" (WeChat error 45009), "slow" (sleeps
    ``delay`` seconds), "slow_token" (the same, for the token request only), "expire_once" (the
    next call with a token answers 42001, token expired).

    ``on_token``: called (in the server's thread) when a token is asked for, before the answer:
    what another worker does meanwhile. ``valid_tokens``: tokens accepted besides the last one
    given (WeChat keeps a token valid for 5 minutes after a newer one: another worker's).
    """

    def __init__(self, page_size=3):
        self.followers = {}  # openid -> user info
        self.tags = [
            {"id": 100, "name": "老客户", "count": 0},
            {"id": 101, "name": "展会", "count": 0},
        ]
        self.page_size = page_size
        self.mode = None
        self.delay = 2
        self.calls = []
        self.sent = []
        self.token_count = 0
        self.valid_token = None
        self.valid_tokens = set()
        self.on_token = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def add_followers(self, count, prefix="oF", **info):
        for index in range(count):
            openid = f"{prefix}{index:04d}"
            self.followers[openid] = {
                "subscribe": 1,
                "openid": openid,
                "nickname": f"粉丝{index}",
                "city": "杭州",
                "subscribe_time": 1767225600 + index,
                "unionid": f"uF{index:04d}",
                "tagid_list": [],
                "subscribe_scene": "ADD_SCENE_SEARCH",
                **info,
            }

    def paths(self):
        return [path for path, _params, _body in self.calls]

    # ------------------------------------------------------------------

    def _answer(self, path, params, body):
        self.calls.append((path, params, body))
        if self.mode == "down":
            return 503, {"error": "down"}
        if self.mode == "slow":
            time.sleep(self.delay)
        if path.endswith("/token"):
            if self.mode == "slow_token":
                time.sleep(self.delay)
            if self.on_token:
                self.on_token()
            self.token_count += 1
            self.valid_token = f"TOKEN-{self.token_count}"
            return 200, {"access_token": self.valid_token, "expires_in": 7200}
        if self.mode == "errcode":
            return 200, {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
        token = params.get("access_token")
        valid = token == self.valid_token or token in self.valid_tokens
        if not valid or self.mode == "expire_once":
            self.mode = None if self.mode == "expire_once" else self.mode
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        return 200, self._route(path, params, body)

    def _route(self, path, params, body):
        if path.endswith("/user/get"):
            openids = sorted(self.followers)
            start = openids.index(params["next_openid"]) + 1 if params.get("next_openid") else 0
            page = openids[start : start + self.page_size]
            return {
                "total": len(openids),
                "count": len(page),
                "data": {"openid": page},
                "next_openid": page[-1] if page else "",
            }
        if path.endswith("/user/info/batchget"):
            wanted = [item["openid"] for item in body["user_list"]]
            return {
                "user_info_list": [
                    self.followers.get(o, {"subscribe": 0, "openid": o}) for o in wanted
                ]
            }
        if path.endswith(("/message/custom/send", "/message/template/send")):
            self.sent.append((path.rsplit("/", 1)[-1], body))
            return {"errcode": 0, "errmsg": "ok", "msgid": len(self.sent)}
        if path.endswith("/tags/get"):
            return {"tags": self.tags}
        if path.endswith("/qrcode/create"):
            return {
                "ticket": f"TICKET-{body['action_info']['scene']['scene_str']}",
                "url": "http://weixin.qq.com/q/x",
            }
        return {"errcode": 40004, "errmsg": "unknown api"}

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self, body=None):
                url = urlparse(self.path)
                params = {key: values[0] for key, values in parse_qs(url.query).items()}
                status, payload = stub._answer(url.path, params, body)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                self._respond()

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                self._respond(json.loads(raw or b"{}"))

            def log_message(self, *args):
                pass

        return Handler


def sign(*parts):
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def push_xml(openid="oUser0001", msg_type="event", created=None, **fields):
    """The XML WeChat pushes: ``fields`` become elements (Event, EventKey, Content, MsgId...)."""
    body = "".join(f"<{key}><![CDATA[{value}]]></{key}>" for key, value in fields.items())
    return (
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{created or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>"
        f"{body}</xml>"
    )
