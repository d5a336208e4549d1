"""The web server of `lstm-tutor serve`: textual-serve's Server, made fit for a classroom.

textual-serve runs one app process per websocket and kills it when the socket closes, so a
reload is a new process: who the visitor is must come from the page. Here the page's
`?code=...` (a learner's sign-in code, or the instructor's) goes into the websocket's path,
`/ws/CODE`, and from there onto the command line of that visitor's process; a cookie keeps the
code so that the bare address brings a learner back. With `trust_header`, an authenticating
proxy's header names the learner instead.

Also here: the page's addresses built from the request (its Host and X-Forwarded-Proto) unless a
public URL is given, so `--host 0.0.0.0` and TLS proxies work; the page's font served locally;
a cap on sessions with a page that says so; idle sessions ended.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("textual-serve")

TEMPLATES = Path(__file__).resolve().parent / "templates"
COOKIE = "lstm_tutor_code"
COOKIE_DAYS = 180
CODE = re.compile(r"^[A-Z0-9]{8}$")


@dataclass
class Limits:
    max_sessions: int | None = None  # None: no cap
    idle_s: float | None = None  # end a session without input for this long
    active: int = 0
    started: int = 0
    refused: int = 0
    ended_idle: int = 0
    last_input: dict[int, float] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.max_sessions is not None and self.active >= self.max_sessions


def code_of(text: str | None) -> str | None:
    """A sign-in code from a query or a cookie, normalised; None when it cannot be one."""
    if not text:
        return None
    code = re.sub(r"[^A-Z0-9]", "", text.upper())
    return code if CODE.match(code) else None


def base_url(request: web.Request, public_url: str | None) -> str:
    """The address the visitor reached us at: the configured one, else the request's own
    (its Host header; https when a TLS proxy says X-Forwarded-Proto: https)."""
    if public_url:
        return public_url.rstrip("/")
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    scheme = proto if proto in ("http", "https") else request.scheme
    host = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip() or request.host
    return f"{scheme}://{host}"


def websocket_url(base: str, code: str | None) -> str:
    scheme = "wss" if base.startswith("https:") else "ws"
    return f"{scheme}:{base.split(':', 1)[1]}/ws" + (f"/{code}" if code else "")


FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}: full</title>
<meta http-equiv="refresh" content="30"></head>
<body style="background:#0c181f;color:#eee;font-family:sans-serif;text-align:center;padding:4em">
<h1>This class is full right now</h1>
<p>{active} of {limit} sessions are in use. This page tries again every 30 seconds;
your progress is kept and waits for you.</p></body></html>"""


class ClassServer(Server):
    """textual-serve's Server with identity, addresses, limits and a local page.

    `command(code, trusted_name, link)` gives the shell command of one visitor's process."""

    def __init__(
        self,
        command,
        *,
        host: str,
        port: int,
        title: str,
        public_url: str | None = None,
        trust_header: str | None = None,
        limits: Limits | None = None,
    ) -> None:
        super().__init__("lstm-tutor web-session", host=host, port=port, title=title,
                         public_url=public_url, templates_path=TEMPLATES)  # fmt: skip
        self.configured_url = public_url
        self.make_command = command
        self.trust_header = trust_header
        self.limits = limits or Limits()

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/ws/{code}", self.handle_websocket, name="websocket_code"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])  # fmt: skip
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        where = self.configured_url or f"http://{self.host}:{self.port}"
        self.console.print(f"Serving lstm-tutor on {where}")
        self.console.print("[cyan]Press Ctrl+C to quit")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if "signout" in request.query:
            response = web.HTTPFound("/")
            response.del_cookie(COOKIE)
            raise response
        code = code_of(request.query.get("code"))
        if code is None and (kept := code_of(request.cookies.get(COOKIE))):
            raise web.HTTPFound(f"/?code={kept}")  # the address shows the code: a reload keeps it
        if self.limits.full:
            self.limits.refused += 1
            text = FULL_PAGE.format(
                title=self.title, active=self.limits.active, limit=self.limits.max_sessions
            )
            return web.Response(text=text, content_type="text/html", status=503)
        base = base_url(request, self.configured_url)
        idle = self.limits.idle_s
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket_url(base, code),
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
            "ended_message": (
                "Session ended. Your progress is saved."
                + (f" (A session ends after {idle / 60:g} minutes without input.)" if idle else "")
            ),
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        if code is not None:
            response.set_cookie(COOKIE, code, max_age=COOKIE_DAYS * 86400, httponly=True,
                                samesite="Lax", secure=base.startswith("https:"))  # fmt: skip
        return response

    def _command_for(self, request: web.Request) -> str:
        code = code_of(request.match_info.get("code"))
        trusted = request.headers.get(self.trust_header) if self.trust_header else None
        return self.make_command(code, trusted or None, base_url(request, self.configured_url))

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        if self.limits.full:  # a page opened before the class filled up
            self.limits.refused += 1
            await websocket.prepare(request)
            await websocket.send_bytes(b"\r\n  This class is full right now; reload in a minute.")
            await websocket.close()
            return websocket
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        self.limits.active += 1
        self.limits.started += 1
        app_service: AppService | None = None
        watch: asyncio.Task | None = None
        try:
            await websocket.prepare(request)
            app_service = AppService(
                self._command_for(request),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            self.limits.last_input[id(websocket)] = time.monotonic()
            if self.limits.idle_s:
                watch = asyncio.create_task(self._end_when_idle(websocket))
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - one visitor's failure is logged, not fatal
            log.exception(error)
        finally:
            if watch is not None:
                watch.cancel()
            self.limits.last_input.pop(id(websocket), None)
            try:
                if app_service is not None:
                    await app_service.stop()
            finally:
                self.limits.active -= 1  # a session counts until its process has ended
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service) -> None:
        """textual-serve's loop, noting when the visitor last typed or clicked."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            envelope = message.json()
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin":
                self.limits.last_input[id(websocket)] = time.monotonic()
                await app_service.send_bytes(str(data).encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await app_service.set_terminal_size(
                    to_int(str(data.get("width")), 80), to_int(str(data.get("height")), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def _end_when_idle(self, websocket: web.WebSocketResponse) -> None:
        """Close a session nobody has typed in for idle_s: the app quits (every answer was
        saved when it was given) and the page offers to start again."""
        idle = float(self.limits.idle_s or 0)
        while not websocket.closed:
            await asyncio.sleep(min(idle, 15.0))
            last = self.limits.last_input.get(id(websocket), time.monotonic())
            if time.monotonic() - last >= idle:
                self.limits.ended_idle += 1
                await websocket.close(message=b"idle")
                return
