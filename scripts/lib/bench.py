#!/usr/bin/env python3
"""One bench run of Maskinporten Assistant's release build, every figure beside a reference
measured in the same run on the same machine: median (min-max) of N pairs run alternately, and
the ratio of the medians. Called by scripts/bench.sh, which builds first.

Nothing here touches the person's keychain or data folder: a private D-Bus session with its own
gnome-keyring (as the tests use) and a throwaway data folder; the servers are a `sandbox serve`
on 127.0.0.1.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAIRS = int(os.environ.get("BENCH_PAIRS", "15"))
CLIENT = "5b6f1a52-0c4e-4c1e-9a1e-6f0d5c0b5a11"  # the sandbox's default client
# The service owner's scopes: the sandbox's app B lets the organisation create instances for others.
SCOPES = "altinn:serviceowner/instances.read altinn:serviceowner/instances.write"
# BENCH_ROWS=chain,bulk runs only those rows (for working on one figure); default: all.
ONLY = set(filter(None, os.environ.get("BENCH_ROWS", "").split(",")))


def wanted(name):
    return not ONLY or name in ONLY


def die(message):
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(1)


class Keyring:
    """A D-Bus session bus and an unlocked gnome-keyring of our own."""

    def __init__(self, base: Path):
        self.run = base / "run"
        self.data = base / "data"
        for d in (self.run, self.data):
            d.mkdir(mode=0o700, parents=True)
        socket = base / "bus"
        self.bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1", f"--address=unix:path={socket}"],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        )
        self.address = self.bus.stdout.readline().strip()
        self.env = {
            "DBUS_SESSION_BUS_ADDRESS": self.address,
            "XDG_RUNTIME_DIR": str(self.run),
            "XDG_DATA_HOME": str(self.data),
        }
        self.keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            env={**os.environ, **self.env}, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.keyring.stdin.write(b"bench-only")
        self.keyring.stdin.close()
        started = time.monotonic()
        while True:
            owned = subprocess.run(
                ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                 "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                 "string:org.freedesktop.secrets"],
                env={**os.environ, **self.env}, capture_output=True, text=True,
            )
            if "boolean true" in owned.stdout:
                break
            if time.monotonic() - started > 20:
                die("gnome-keyring did not claim org.freedesktop.secrets")
            time.sleep(0.05)

    def stop(self):
        for p in (self.keyring, self.bus):
            p.terminate()
            p.wait()


def timed(argv, env, stdin=None):
    """Wall seconds and peak RSS (KiB, from GNU time) of one run; fails loudly."""
    with tempfile.NamedTemporaryFile("r") as rss:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv],
            env=env, input=stdin, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            die(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        kib = int(rss.read().strip().splitlines()[-1])
    return seconds, kib, done.stdout


def pairs(ours, reference, n=PAIRS):
    """Runs both alternately n times (after one warm-up each): their times and peak RSS."""
    ours(), reference()
    a, b = [], []
    for _ in range(n):
        a.append(ours())
        b.append(reference())
    return a, b


def spread(values, unit):
    med = statistics.median(values)
    return f"{med:.{unit[1]}f} {unit[0]} ({min(values):.{unit[1]}f}–{max(values):.{unit[1]}f})"


ROWS = []


def row(job, ours, reference, ratio, goal, verdict):
    ROWS.append((job, ours, reference, ratio, goal, verdict))
    print(f"  {job}: {ours} vs {reference}: {ratio} (goal {goal}) {verdict}", flush=True)


def compare(job, a, b, goal_ratio, what="time"):
    ms = [s * 1000 for s, _, _ in a], [s * 1000 for s, _, _ in b]
    ratio = statistics.median(ms[0]) / statistics.median(ms[1])
    row(f"{job}, {what}", spread(ms[0], ("ms", 1)), spread(ms[1], ("ms", 1)), f"{ratio:.2f}×",
        f"≤ {goal_ratio}×", "ok" if ratio <= goal_ratio else "**not met**")
    mib = [k / 1024 for _, k, _ in a], [k / 1024 for _, k, _ in b]
    row(f"{job}, peak RSS", spread(mib[0], ("MiB", 1)), spread(mib[1], ("MiB", 1)),
        f"{statistics.median(mib[0]) / statistics.median(mib[1]):.2f}×", "—", "")
    return ratio


def tree_rss_kib(pid):
    """Resident memory of a process and all its descendants (WebKit runs in child processes)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmRSS:")))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            pass
    return total


def window_launch(argv, title, env, display):
    """Seconds until the window is mapped, and the idle memory of its process tree 3 s later."""
    env = {**env, "DISPLAY": display}
    started = time.perf_counter()
    err = tempfile.TemporaryFile()
    app = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        while True:
            seen = subprocess.run(["xwininfo", "-display", display, "-name", title],
                                  capture_output=True, text=True).stdout
            if "IsViewable" in seen:
                mapped = time.perf_counter() - started
                break
            if app.poll() is not None or time.perf_counter() - started > 60:
                err.seek(0)
                said = err.read().decode(errors="replace")[-2000:]
                die(f"{argv[0]} did not map a window titled {title!r} on {display} (exit {app.poll()}):\n{said}")
            time.sleep(0.01)
        # Idle: what the window holds once it has drawn and settled.
        time.sleep(3)
        kib = tree_rss_kib(app.pid)
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
    return mapped, kib, ""


def main():
    bin_dir = Path(os.environ.get("BENCH_BIN_DIR", ROOT / "target" / "release"))
    tool = bin_dir / "maskinporten-assistant"
    if not tool.is_file():
        die(f"{tool} is missing: run scripts/bench.sh, which builds it")
    for needed in ("openssl", "curl", "dbus-daemon", "gnome-keyring-daemon", "/usr/bin/time"):
        if not shutil.which(needed):
            die(f"{needed} is missing: run bash scripts/setup.sh test")

    base = Path(tempfile.mkdtemp(prefix="mpa-bench-"))
    keyring = Keyring(base / "keyring")
    data = base / "data"
    env = {**os.environ, **keyring.env, "MASKINPORTEN_ASSISTANT_DATA_DIR": str(data)}
    env.pop("HTTPS_PROXY", None)
    sandbox = None
    try:
        cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
        print(f"Bench: {PAIRS} pairs per row, release build, {cpu} cores, {time.strftime('%Y-%m-%d')}")

        # --- --version ------------------------------------------------------------------
        if wanted("version"):
            libs = subprocess.run(["ldd", str(tool)], capture_output=True, text=True).stdout
            gui = [l.split()[0] for l in libs.splitlines() if any(g in l for g in ("libgtk", "libwebkit2gtk", "libjavascriptcore"))]
            a, b = pairs(lambda: timed([str(tool), "--version"], env), lambda: timed(["openssl", "version"], env))
            compare("`--version` vs `openssl version`", a, b, 1.5)
            med = statistics.median(s for s, _, _ in a) * 1000
            row("`--version`, absolute", f"{med:.1f} ms", "—", "—", "≤ 10 ms",
                ("ok" if med <= 10 else "**not met**") + f"; GUI libraries loaded: {', '.join(gui) or 'none'}")

        # --- the sandbox, a key on its client, a profile pointing at it --------------------
        sandbox = subprocess.Popen([str(tool), "--json", "sandbox", "serve"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        running = data / "sandbox-running.json"
        started = time.monotonic()
        while not running.exists():
            if time.monotonic() - started > 30 or sandbox.poll() is not None:
                die("sandbox serve did not start")
            time.sleep(0.05)
        time.sleep(0.2)
        info = json.loads(running.read_text())
        secret = info["secret"]
        mp, altinn, apps = info["maskinporten"], info["altinn_platform"], info["apps"]
        key = base / "key.pem"
        subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
        kid = "bench-key"
        subprocess.run([str(tool), "key", "import", str(key), "--kid", kid], env=env, check=True, capture_output=True)
        jwks = subprocess.run([str(tool), "key", "public", kid, "--format", "jwks"], env=env, check=True,
                              capture_output=True, text=True).stdout
        subprocess.run(["curl", "-sf", "-X", "POST", "-H", "Content-Type: application/json",
                        "-H", f"X-Sandbox-Secret: {secret}", "--data", jwks,
                        f"{mp}api/v1/clients/{CLIENT}/jwks"], check=True, capture_output=True)
        subprocess.run([str(tool), "profile", "create", "Bench", "--env", "custom",
                        "--maskinporten-url", mp, "--altinn-url", altinn, "--apps-url", apps,
                        "--client-id", CLIENT, "--key", kid, "--scope", SCOPES,
                        "--org", "312345676", "--app-b", "ttd/sandbox-app-b"],
                       env=env, check=True, capture_output=True)

        # --- the chain vs curl + openssl ---------------------------------------------------
        if wanted("chain"):
            script = ROOT / "scripts" / "lib" / "bench-chain-reference.sh"
            ref_env = {**env, "MP": mp, "ALTINN": altinn, "CLIENT": CLIENT, "KID": kid, "KEY": str(key), "SCOPE": SCOPES}
            a, b = pairs(lambda: timed([str(tool), "--json", "exchange", "--profile", "Bench"], env),
                         lambda: timed(["bash", str(script)], ref_env))
            for _, _, out in a[:1]:
                report = json.loads(out)
                if report.get("diagnosis"):
                    die(f"the chain failed: {report['diagnosis']}")
            compare("`exchange --profile P` vs curl + openssl", a, b, 1.2)

        # --- key generation vs openssl genrsa ----------------------------------------------
        if wanted("keygen"):
            a, b = pairs(lambda: timed([str(tool), "key", "generate", "--bits", "2048"], env),
                         lambda: timed(["openssl", "genrsa", "-out", "/dev/null", "2048"], env))
            compare("`key generate --bits 2048` vs `openssl genrsa 2048`", a, b, 1.5)

        # --- bulk: 150 ms per request, and memory over 1k/10k/100k rows ---------------------
        if wanted("bulk"):
            def csv(rows):
                path = base / f"owners-{rows}.csv"
                path.write_text("owner\n" + "312345676\n" * rows)
                return path

            def bulk(rows, concurrency):
                results = base / f"results-{rows}-{concurrency}-{time.monotonic_ns()}.csv"
                return timed([str(tool), "--json", "bulk", "--profile", "Bench", "--csv", str(csv(rows)),
                              "--concurrency", str(concurrency), "--results", str(results)], env)

            fault = json.dumps({"service": "apps", "pathPrefix": "/", "kind": {"type": "latency", "ms": 150}})
            subprocess.run(["curl", "-sf", "-X", "POST", "-H", "Content-Type: application/json",
                            "-H", f"X-Sandbox-Secret: {secret}", "--data", fault, f"{mp}_sandbox/faults"],
                           check=True, capture_output=True)
            concurrency, rows = 8, 240
            seconds, _, _ = bulk(rows, concurrency)
            rate, ideal = rows / seconds, concurrency / 0.150
            row(f"bulk at 150 ms per request, {rows} rows, concurrency {concurrency}", f"{rate:.1f} rows/s",
                f"{ideal:.1f} rows/s (concurrency ÷ latency)", f"{rate / ideal:.2f}×", "≥ 0.9×",
                "ok" if rate / ideal >= 0.9 else "**not met**")
            subprocess.run(["curl", "-sf", "-X", "DELETE", "-H", f"X-Sandbox-Secret: {secret}", f"{mp}_sandbox/faults"],
                           check=True, capture_output=True)
            peaks = {}
            for n in (1_000, 10_000, 100_000):
                seconds, kib, _ = bulk(n, 16)
                peaks[n] = kib / 1024
                print(f"  bulk {n} rows: {seconds:.1f} s, {n / seconds:.0f} rows/s, peak RSS {kib / 1024:.1f} MiB", flush=True)
            growth = peaks[100_000] / peaks[1_000]
            row("bulk peak RSS, 100k rows vs 1k rows", f"{peaks[100_000]:.1f} MiB", f"{peaks[1_000]:.1f} MiB",
                f"{growth:.2f}×", "flat (≤ 1.2×)", "ok" if growth <= 1.2 else "**not met**")
        # --- the window beside a hello-world Tauri v2 app ---------------------------------
        window, hello = bin_dir / "maskinporten-assistant-window", Path(os.environ.get("BENCH_HELLO", ""))
        if wanted("window") and window.is_file() and hello.is_file():
            number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                          and not Path(f"/tmp/.X{n}-lock").exists())
            display = f":{number}"
            xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp", "-noreset"],
                                    stdout=subprocess.DEVNULL, stderr=open(base / "xvfb.log", "w"))
            # Ready when it answers a client, not when it names its display.
            started = time.monotonic()
            while subprocess.run(["xwininfo", "-display", display, "-root"], capture_output=True).returncode != 0:
                if time.monotonic() - started > 20:
                    die(f"Xvfb on {display} does not answer: " + (base / "xvfb.log").read_text()[-1500:])
                time.sleep(0.05)
            try:
                n = min(PAIRS, 7)
                win_env = {**env, "MASKINPORTEN_ASSISTANT_DATA_DIR": str(base / "window-data")}
                a, b = pairs(lambda: window_launch([str(window)], "Maskinporten Assistant", win_env, display),
                             lambda: window_launch([str(hello)], "Hello Tauri", env, display), n)
                ms = [s * 1000 for s, _, _ in a], [s * 1000 for s, _, _ in b]
                row(f"window mapped after launch ({n} pairs)", spread(ms[0], ("ms", 0)), spread(ms[1], ("ms", 0)) + " (hello-world Tauri v2)",
                    f"{statistics.median(ms[0]) / statistics.median(ms[1]):.2f}×", "—", "")
                mib = [k / 1024 for _, k, _ in a], [k / 1024 for _, k, _ in b]
                ratio = statistics.median(mib[0]) / statistics.median(mib[1])
                row("window idle, RSS of the app and its WebKit processes", spread(mib[0], ("MiB", 0)),
                    spread(mib[1], ("MiB", 0)) + " (hello-world Tauri v2)", f"{ratio:.2f}×", "≤ 1.2×",
                    "ok" if ratio <= 1.2 else "**not met**")
            finally:
                xvfb.terminate()
                xvfb.wait()
        elif wanted("window"):
            print("  window row skipped: build maskinporten-assistant-window and hello-tauri first (scripts/bench.sh does)")
    finally:
        if sandbox:
            sandbox.terminate()
            sandbox.wait()
        keyring.stop()
        shutil.rmtree(base, ignore_errors=True)

    print("\n| Job | Ours | Reference | Ratio | Goal | |\n|---|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
