"""Messages between the parent and its scan workers: length-prefixed msgpack frames.

The parent sends :class:`LoadRequest`; a worker answers :class:`Started`, then a
:class:`Finished` per tier it was asked for. A tier's result reaches the parent before the next
tier starts, so what a cheap tier found survives a crash in a deeper one.
"""

from __future__ import annotations

import os
import struct
import time

import msgspec

from ..models import Candidate, LoadResult

_LENGTH = struct.Struct(">I")
MAX_FRAME = 64 * 1024 * 1024


class LoadRequest(msgspec.Struct, frozen=True, tag="load"):
    job: int
    candidate: Candidate
    tiers: tuple[int, ...]


class Stop(msgspec.Struct, frozen=True, tag="stop"):
    pass


class Ready(msgspec.Struct, frozen=True, tag="ready"):
    pid: int


class Started(msgspec.Struct, frozen=True, tag="started"):
    job: int
    tier: int


class Finished(msgspec.Struct, frozen=True, tag="finished"):
    job: int
    tier: int
    result: LoadResult


ToWorker = LoadRequest | Stop
FromWorker = Ready | Started | Finished

_encoder = msgspec.msgpack.Encoder()
_to_worker = msgspec.msgpack.Decoder(ToWorker)
_from_worker = msgspec.msgpack.Decoder(FromWorker)


class ProtocolError(Exception):
    """A worker sent bytes that are not a valid frame: something in its process (a plugin)
    wrote to the protocol's descriptor."""


def frame(message: msgspec.Struct) -> bytes:
    body = _encoder.encode(message)
    return _LENGTH.pack(len(body)) + body


def send(fd: int, message: msgspec.Struct) -> None:
    """Write one frame to a blocking fd, whole: ``os.write`` may write less than it is given (a
    signal, a full pipe), and half a frame would corrupt every later one."""
    view = memoryview(frame(message))
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exact(fd: int, n: int) -> bytes:
    """Read exactly ``n`` bytes from a blocking fd; fewer only at end of file."""
    chunks = []
    while n:
        chunk = os.read(fd, n)
        if not chunk:
            break
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_request(fd: int) -> ToWorker | None:
    """The next request on a blocking fd, or None when the parent has gone."""
    header = read_exact(fd, _LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(header)
    body = read_exact(fd, size)
    if len(body) < size:
        return None
    return _to_worker.decode(body)


class FrameBuffer:
    """Collects bytes from a non-blocking pipe and yields the complete messages in it.

    At the first malformed frame it keeps the messages before it, sets :attr:`error` and takes
    nothing more: after that, no byte of the stream can be trusted to start a frame.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.error: ProtocolError | None = None
        #: When bytes last arrived (time.monotonic()).
        self.fed_at = 0.0

    def feed(self, data: bytes) -> list[FromWorker]:
        """The complete messages so far (none once :attr:`error` is set)."""
        if self.error is not None:
            return []
        self._buffer += data
        self.fed_at = time.monotonic()
        messages: list[FromWorker] = []
        while len(self._buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buffer)
            end = _LENGTH.size + size
            if size > MAX_FRAME:
                self.error = ProtocolError(f"a frame of {size} bytes")
            elif len(self._buffer) < end:
                break
            else:
                try:
                    messages.append(_from_worker.decode(bytes(self._buffer[_LENGTH.size:end])))
                except msgspec.MsgspecError as exc:
                    self.error = ProtocolError(str(exc))
            if self.error is not None:
                self._buffer.clear()
                break
            del self._buffer[:end]
        return messages

    def stalled(self, now: float, after: float) -> ProtocolError | None:
        """An error when part of a frame has waited ``after`` seconds for its rest: bytes a
        plugin wrote with a plausible length, that swallow the worker's real messages."""
        if not self._buffer or now - self.fed_at < after:
            return None
        declared = _LENGTH.unpack_from(self._buffer)[0] if len(self._buffer) >= 4 else None
        return ProtocolError(f"{len(self._buffer)} bytes of a frame that never ended "
                             f"(declared length {declared})")
