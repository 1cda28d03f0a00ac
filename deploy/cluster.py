"""Several app servers on one machine: Redis, two gunicorn servers, nginx in front.

``make cluster`` runs this file: one supervisor with every process in its
foreground. It starts ``redis-server``, two gunicorn app servers sharing it
(``HELPDESK_SANDBOX_STORE=redis://...`` and one ``HELPDESK_SECRET_KEY``) and
``nginx`` as the load balancer on ``HOST:PORT``; Ctrl-C or SIGTERM stops them all,
and so does any one of them dying. Every file lives under ``<instance>/cluster/``:

    nginx/nginx.conf, redis/redis.conf   rendered from deploy/nginx.conf, redis.conf
    nginx/nginx.pid, redis/redis.pid, app-N/gunicorn.pid
    nginx/temp/*                         nginx's temporary files
    redis/                               Redis's working directory
    app-N/                               app server N's HELPDESK_INSTANCE_PATH
                                         (its own search index)
    logs/                                every process's log
    secret_key                           the run's shared key (unless set)

The tests and the benchmark use :class:`Cluster` as a library: it starts the
processes on given (free) ports and returns handles to stop, kill or restart
them. Only the standard library is used, so it runs under any Python with the
project installed (gunicorn next to ``sys.executable``).
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_TIMEOUT_S = 60.0


class ClusterError(RuntimeError):
    """A process of the cluster could not be started."""


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def missing_programs(nginx: bool = True) -> list[str]:
    """Return the system programs the cluster needs that are not installed."""
    needed = (REDIS_SERVER, NGINX) if nginx else (REDIS_SERVER,)
    return [p for p in needed if not os.access(p, os.X_OK)]


def render(template: Path, values: Mapping[str, object]) -> str:
    """Fill the ``{{ name }}`` placeholders of a template (nginx keeps its ``$``)."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace("{{ " + name + " }}", str(value))
    if "{{ " in text:
        raise ClusterError(f"{template}: a placeholder was left unfilled")
    return text


@dataclass
class Child:
    """One process of the cluster, in its own session (process group)."""

    name: str
    command: list[str]
    env: dict[str, str] | None = None
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        if self.log_path is not None:
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log or subprocess.DEVNULL,
            stderr=self._log or subprocess.DEVNULL,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group at once (a crash, not a shutdown)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self, grace: float = 10.0) -> None:
        """TERM the process group, KILL it after ``grace`` seconds; close the log."""
        if self.process is not None:
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            # Workers left behind by a master that died first share the group.
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 20) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def _http_status(host: str, port: int, path: str, timeout: float = 2.0) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wait_ready(child: Child, host: str, port: int, limit: float) -> None:
    """Wait until ``child`` answers ``/readyz`` (or, without it, the articles) 200."""
    deadline = time.monotonic() + limit
    paths = ["/readyz", "/api/v1/articles"]
    while True:
        try:
            status = _http_status(host, port, paths[0])
            if status == 200:
                return
            if status == 404 and len(paths) > 1:
                paths.pop(0)  # no /readyz on this version: fall back
                continue
        except (OSError, http.client.HTTPException):
            pass
        if not child.running() or time.monotonic() > deadline:
            raise ClusterError(
                f"{child.name} did not get ready on port {port}:\n{child.log_tail()}"
            )
        time.sleep(0.1)


def redis_ping(host: str, port: int, timeout: float = 1.0) -> bool:
    """Return whether a Redis answers PING on ``host:port`` (no client library)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class Cluster:
    """Redis, ``len(app_ports)`` gunicorn app servers sharing it, nginx in front.

    ``root`` holds every file (see the module docstring). Ports default to free
    ones; ``seed_index`` is a search-index folder (``<instance>/search``) copied
    into each app server's instance folder so none has to build it at start-up.
    ``appendonly`` turns on Redis's AOF with ``appendfsync always`` (the tests
    restart Redis and want the sandboxes back). ``env`` adds variables for the app
    servers (e.g. ``HELPDESK_SANDBOX_CREATE_LIMIT``). ``access_logs`` off keeps
    nginx and gunicorn from logging each request (benchmarks); ``nginx`` off starts
    Redis and the app servers only.
    """

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        app_ports: list[int] | None = None,
        redis_port: int | None = None,
        workers: int = 2,
        secret_key: str | None = None,
        seed_index: Path | None = None,
        appendonly: bool = False,
        env: Mapping[str, str] | None = None,
        access_logs: bool = True,
        nginx: bool = True,
    ) -> None:
        self.root = root.resolve()
        self.host = host
        self.port = port or free_port()
        self.app_ports = app_ports or [free_port(), free_port()]
        self.redis_port = redis_port or free_port()
        self.workers = workers
        self.seed_index = seed_index
        self.appendonly = appendonly
        self.extra_env = dict(env or {})
        self.access_logs = access_logs
        self.with_nginx = nginx
        self.logs = self.root / "logs"
        self.secret_key = secret_key or self._run_secret_key()
        self.redis: Child | None = None
        self.apps: list[Child] = []
        self.nginx: Child | None = None

    # --- files ----------------------------------------------------------------------

    def _run_secret_key(self) -> str:
        """A new key for this run, kept (0600) in ``<root>/secret_key``."""
        self.root.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path = self.root / "secret_key"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        return key

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def app_instance(self, index: int) -> Path:
        return self.root / f"app-{index + 1}"

    def _render_redis(self) -> Path:
        directory = self.root / "redis"
        directory.mkdir(parents=True, exist_ok=True)
        conf = directory / "redis.conf"
        conf.write_text(
            render(
                DEPLOY / "redis.conf",
                {
                    "port": self.redis_port,
                    "bind": "127.0.0.1",
                    "dir": directory,
                    "logs": self.logs,
                    "maxmemory": "768mb",
                    "appendonly": "yes" if self.appendonly else "no",
                    "appendfsync": "always" if self.appendonly else "everysec",
                },
            )
        )
        return conf

    def _render_nginx(self) -> Path:
        prefix = self.root / "nginx"
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "temp" / temp).mkdir(parents=True, exist_ok=True)
        servers = "\n".join(
            f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;"
            for p in self.app_ports
        )
        access = f"{self.logs}/nginx-access.log upstream" if self.access_logs else "off"
        conf = prefix / "nginx.conf"
        conf.write_text(
            render(
                DEPLOY / "nginx.conf",
                {
                    "prefix": prefix,
                    "logs": self.logs,
                    "access_log": access,
                    "servers": servers,
                    "host": self.host,
                    "port": self.port,
                },
            )
        )
        return conf

    # --- processes ------------------------------------------------------------------

    def start(self) -> Cluster:
        """Start Redis, the app servers, then nginx; return once all answer.

        On failure everything started is stopped before the error is raised.
        """
        self.logs.mkdir(parents=True, exist_ok=True)
        missing = missing_programs(self.with_nginx)
        if missing:
            raise ClusterError(f"not installed: {', '.join(missing)}")
        try:
            self.start_redis()
            for index in range(len(self.app_ports)):
                self.apps.append(self._start_app(index))
            for index, app in enumerate(self.apps):
                wait_ready(app, "127.0.0.1", self.app_ports[index], START_TIMEOUT_S)
            if self.with_nginx:
                self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def start_redis(self) -> None:
        """Start (or start again, on the same port and files) ``redis-server``."""
        conf = self._render_redis()
        self.redis = Child("redis", [REDIS_SERVER, str(conf)])
        self.redis.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not redis_ping("127.0.0.1", self.redis_port):
            if not self.redis.running() or time.monotonic() > deadline:
                log = (self.logs / "redis.log").read_text(errors="replace")
                self.redis.stop()
                raise ClusterError(f"redis-server did not start:\n{log[-2000:]}")
            time.sleep(0.05)
        # A restart with AOF answers PING while it still loads the file; wait.
        while self._redis_loading():
            if time.monotonic() > deadline:
                raise ClusterError("redis-server kept loading its data")
            time.sleep(0.05)

    def _redis_loading(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), 1) as sock:
                sock.sendall(b"INFO persistence\r\n")
                data = b""
                while b"loading:" not in data or not data.endswith(b"\r\n"):
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                return b"loading:1" in data
        except OSError:
            return True

    def stop_redis(self) -> None:
        """Stop ``redis-server`` (SIGTERM: it writes its AOF and exits)."""
        if self.redis is not None:
            self.redis.stop()

    def app_env(self, index: int) -> dict[str, str]:
        instance = self.app_instance(index)
        return {
            **os.environ,
            **self.extra_env,
            "HELPDESK_SANDBOX_STORE": self.redis_url,
            "HELPDESK_SECRET_KEY": self.secret_key,
            "HELPDESK_INSTANCE_PATH": str(instance),
            # Behind nginx the client is in X-Forwarded-For (rate limits per
            # client); the app servers listen on loopback only, so no one else
            # can set it.
            "HELPDESK_TRUSTED_PROXIES": "1" if self.with_nginx else "0",
        }

    def _start_app(self, index: int) -> Child:
        instance = self.app_instance(index)
        instance.mkdir(parents=True, exist_ok=True)
        search = instance / "search"
        if self.seed_index is not None and self.seed_index.is_dir():
            # Each server owns its index: a copy of the prebuilt one, which the
            # server rebuilds at start-up (in its own folder) if the content is newer.
            shutil.rmtree(search, ignore_errors=True)
            shutil.copytree(self.seed_index, search, symlinks=True)
        name = f"app-{index + 1}"
        command = [
            str(GUNICORN),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.app_ports[index]}",
            "--pid",
            str(instance / "gunicorn.pid"),
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
        ]
        if self.access_logs:
            command += ["--access-logfile", str(self.logs / f"{name}-access.log")]
        command.append("helpdesk:create_app()")
        child = Child(
            name, command, env=self.app_env(index), log_path=self.logs / f"{name}.log"
        )
        child.start()
        return child

    def _start_nginx(self) -> None:
        conf = self._render_nginx()
        prefix = conf.parent
        # -e: the error log before the configuration is read (not /var/log/nginx).
        command = [NGINX, "-p", str(prefix), "-c", str(conf)]
        command += ["-e", str(self.logs / "nginx-error.log")]
        test = subprocess.run(
            [*command, "-t", "-q"], capture_output=True, text=True, check=False
        )
        if test.returncode != 0:
            raise ClusterError(f"nginx -t failed:\n{test.stderr}")
        self.nginx = Child("nginx", command, log_path=self.logs / "nginx-stderr.log")
        self.nginx.start()
        wait_ready(self.nginx, self.host, self.port, START_TIMEOUT_S)

    def children(self) -> list[Child]:
        return [c for c in (self.redis, *self.apps, self.nginx) if c is not None]

    def dead(self) -> list[Child]:
        """Return the children that have exited."""
        return [c for c in self.children() if not c.running()]

    def kill_app(self, index: int) -> None:
        """SIGKILL app server ``index`` (its master and workers), as in a crash."""
        self.apps[index].kill()

    def stop(self) -> None:
        """Stop nginx, then the app servers, then Redis; close every log."""
        for child in reversed(self.children()):
            child.stop()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# --- the supervisor (make cluster) --------------------------------------------------


class _Stop(Exception):
    pass


def _raise_stop(signum: int, _frame: Any) -> None:
    raise _Stop(signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run Redis, two gunicorn app servers and nginx in front of them."
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WORKERS", 2))
    )
    parser.add_argument(
        "--instance",
        type=Path,
        default=Path(os.environ.get("HELPDESK_INSTANCE_PATH") or ROOT / "instance"),
        help="the instance folder; the cluster's files go in <instance>/cluster",
    )
    parser.add_argument("--app-ports", help="comma-separated (default: free ports)")
    parser.add_argument("--redis-port", type=int, help="default: a free port")
    args = parser.parse_args(argv)
    app_ports = [int(p) for p in args.app_ports.split(",")] if args.app_ports else None
    cluster = Cluster(
        args.instance / "cluster",
        host=args.host,
        port=args.port,
        app_ports=app_ports,
        redis_port=args.redis_port,
        workers=args.workers,
        secret_key=os.environ.get("HELPDESK_SECRET_KEY") or None,
        seed_index=args.instance / "search",
    )
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    status = 0
    try:
        cluster.start()
        assert cluster.redis is not None and cluster.nginx is not None
        print(f"redis-server  {cluster.redis_url}  (pid {cluster.redis.pid})")
        for index, app in enumerate(cluster.apps):
            print(
                f"{app.name:13} http://127.0.0.1:{cluster.app_ports[index]}"
                f"  (pid {app.pid}, {args.workers} workers)"
            )
        print(f"nginx         {cluster.url}  (pid {cluster.nginx.pid})")
        print(f"files and logs in {cluster.root}; Ctrl-C stops everything", flush=True)
        while True:
            dead = cluster.dead()
            if dead:
                for child in dead:
                    code = child.process.returncode if child.process else None
                    print(
                        f"{child.name} exited ({code}); stopping the cluster",
                        file=sys.stderr,
                    )
                    tail = child.log_tail()
                    if tail:
                        print(tail, file=sys.stderr)
                status = 1
                break
            time.sleep(0.5)
    except _Stop:
        print("stopping the cluster", file=sys.stderr)
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
