"""A minimal Standard MIDI File (format 1) writer: tempo map, meter, programs and notes.

Enough for the development set (no dependency on a MIDI library): one track for the tempo map
and one per instrument, 480 ticks per quarter note.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

PPQ = 480


def _vlq(value: int) -> bytes:
    """MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


@dataclass
class Track:
    """Events of one track as ``(tick, order, bytes)``; order puts note-offs before note-ons."""

    events: list[tuple[int, int, bytes]] = field(default_factory=list)

    def meta(self, tick: int, kind: int, data: bytes) -> None:
        self.events.append((tick, 0, bytes([0xFF, kind]) + _vlq(len(data)) + data))

    def tempo(self, tick: int, us_per_quarter: int) -> None:
        self.meta(tick, 0x51, us_per_quarter.to_bytes(3, "big"))

    def time_signature(self, tick: int, numerator: int, denominator: int) -> None:
        self.meta(tick, 0x58, bytes([numerator, denominator.bit_length() - 1, 24, 8]))

    def program(self, tick: int, channel: int, program: int) -> None:
        self.events.append((tick, 1, bytes([0xC0 | channel, program])))

    def control(self, tick: int, channel: int, number: int, value: int) -> None:
        self.events.append((tick, 1, bytes([0xB0 | channel, number, value])))

    def note(self, tick: int, length: int, channel: int, pitch: int, velocity: int) -> None:
        tick = max(int(tick), 0)
        velocity = int(min(max(velocity, 1), 127))
        pitch = int(min(max(pitch, 0), 127))
        self.events.append((tick, 3, bytes([0x90 | channel, pitch, velocity])))
        self.events.append((tick + max(int(length), 1), 2, bytes([0x80 | channel, pitch, 0])))

    def encode(self) -> bytes:
        body = bytearray()
        last = 0
        for tick, _, data in sorted(self.events, key=lambda e: (e[0], e[1])):
            body += _vlq(tick - last) + data
            last = tick
        body += _vlq(0) + b"\xff\x2f\x00"
        return b"MTrk" + struct.pack(">I", len(body)) + bytes(body)


def encode_file(tracks: list[Track]) -> bytes:
    """A format-1 file of ``tracks`` (the first one holds the tempo map)."""
    header = b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), PPQ)
    return header + b"".join(t.encode() for t in tracks)
