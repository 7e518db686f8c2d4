"""A throwaway PostgreSQL server for the test session: initdb in a temp dir, loopback only, then deleted.

Tests run as root here and in CI, and initdb refuses root, so as root the cluster belongs to the
`postgres` system user and every server command runs through `runuser` (or `su`). The data directory
lives in a fresh directory under the system temp dir (not pytest's per-user tmp, which `postgres`
cannot enter). Durability is switched off: the server is discarded, and tests that kill clients rely on
transactions, not on fsync.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")]
    found = [d for d in found if (d / "initdb").exists()]
    return max(found, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0, default=None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    """Prefix a command so that it runs as `postgres` when we are root."""
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(map(_quote, cmd))]


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


@dataclass
class PgServer:
    bin_dir: Path
    root: Path
    port: int = 0

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str) -> None:
        cmd = _as_server_user([str(self.bin_dir / args[0]), *args[1:]])
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode:
            log = self.root / "log.txt"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:1])} failed: {proc.stderr}{proc.stdout}\n{tail}")

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust", "-U", "postgres"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log.txt"), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


def start_server() -> PgServer:
    """Start a private server or raise RuntimeError; the caller must `stop_and_remove` it."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="xxgk-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    server = PgServer(bin_dir, root)
    try:
        server.init()
        for attempt in range(3):  # a free port can be taken between probing and binding
            server.port = _free_port()
            try:
                server.start()
                return server
            except RuntimeError:
                if attempt == 2:
                    raise
    except BaseException:
        stop_and_remove(server)
        raise
    raise AssertionError("unreachable")


def stop_and_remove(server: PgServer) -> None:
    try:
        server.stop()
    finally:
        shutil.rmtree(server.root, ignore_errors=True)
