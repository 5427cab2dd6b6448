"""libopenmpt through ctypes: load a tracker module, render it and follow its play position.

Only what the ``modules`` split needs, from the C API that libopenmpt 0.6 exports (Debian's
``libopenmpt0``; no Python package): a module from bytes, its metadata, order list and
patterns, stereo float rendering, and the current order, pattern, row, speed and tempo.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import numpy as np

# openmpt_module_set_render_param's parameters
RENDER_MASTERGAIN_MILLIBEL = 1
RENDER_STEREOSEPARATION_PERCENT = 2
RENDER_INTERPOLATIONFILTER_LENGTH = 3


@cache
def library() -> ctypes.CDLL | None:
    """The libopenmpt shared library with its prototypes, or None when it is not installed."""
    for name in (ctypes.util.find_library("openmpt"), "libopenmpt.so.0", "libopenmpt.so"):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        _prototypes(lib)
        return lib
    return None


def available() -> bool:
    return library() is not None


def _prototypes(lib: ctypes.CDLL) -> None:
    vp, i32, u8, c, dbl, sz = (ctypes.c_void_p, ctypes.c_int32, ctypes.c_uint8, ctypes.c_char_p,
                               ctypes.c_double, ctypes.c_size_t)
    lib.openmpt_module_create_from_memory2.restype = vp
    lib.openmpt_module_create_from_memory2.argtypes = [
        c, sz, vp, vp, vp, vp, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(vp), vp]
    lib.openmpt_module_destroy.argtypes = [vp]
    lib.openmpt_free_string.argtypes = [vp]
    lib.openmpt_module_get_metadata.restype = vp
    lib.openmpt_module_get_metadata.argtypes = [vp, c]
    lib.openmpt_module_ctl_set_text.restype = ctypes.c_int
    lib.openmpt_module_ctl_set_text.argtypes = [vp, c, c]
    lib.openmpt_module_select_subsong.argtypes = [vp, i32]
    lib.openmpt_module_set_repeat_count.argtypes = [vp, i32]
    lib.openmpt_module_set_render_param.argtypes = [vp, ctypes.c_int, i32]
    lib.openmpt_module_get_duration_seconds.restype = dbl
    lib.openmpt_module_get_duration_seconds.argtypes = [vp]
    lib.openmpt_module_read_interleaved_float_stereo.restype = sz
    lib.openmpt_module_read_interleaved_float_stereo.argtypes = [
        vp, i32, sz, ctypes.POINTER(ctypes.c_float)]
    for name in ("order", "pattern", "row", "speed", "tempo"):
        fn = getattr(lib, f"openmpt_module_get_current_{name}")
        fn.restype, fn.argtypes = i32, [vp]
    for name in ("num_orders", "num_channels", "num_patterns"):
        fn = getattr(lib, f"openmpt_module_get_{name}")
        fn.restype, fn.argtypes = i32, [vp]
    lib.openmpt_module_get_order_pattern.restype = i32
    lib.openmpt_module_get_order_pattern.argtypes = [vp, i32]
    lib.openmpt_module_get_pattern_num_rows.restype = i32
    lib.openmpt_module_get_pattern_num_rows.argtypes = [vp, i32]
    lib.openmpt_module_get_pattern_row_channel_command.restype = u8
    lib.openmpt_module_get_pattern_row_channel_command.argtypes = [vp, i32, i32, i32, ctypes.c_int]


class Module:
    """An open module (use as a context manager): subsong 0, played once, stopping at its end."""

    def __init__(self, data: bytes) -> None:
        lib = library()
        if lib is None:
            raise RuntimeError("libopenmpt is not installed (apt-get install libopenmpt0)")
        self.lib = lib
        self._data = data  # libopenmpt copies it; kept for the module's life all the same
        error = ctypes.c_int(0)
        silent = ctypes.cast(lib.openmpt_log_func_silent, ctypes.c_void_p)
        self.mod = lib.openmpt_module_create_from_memory2(
            data, len(data), silent, None, None, None, ctypes.byref(error), None, None)
        if not self.mod:
            raise ValueError(f"libopenmpt cannot load this module (error {error.value})")
        lib.openmpt_module_select_subsong(self.mod, 0)
        lib.openmpt_module_set_repeat_count(self.mod, 0)
        self.ctl("play.at_end", "stop")

    def __enter__(self) -> Module:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.mod:
            self.lib.openmpt_module_destroy(self.mod)
            self.mod = None

    def ctl(self, key: str, value: str) -> bool:
        return bool(self.lib.openmpt_module_ctl_set_text(self.mod, key.encode(), value.encode()))

    def metadata(self, key: str) -> str:
        ptr = self.lib.openmpt_module_get_metadata(self.mod, key.encode())
        if not ptr:
            return ""
        try:
            return ctypes.string_at(ptr).decode("utf-8", "replace")
        finally:
            self.lib.openmpt_free_string(ptr)

    def duration(self) -> float:
        return float(self.lib.openmpt_module_get_duration_seconds(self.mod))

    def orders(self) -> list[int]:
        """The pattern of every order of the order list."""
        n = self.lib.openmpt_module_get_num_orders(self.mod)
        return [self.lib.openmpt_module_get_order_pattern(self.mod, i) for i in range(n)]

    def pattern_rows(self, pattern: int) -> int:
        return int(self.lib.openmpt_module_get_pattern_num_rows(self.mod, pattern))

    def channels(self) -> int:
        return int(self.lib.openmpt_module_get_num_channels(self.mod))

    def note(self, pattern: int, row: int, channel: int) -> int:
        """The note of a cell (0: none; 1-120 notes; above: note off, cut, fade)."""
        return int(self.lib.openmpt_module_get_pattern_row_channel_command(
            self.mod, pattern, row, channel, 0))

    def set_render(self, param: int, value: int) -> None:
        self.lib.openmpt_module_set_render_param(self.mod, param, value)

    def position(self) -> tuple[int, int, int, int, int]:
        """The current order, pattern, row, speed (ticks a row) and tempo."""
        lib, m = self.lib, self.mod
        return (lib.openmpt_module_get_current_order(m), lib.openmpt_module_get_current_pattern(m),
                lib.openmpt_module_get_current_row(m), lib.openmpt_module_get_current_speed(m),
                lib.openmpt_module_get_current_tempo(m))

    def read(self, sr: int, frames: int, out: np.ndarray) -> int:
        """Render up to ``frames`` stereo frames into ``out`` (float32, C order, >= 2 * frames
        values); the number rendered (0 at the end of the song)."""
        ptr = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        return int(self.lib.openmpt_module_read_interleaved_float_stereo(self.mod, sr, frames,
                                                                          ptr))
