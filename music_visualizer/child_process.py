"""Child processes that die with this process, even when it is killed with ``kill -9``.

A program we start (ffmpeg encoding a video, spotdl downloading a song, pip installing spotdl)
is re-parented to init when we die and would run on to its end. :func:`popen` and :func:`run`
start programs that die with us:

- Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` in the child before ``exec``; the kernel kills the
  child when the *thread* that started it ends. Every caller here waits for its child in the
  thread that started it (``subprocess.run``, or ``Popen`` + ``wait``), so that thread outlives
  the child unless the whole process dies.
- Elsewhere (macOS, Windows, or a Linux without ``prctl``): the program runs under a small
  Python guard whose stdin is a pipe from us; the pipe closes when we die (or when we kill the
  child), and the guard then kills the program.

- :func:`popen`  ``subprocess.Popen`` whose child dies with us
- :func:`run`    ``subprocess.run`` whose child dies with us
- :func:`popen_fed` ``subprocess.Popen`` of a child reading our pipe on its stdin (it sees the
  end of its input when we die, and dies with us on Linux)
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["popen", "popen_fed", "run"]

_PR_SET_PDEATHSIG = 1

# Runs in a separate interpreter: starts the program, waits for EOF on stdin (the pipe from the
# parent closes when the parent dies, however it dies), then kills the program; exits with the
# program's exit code when the program ends first.
_GUARD = """\
import os, subprocess, sys, threading
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
def watch():
    while os.read(0, 4096):
        pass
    child.kill()
threading.Thread(target=watch, daemon=True).start()
code = child.wait()
os._exit(code if code >= 0 else 128 - code)
"""


@functools.cache
def _libc_prctl() -> Any:
    """libc's ``prctl`` (Linux), or None (looked up on first use)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # the C library of this process
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                      ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


def _pdeathsig_preexec(parent: int) -> Any:
    """A ``preexec_fn`` asking the kernel to SIGKILL the child when its parent thread dies.

    Everything it calls is looked up before the fork (a ``preexec_fn`` should not import or
    allocate much in a threaded parent).
    """
    prctl, sigkill, getppid, exit_now = _libc_prctl(), int(signal.SIGKILL), os.getppid, os._exit

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, sigkill, 0, 0, 0)
        if getppid() != parent:  # the parent died between fork and prctl
            exit_now(1)

    return preexec


def _guarded_command(cmd: Sequence[str]) -> list[str]:
    """``cmd`` run under the guard (see the module docstring); its stdin must be our pipe."""
    return [sys.executable, "-c", _GUARD, *cmd]


class _Guarded(subprocess.Popen):
    """A program under the guard, whose stdin is a pipe from us: ``kill`` (and our death)
    closes the pipe, and the guard then kills the program."""

    def __init__(self, cmd: Sequence[str], **kwargs: Any) -> None:
        self._pipe: int | None = None
        read_end, write_end = os.pipe()  # not inherited by other children (PEP 446)
        try:
            super().__init__(_guarded_command(cmd), stdin=read_end, **kwargs)
        except BaseException:
            os.close(write_end)
            raise
        finally:
            os.close(read_end)
        self._pipe = write_end

    def _release(self) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None

    def kill(self) -> None:
        self._release()
        try:
            super().wait(timeout=10)
        except subprocess.TimeoutExpired:
            super().kill()

    terminate = kill

    def wait(self, timeout: float | None = None) -> int:
        code = super().wait(timeout)
        self._release()
        return code


def popen(cmd: Sequence[str], *, guard: bool | None = None, **kwargs: Any) -> subprocess.Popen:
    """``subprocess.Popen(cmd, **kwargs)`` whose child dies with this process (``kill -9`` too).

    The child reads nothing (``stdin`` cannot be given). ``guard`` None uses
    ``PR_SET_PDEATHSIG`` where it exists, else the guard; True forces the guard. Wait for the
    child in the thread that started it (see the module docstring).
    """
    if "stdin" in kwargs:
        raise ValueError("the child of popen() reads nothing: do not give stdin")
    if guard is None:
        guard = _libc_prctl() is None
    if guard:
        return _Guarded(cmd, **kwargs)
    return subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL,
                            preexec_fn=_pdeathsig_preexec(os.getpid()), **kwargs)


def popen_fed(cmd: Sequence[str], **kwargs: Any) -> subprocess.Popen:
    """``subprocess.Popen(cmd, stdin=PIPE, **kwargs)``: a child fed through its stdin (ffmpeg
    reading raw frames). When we die the pipe closes and the child reads the end of its input;
    on Linux the kernel also kills it (``PR_SET_PDEATHSIG``). Wait for it in the thread that
    started it."""
    if _libc_prctl() is None:
        return subprocess.Popen(list(cmd), stdin=subprocess.PIPE, **kwargs)
    return subprocess.Popen(list(cmd), stdin=subprocess.PIPE,
                            preexec_fn=_pdeathsig_preexec(os.getpid()), **kwargs)


def run(cmd: Sequence[str], *, guard: bool | None = None, timeout: float | None = None,
        **kwargs: Any) -> subprocess.CompletedProcess:
    """``subprocess.run(cmd, **kwargs)`` whose child dies with this process (``kill -9`` too).

    As ``subprocess.run``: ``capture_output``, ``stdout``, ``stderr``, ``text`` ...; on a
    timeout (TimeoutExpired) or an interrupt the child is killed and waited for.
    """
    if "stdin" in kwargs or "input" in kwargs:
        raise ValueError("the child of run() reads nothing: do not give stdin or input")
    if guard is None:
        guard = _libc_prctl() is None
    if not guard:
        return subprocess.run(list(cmd), stdin=subprocess.DEVNULL, timeout=timeout,
                              preexec_fn=_pdeathsig_preexec(os.getpid()), **kwargs)
    if kwargs.pop("capture_output", False):
        kwargs["stdout"] = kwargs["stderr"] = subprocess.PIPE
    with popen(cmd, guard=True, **kwargs) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
