//! A private Secret Service for tests: its own D-Bus session bus and an unlocked gnome-keyring in
//! throwaway folders. Programs started with [`PrivateKeyring::env`] store keys there, never in the
//! keychain of the person running the tests. Both daemons are ended when the value is dropped.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct PrivateKeyring {
    dir: tempfile::TempDir,
    bus: Child,
    keyring: Child,
    address: String,
}

/// How long the daemons may take to come up on a loaded 2-core machine.
const STARTUP_LIMIT: Duration = Duration::from_secs(20);

impl PrivateKeyring {
    /// Starts the bus and the keyring. Panics with what to install when the tools are missing:
    /// this is test set-up, and the README's test command installs them.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir for the private keyring");
        let run = dir.path().join("run");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        std::fs::create_dir_all(&run).expect("run dir");
        set_private(&run);
        let socket = dir.path().join("bus");
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!("--address=unix:path={}", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon is needed for keychain tests (apt-get install dbus)");
        let mut line = String::new();
        let stdout = bus.stdout.take().expect("piped stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("dbus-daemon prints its address");
        let address = line.trim().to_string();
        assert!(
            address.starts_with("unix:"),
            "unexpected bus address {address:?}"
        );
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("XDG_RUNTIME_DIR", &run)
            .env("XDG_DATA_HOME", &data)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "gnome-keyring-daemon is needed for keychain tests (apt-get install gnome-keyring)",
            );
        // The unlock password of the throwaway login keyring; it protects nothing real.
        let mut stdin = keyring.stdin.take().expect("piped stdin");
        stdin.write_all(b"test-only").expect("password to keyring");
        drop(stdin);
        let ring = Self {
            dir,
            bus,
            keyring,
            address,
        };
        ring.wait_for_secret_service();
        ring
    }

    /// Polls the bus until the Secret Service name is owned (the condition tests depend on).
    fn wait_for_secret_service(&self) {
        let started = Instant::now();
        loop {
            let owned = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                ])
                .args([
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                .unwrap_or(false);
            if owned {
                return;
            }
            assert!(
                started.elapsed() < STARTUP_LIMIT,
                "gnome-keyring did not claim org.freedesktop.secrets"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The environment a child process needs to use this keyring and nothing else.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()),
            (
                "XDG_RUNTIME_DIR".into(),
                self.dir.path().join("run").display().to_string(),
            ),
            (
                "XDG_DATA_HOME".into(),
                self.dir.path().join("data").display().to_string(),
            ),
        ]
    }

    /// Where gnome-keyring keeps its (encrypted) keyring files, for tests that scan them.
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }
}

/// gnome-keyring refuses a runtime folder others can read. (A Secret Service exists on Linux
/// only; elsewhere this harness is compiled, so the workspace checks for Windows, but not run.)
fn set_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).expect("chmod 700");
    }
    #[cfg(not(unix))]
    let _ = path;
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        for child in [&mut self.keyring, &mut self.bus] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
