"""The classroom's web server without a browser: the page's addresses, the code in the
websocket's path, the cookie, the trusted header, the session cap, and a page that loads
nothing from outside the machine."""

from __future__ import annotations

import asyncio
import gc
import re

from aiohttp.test_utils import TestClient, TestServer

from tutor.classroom.server import ClassServer, Limits, base_url, code_of, websocket_url
from tutor.cli_serve import session_command, visitor_command


def server(**kwargs) -> ClassServer:
    commands = kwargs.pop("commands", [])

    def command(code, trusted, link):
        commands.append((code, trusted, link))
        return "true"  # a process that ends at once

    return ClassServer(command, host="127.0.0.1", port=0, title="lstm-tutor", **kwargs)


async def fetch(srv: ClassServer, path: str, **kwargs):
    client = TestClient(TestServer(await srv._make_app()))
    await client.start_server()
    try:
        response = await client.get(path, allow_redirects=False, **kwargs)
        return response.status, await response.text(), response.headers, response.cookies
    finally:
        await client.close()


def page(srv: ClassServer, path: str = "/", **kwargs):
    return asyncio.run(fetch(srv, path, **kwargs))


def test_the_page_takes_its_addresses_from_the_request_host():
    status, html, _, _ = page(server(), headers={"Host": "10.1.2.3:8001"})
    assert status == 200
    assert 'data-session-websocket-url="ws://10.1.2.3:8001/ws"' in html
    assert "http://10.1.2.3:8001/static/js/textual.js" in html


def test_behind_a_tls_proxy_the_page_asks_for_wss():
    headers = {"Host": "tutor.example.org", "X-Forwarded-Proto": "https"}
    _, html, _, _ = page(server(), headers=headers)
    assert 'data-session-websocket-url="wss://tutor.example.org/ws"' in html
    assert "https://tutor.example.org/static/" in html


def test_a_public_url_wins_over_the_request():
    _, html, _, _ = page(server(public_url="https://class.example.org/"))
    assert 'data-session-websocket-url="wss://class.example.org/ws"' in html


def test_the_page_loads_nothing_from_another_machine():
    _, html, _, _ = page(server(), headers={"Host": "127.0.0.1:9"})
    fetched = re.findall(r'(?:href|src)="([^"]+)"|url\("([^"]+)"\)', html)
    urls = [a or b for a, b in fetched]
    assert urls and all(u.startswith("http://127.0.0.1:9/static/") for u in urls), urls
    assert "fonts/RobotoMono-VariableFont_wght.ttf" in html  # the font is ours to serve
    assert "googleapis" not in html


def test_a_code_in_the_address_goes_into_the_websocket_and_a_cookie():
    status, html, _, cookies = page(server(), "/?code=abcd-efgh", headers={"Host": "h:1"})
    assert status == 200 and 'websocket-url="ws://h:1/ws/ABCDEFGH"' in html
    assert cookies["lstm_tutor_code"].value == "ABCDEFGH"
    assert cookies["lstm_tutor_code"]["httponly"]


def test_the_bare_address_with_a_cookie_returns_to_the_learners_address():
    status, _, headers, _ = page(server(), headers={"Cookie": "lstm_tutor_code=ABCDEFGH"})
    assert status == 302 and headers["Location"] == "/?code=ABCDEFGH"


def test_signing_out_drops_the_cookie():
    status, _, headers, _ = page(server(), "/?signout=1",
                                 headers={"Cookie": "lstm_tutor_code=ABCDEFGH"})  # fmt: skip
    assert status == 302 and headers["Location"] == "/"
    assert 'lstm_tutor_code=""' in headers["Set-Cookie"] and "Max-Age=0" in headers["Set-Cookie"]


def test_a_bad_code_is_not_passed_on():
    assert code_of("abcd-efgh") == "ABCDEFGH"
    for bad in (None, "", "ABC", "ABCDEFGHI", "$(rm -rf /)"):
        assert code_of(bad) is None
    _, html, _, _ = page(server(), "/?code=%24%28reboot%29", headers={"Host": "h:1"})
    assert 'websocket-url="ws://h:1/ws"' in html


def test_a_full_class_gets_a_page_that_says_so():
    limits = Limits(max_sessions=2, active=2)
    status, html, _, _ = page(server(limits=limits))
    assert status == 503 and "full" in html and "2 of 2" in html
    assert limits.refused == 1


def websocket_commands(srv: ClassServer, path: str, headers: dict) -> None:
    async def connect() -> None:
        client = TestClient(TestServer(await srv._make_app()))
        await client.start_server()
        try:
            ws = await client.ws_connect(path, headers=headers)
            await ws.close()
        finally:
            await client.close()

    asyncio.run(connect())


def test_the_websocket_path_and_the_trusted_header_reach_the_visitors_command():
    commands: list = []
    srv = server(commands=commands, trust_header="X-Forwarded-User")
    websocket_commands(srv, "/ws/ABCDEFGH", {"Host": "h:1", "X-Forwarded-User": "ada"})
    websocket_commands(srv, "/ws", {"Host": "h:1"})
    assert commands == [("ABCDEFGH", "ada", "http://h:1"), (None, None, "http://h:1")]


def test_the_header_is_ignored_unless_the_operator_trusts_it():
    commands: list = []
    websocket_commands(server(commands=commands), "/ws", {"X-Forwarded-User": "mallory"})
    assert commands[0][1] is None


def test_the_visitors_command_quotes_what_the_visitor_sent(tmp_path):
    base = session_command(tmp_path / "s", "postgresql://u@h/db", "ml 101")
    line = visitor_command(base)("ABCDEFGH", "ada'; reboot; '", "http://h:1")
    assert "--class 'ml 101'" in line and "--code ABCDEFGH" in line
    assert "--trusted-name 'ada'\"'\"'; reboot; '\"'\"''" in line


def test_base_url_and_websocket_url():
    assert websocket_url("https://a.b", "ABCDEFGH") == "wss://a.b/ws/ABCDEFGH"
    assert websocket_url("http://a.b:8", None) == "ws://a.b:8/ws"

    class Request:
        headers = {"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "pub.example"}
        scheme, host = "http", "10.0.0.1:8000"

    assert base_url(Request(), None) == "https://pub.example"
    assert base_url(Request(), "http://given/") == "http://given"


def test_a_session_without_input_is_ended():
    limits = Limits(idle_s=0.3)
    srv = ClassServer(lambda *_: "sleep 1", host="127.0.0.1", port=0, title="t", limits=limits)

    async def connect() -> float:
        client = TestClient(TestServer(await srv._make_app()))
        await client.start_server()
        try:
            ws = await client.ws_connect("/ws")
            started = asyncio.get_running_loop().time()
            async for _ in ws:  # nothing is typed: the server closes it
                pass
            took = asyncio.get_running_loop().time() - started
            while limits.active:  # the visitor's process is stopped and waited for
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.2)  # `sleep 1` has ended: its pipes are let go while the
            gc.collect()  # loop still runs (textual-serve leaves them to the collector)
            return took
        finally:
            await client.close()

    assert asyncio.run(connect()) < 0.95  # before the process itself would have ended
    assert limits.ended_idle == 1
