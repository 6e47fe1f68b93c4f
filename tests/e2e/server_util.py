"""Helpers to run `mvt runserver` on a free port and talk HTTP to it."""
import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import time

from conftest import MVT, clean_env, run_mvt


def recv_until_closed(sock):
    """All the bytes `sock` receives until the peer closes it; a timeout or a
    reset ends the reading too (what came before is returned)."""
    out = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            out += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`mvt runserver` in a project folder; stop() sends SIGINT."""

    def __init__(self, project, *args, env=None):
        self.port = free_port()
        self.proc = subprocess.Popen([MVT, "runserver", str(self.port), *args], cwd=project,
                                     env=env or clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, errors="replace")
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited: " + self.proc.stderr.read())
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        conn.close()
        return r.status, dict(r.getheaders()), data

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        out, err = self.proc.communicate()
        return self.proc.returncode, out, err


def make_project(tmp_path, files, apps=("blog",), settings_extra=""):
    """startproject + startapp for each app, then writes `files` (relative
    path -> text) and adds the apps to INSTALLED_APPS."""
    r = run_mvt("startproject", "site", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    root = tmp_path / "site"
    for app in apps:
        assert run_mvt("startapp", app, cwd=root).returncode == 0
    settings = (root / "settings.yaml").read_text()
    settings = settings.replace("  - staticfiles\n", "  - staticfiles\n" + "".join(f"  - {a}\n" for a in apps))
    (root / "settings.yaml").write_text(settings + settings_extra)
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def migrate(root):
    for cmd in (["makemigrations"], ["migrate"]):
        r = run_mvt(*cmd, cwd=root)
        assert r.returncode == 0, r.stdout + r.stderr


def sql(root, statement, params=()):
    con = sqlite3.connect(root / "db.sqlite3")
    con.execute(statement, params)
    con.commit()
    con.close()


def wait_for(predicate, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
