"""What a public Capaian server refuses before Streamlit sees it (ASGI middleware).

Streamlit 1.67 has no setting that closes its upload route or ignores a visitor's
``clear_cache`` message: any browser that opened a session may PUT files into server
memory (up to ``server.maxUploadSize`` each, any number of file ids) and may clear
every user's ``st.cache_data``/``st.cache_resource``. ``st.App`` middleware is the
supported place to stop both; :mod:`public_app` installs :class:`PublicGuard`.

The guard refuses

- every request to ``/_stcore/upload_file/...`` (403): no public page has an uploader;
- every websocket message (``BackMsg``) that a public page never sends: only
  :data:`PUBLIC_BACKMSGS` pass (``clear_cache``, ``file_urls_request``,
  ``load_git_info``, ``set_run_on_save`` and the debug messages are dropped);

and tells a browser the app's file name where Streamlit would send the server path
of the main script (``NewSession.main_script_path``, in every new session).

A frame that is not a ``BackMsg`` passes: Streamlit closes that connection itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError
from starlette.responses import PlainTextResponse
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_ROUTE = "/_stcore/upload_file"
"""Streamlit's upload route (under ``server.baseUrlPath`` when one is set)."""
PUBLIC_BACKMSGS = frozenset({"rerun_script", "stop_script", "app_heartbeat",
                             "backend_operation_request"})
"""The websocket messages a public page sends: reruns (widgets, navigation), stop,
keep-alive, and table paging/downloads (``backend_operation_request``)."""


def refused_path(path: str) -> bool:
    """True for an HTTP path the public site never serves (the upload route).

    Parameters
    ----------
    path : str
        The request path as the server decoded it (``scope["path"]``).

    Returns
    -------
    bool
        True when the path reaches Streamlit's upload route.

    Examples
    --------
    >>> refused_path("/_stcore/upload_file/s/f"), refused_path("/_stcore/health")
    (True, False)
    """
    return UPLOAD_ROUTE in path


def refused_frame(frame: bytes | None) -> bool:
    """True for a websocket frame carrying a ``BackMsg`` no public page sends.

    Parameters
    ----------
    frame : bytes or None
        The binary payload of one websocket message (``None`` for a text frame).

    Returns
    -------
    bool
        True when the frame parses as a ``BackMsg`` whose type is not in
        :data:`PUBLIC_BACKMSGS`; False for allowed messages and for anything that
        does not parse (Streamlit closes such a connection with 1002).
    """
    if not frame:
        return False
    message = BackMsg()
    try:
        message.ParseFromString(frame)
    except DecodeError:
        return False
    kind = message.WhichOneof("type")
    return kind is not None and kind not in PUBLIC_BACKMSGS


def redacted_frame(frame: bytes, script_path: str) -> bytes:
    """``frame`` with the main script's server path replaced by its file name.

    Parameters
    ----------
    frame : bytes
        One ``ForwardMsg`` as Streamlit sends it.
    script_path : str
        The main script's absolute path on the server.

    Returns
    -------
    bytes
        The same frame unless it is a ``new_session`` message naming
        ``script_path``; then that message with ``main_script_path`` set to the
        file name only (the browser uses it as an opaque app id).
    """
    if not script_path or script_path.encode() not in frame:
        return frame
    message = ForwardMsg()
    try:
        message.ParseFromString(frame)
    except DecodeError:
        return frame
    if message.WhichOneof("type") != "new_session":
        return frame
    message.new_session.main_script_path = Path(script_path).name
    return message.SerializeToString()


class PublicGuard:
    """ASGI middleware: refuse the upload route and drop websocket messages that
    no public page sends (see the module docstring).

    Parameters
    ----------
    app : ASGI application
        The application it wraps (Streamlit's, via ``st.App(middleware=...)``).
    script_path : str
        The main script's absolute path, never sent to a browser.
    """

    def __init__(self, app: ASGIApp, script_path: str = "") -> None:
        self.app = app
        self.script_path = script_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 403 to the upload route; filter websocket messages; pass the rest."""
        if scope["type"] == "http" and refused_path(scope.get("path", "")):
            response = PlainTextResponse("Uploads are closed on this public site.", 403)
            await response(scope, receive, send)
            return
        if scope["type"] == "websocket":
            receive, send = _filtered(receive), _redacted(send, self.script_path)
        await self.app(scope, receive, send)


def _filtered(receive: Receive) -> Receive:
    """``receive`` without the refused ``BackMsg`` frames."""

    async def next_allowed() -> Message:
        while True:
            message = await receive()
            if not (message.get("type") == "websocket.receive"
                    and refused_frame(message.get("bytes"))):
                return message

    return next_allowed


def _redacted(send: Send, script_path: str) -> Send:
    """``send`` that never names the main script's server path."""

    async def send_redacted(message: Message) -> None:
        frame = message.get("bytes")
        if message.get("type") == "websocket.send" and frame:
            message = {**message, "bytes": redacted_frame(frame, script_path)}
        await send(message)

    return send_redacted
