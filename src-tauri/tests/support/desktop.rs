//! The real window under a private Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver),
//! with a private keychain and data folder. Every process it starts is ended on drop, by process
//! group, so no WebKitWebDriver is left behind (shared/reference/toolchain.md §4).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use super::{BIN, Cli};

/// Generous: the first WebKit start on a cold 2-core machine is slow.
pub const PATIENCE: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct Desktop {
    pub cli: Cli,
    xvfb: Child,
    driver: Child,
    pub client: Client,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn tauri_driver() -> PathBuf {
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/bin/tauri-driver");
    if local.exists() {
        return local;
    }
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join("tauri-driver")).find(|p| p.exists()))
        .expect("tauri-driver is needed: cargo install --locked --root .tools tauri-driver@2.1.0 (the README test command does)")
}

/// Starts Xvfb on a display it picks itself (`-displayfd`), so tests never use a real screen.
fn start_xvfb() -> (Child, String) {
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x860x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("Xvfb is needed for desktop tests (apt-get install xvfb)");
    let mut line = String::new();
    BufReader::new(xvfb.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("Xvfb prints its display");
    (xvfb, format!(":{}", line.trim()))
}

impl Desktop {
    pub async fn open() -> Self {
        let cli = super::cli();
        let (xvfb, display) = start_xvfb();
        let (port, native_port) = (free_port(), free_port());
        let driver = Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .envs(cli.keyring.env())
            .env("MASKINPORTEN_ASSISTANT_DATA_DIR", cli.data.path())
            .env("DISPLAY", &display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("tauri-driver starts");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "wry".into());
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": BIN }),
        );
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::rustls()
                .expect("rustls client")
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() < PATIENCE => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("could not start a WebDriver session: {e}"),
            }
        };
        Self {
            cli,
            xvfb,
            driver,
            client,
        }
    }

    /// Waits until the element exists and its text satisfies `ok`; returns the text.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
                && ok(&text)
            {
                return text;
            }
            if started.elapsed() > PATIENCE {
                let shot = self.screenshot("failed-wait.png").await;
                panic!("timed out waiting for {css} (see {})", shot.display());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the element to exist and be enabled, brings it into view, and clicks it.
    pub async fn click(&self, css: &str) {
        let started = Instant::now();
        let element = loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.is_enabled().await.unwrap_or(false)
            {
                break element;
            }
            if started.elapsed() > PATIENCE {
                let shot = self.screenshot("failed-click.png").await;
                panic!("{css} did not become clickable (see {})", shot.display());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let into_view = "arguments[0].scrollIntoView({block: 'center'});";
        let _ = self
            .client
            .execute(
                into_view,
                vec![serde_json::to_value(&element).unwrap_or_default()],
            )
            .await;
        if let Err(e) = element.click().await {
            let shot = self.screenshot("failed-click.png").await;
            panic!("click {css}: {e} (see {})", shot.display());
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        element
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn scroll_to(&self, css: &str) {
        let script =
            format!("document.querySelector({css:?})?.scrollIntoView({{block: 'start'}});");
        let _ = self.client.execute(&script, vec![]).await;
    }

    /// Chooses the option with this value, waiting until the option exists.
    pub async fn select(&self, css: &str, value: &str) {
        let option = format!("{css} option[value='{value}']");
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&option))
            .await
            .unwrap_or_else(|e| panic!("{option}: {e}"));
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        element
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Waits for the page to paint what the DOM already shows (two animation frames), then
    /// saves a PNG under artifacts/screenshots.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let painted = "const done = arguments[arguments.length - 1]; \
                       requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.client
            .execute_async(painted, vec![])
            .await
            .expect("the page paints");
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = artifacts().join("screenshots");
        std::fs::create_dir_all(&dir).expect("artifacts dir");
        let path = dir.join(name);
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Calls a command from the page, as the page's own script (or a script injected into it)
    /// could: `Ok(answer)` or `Err(rejection)`.
    pub async fn invoke(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let script = "const [command, args, done] = arguments; \
                      window.__TAURI_INTERNALS__.invoke(command, args).then( \
                        (value) => done({ ok: value ?? null }), \
                        (error) => done({ err: error ?? 'rejected' }));";
        let outcome = self
            .client
            .execute_async(script, vec![command.into(), args])
            .await
            .unwrap_or_else(|e| panic!("invoke {command}: {e}"));
        match outcome.get("err") {
            Some(err) => Err(err.clone()),
            None => Ok(outcome["ok"].clone()),
        }
    }

    /// Runs `script` (a function body that may `return`) in the page.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Resizes the window as a person would, and waits until the page has the new width.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|e| panic!("resize to {width}×{height}: {e}"));
        let started = Instant::now();
        loop {
            let inner = self.eval("return window.innerWidth;").await;
            let inner = inner.as_u64().unwrap_or_default();
            if inner > 0 && inner <= u64::from(width) && inner + 40 >= u64::from(width) {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the page is {inner} px wide, not about {width}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Ends the WebDriver session; dropping `self` then ends tauri-driver and Xvfb.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// Where desktop runs leave what a person would look at: screenshots, the saved report.
pub fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

fn end_group(child: &mut Child) {
    // SIGTERM to the whole group lets tauri-driver take WebKitWebDriver down with it.
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.wait();
}

impl Drop for Desktop {
    fn drop(&mut self) {
        end_group(&mut self.driver);
        end_group(&mut self.xvfb);
    }
}
