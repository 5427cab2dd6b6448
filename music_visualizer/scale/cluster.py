"""Connecting to Ray: a local instance, or a cluster at ``--ray-address``.

- :func:`require_ray`   import Ray, or a :class:`ScaleError` saying how to install it
- :func:`check_address` something answers at a cluster's address (else a ScaleError)
- :func:`connect`       start or join Ray (a :class:`ScaleError` when the address is unreachable)
- :class:`Cluster`      what the driver joined: CPUs, GPUs, whether Ray was started here
- :func:`shutdown`      leave Ray (stops a local instance this process started)

Nothing here is global state of ours: Ray's own connection is per process, so
:func:`connect` returns what it found and the caller passes it on.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import UserError

__all__ = ["INSTALL_HINT", "Cluster", "ScaleError", "check_address", "connect", "require_ray",
           "shutdown"]

#: How to get Ray; every message about a missing Ray ends with it.
INSTALL_HINT = "pip install 'music_visualizer[ray]' (or: pip install 'ray[default]>=2.60,<3')"
#: Seconds to wait for a TCP answer from a cluster's address before calling it unreachable.
CONNECT_TIMEOUT = 5.0
_DEFAULT_PORTS = {"ray": 10001, "": 6379}


class ScaleError(UserError):
    """Ray missing, a cluster that cannot be reached, a worker that kept dying: one sentence."""


@dataclass(frozen=True)
class Cluster:
    """The Ray instance the driver joined."""

    address: str | None  # None: a local instance started by this process
    cpus: float
    gpus: float
    started_here: bool  # this call started or joined Ray (so its caller leaves it again)

    @property
    def has_gpus(self) -> bool:
        return self.gpus >= 1


def require_ray(what: str = "--workers") -> Any:
    """The ``ray`` module, or a :class:`ScaleError` saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ScaleError(f"{what} needs Ray, which is not installed; install it with "
                         f"{INSTALL_HINT}.") from None
    return ray


def _host_port(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of ``host:port`` or ``ray://host:port``; None for ``auto`` or
    ``local`` (Ray finds those itself)."""
    text = address.strip()
    if text in ("auto", "local"):
        return None
    url = urlsplit(text if "://" in text else "//" + text)
    try:
        port = url.port
    except ValueError:
        raise ScaleError(f"--ray-address '{address}' has no valid port; give HOST:PORT or "
                         "ray://HOST:10001.") from None
    if not url.hostname:
        raise ScaleError(f"--ray-address '{address}' names no host; give HOST:PORT or "
                         "ray://HOST:10001.")
    return url.hostname, port or _DEFAULT_PORTS.get(url.scheme, 6379)


def check_address(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """A :class:`ScaleError` unless something answers at the address (Ray's own connect
    retries for minutes before it gives up)."""
    where = _host_port(address)
    if where is None:
        return
    try:
        with socket.create_connection(where, timeout=timeout):
            pass
    except OSError:
        raise ScaleError(f"No Ray cluster answers at {address}; check the address and that "
                         "the cluster is running (ray status on its head node).") from None


def connect(address: str | None = None, *, num_cpus: int | None = None,
            timeout: float = CONNECT_TIMEOUT) -> Cluster:
    """Join the Ray cluster at ``address`` (``HOST:PORT``, ``ray://HOST:10001`` or ``auto``),
    or start a local instance (``num_cpus``: its CPUs; default all). Joining a process that is
    already connected reuses that connection.

    Raises
    ------
    ScaleError
        Ray is not installed, or nothing answers at ``address``.
    """
    ray = require_ray("--workers" if address is None else "--ray-address")
    started = False
    if not ray.is_initialized():
        if address is not None:
            check_address(address, timeout)
        options: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False,
                                       configure_logging=False)
        try:
            if address is None:
                ray.init(num_cpus=num_cpus, **options)
            else:
                ray.init(address=address, **options)
        except Exception as e:  # Ray raises plain Exceptions too (a node that timed out)
            if address is None:
                raise ScaleError(f"Could not start Ray on this machine ({_first_line(e)}); "
                                 "try again when it is less busy.") from None
            raise ScaleError(f"Could not join the Ray cluster at {address} "
                             f"({_first_line(e)}); check the address, or leave "
                             "--ray-address out to run locally.") from None
        started = True
    resources = ray.cluster_resources()
    return Cluster(address=address, cpus=float(resources.get("CPU", 0.0)),
                   gpus=float(resources.get("GPU", 0.0)), started_here=started)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


def shutdown(cluster: Cluster) -> None:
    """Leave Ray if :func:`connect` joined it (a local instance it started stops with it);
    a connection made before is left as it was."""
    import ray

    if cluster.started_here and ray.is_initialized():
        ray.shutdown()
