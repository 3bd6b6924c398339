"""A worker's captured output (its stdout and stderr, so whatever a plugin prints), kept small.

The worker's descriptors 1 and 2 point at one temporary file that the parent also holds, opened
``O_APPEND``: every write lands at the current end, whatever happened to the file. A plugin that
floods stderr would fill ``/tmp``, so the parent :meth:`Capture.trim`\\ s the file on every
watchdog tick (0.1 s) while a tier runs, once it passes :data:`LIMIT`: it keeps the first
:data:`HEAD` bytes aside and truncates, and the plugin's next writes start an empty file again.
The cap is soft: between two ticks a fast writer can add what it writes in that time. What a
failed candidate shows is the head, how much was cut, and the tail.

The worker empties the file when a tier starts; the parent calls :meth:`Capture.reset` when it
sees that tier's ``Started`` message.
"""

from __future__ import annotations

import os
import tempfile

#: The file is trimmed once it holds more than this.
LIMIT = 1 << 20
#: Bytes kept from the start of a tier's output.
HEAD = 2000
#: Bytes kept from the end.
TAIL = 4000


class Capture:
    """The capture file of one worker."""

    def __init__(self) -> None:
        # Closed by close() when the worker goes: it outlives the function that starts it.
        self.file = tempfile.TemporaryFile(prefix="pluginary-worker-")  # noqa: SIM115
        if os.name == "posix":
            import fcntl

            fd = self.file.fileno()
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
        self.head = b""
        #: Bytes dropped by trims, not counting the head kept aside.
        self.cut = 0

    def fileno(self) -> int:
        return self.file.fileno()

    def reset(self) -> None:
        """A new tier began; the worker emptied the file."""
        self.head = b""
        self.cut = 0

    def trim(self) -> None:
        """Empty the file when it has grown past :data:`LIMIT`, keeping its head aside."""
        try:
            fd = self.file.fileno()
            size = os.fstat(fd).st_size
            if size <= LIMIT:
                return
            head = os.pread(fd, HEAD, 0) if not self.cut and not self.head else b""
            if os.fstat(fd).st_size < size:
                return  # the worker emptied it for a new tier meanwhile: nothing to cut
            os.ftruncate(fd, 0)  # O_APPEND: the next write starts the file again, no hole
            if head:
                self.head = head
                self.cut -= len(head)
            self.cut += size
        except (OSError, ValueError):
            return

    def text(self) -> str:
        """The head, a note of how much was cut, and the tail; or everything when it is short."""
        try:
            fd = self.file.fileno()
            size = os.fstat(fd).st_size
            if not self.cut and not self.head:
                if size <= HEAD + TAIL:
                    return _decode(os.pread(fd, size, 0))
                head = os.pread(fd, HEAD, 0)
                cut = size - HEAD - TAIL
            else:
                head = self.head
                cut = self.cut + max(0, size - TAIL)
            tail = os.pread(fd, min(TAIL, size), max(0, size - TAIL))
        except (OSError, ValueError):
            return ""
        return f"{_decode(head)}\n[{cut} bytes cut]\n{_decode(tail)}"

    def close(self) -> None:
        self.file.close()


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")
