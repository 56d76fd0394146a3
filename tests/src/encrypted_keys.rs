//! Password-protected keys as people get them, written by the real OpenSSL at test time (none
//! is committed): one 2048-bit RSA key, encrypted the four ways OpenSSL 3 offers, all with
//! [`PASSWORD`]. The README's test command installs `openssl`.
//!
//! | File | Command |
//! |---|---|
//! | `pbkdf2-aes256.pem` | `openssl pkcs8 -topk8 -v2 aes-256-cbc` (PBES2, PBKDF2-HMAC-SHA256; also what `openssl genpkey -aes256` and .NET's `ExportEncryptedPkcs8PrivateKeyPem` write) |
//! | `scrypt-aes256.pem` | `openssl pkcs8 -topk8 -scrypt` (PBES2, scrypt) |
//! | `pbes1-3des.pem` | `openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES` (PKCS#12 PBE, old) |
//! | `traditional-aes256.pem` | `openssl rsa -aes256 -traditional` (`Proc-Type: 4,ENCRYPTED`) |
//! | `ec-pbkdf2-aes256.pem` | `openssl genpkey -algorithm EC` (P-256), then as the first row: a key of another type |
//! | `public.pem` | `openssl pkey -pubout`: the public half, to check a decryption gives the right key |

use std::path::{Path, PathBuf};
use std::process::Command;

pub const PASSWORD: &str = "Fjord-2026 æøå";

#[derive(Debug)]
pub struct EncryptedKeys {
    dir: tempfile::TempDir,
}

impl EncryptedKeys {
    pub fn make() -> Self {
        let dir = tempfile::tempdir().expect("tmp");
        let plain = dir.path().join("plain.pem");
        let run = |args: &[&str]| {
            let status = Command::new("openssl")
                .args(args)
                .env("KEY_PASSWORD", PASSWORD)
                .current_dir(dir.path())
                .status()
                .expect(
                    "openssl is needed for these tests (the README's test command installs it)",
                );
            assert!(status.success(), "openssl {args:?}");
        };
        run(&["genrsa", "-out", "plain.pem", "2048"]);
        for (out, scheme) in [
            ("pbkdf2-aes256.pem", &["-v2", "aes-256-cbc"][..]),
            ("scrypt-aes256.pem", &["-scrypt"][..]),
            ("pbes1-3des.pem", &["-v1", "PBE-SHA1-3DES"][..]),
        ] {
            let mut args = vec!["pkcs8", "-topk8", "-in", "plain.pem", "-out", out];
            args.extend(scheme);
            args.extend(["-passout", "env:KEY_PASSWORD"]);
            run(&args);
        }
        run(&[
            "rsa",
            "-aes256",
            "-traditional",
            "-in",
            "plain.pem",
            "-out",
            "traditional-aes256.pem",
            "-passout",
            "env:KEY_PASSWORD",
        ]);
        run(&["pkey", "-in", "plain.pem", "-pubout", "-out", "public.pem"]);
        run(&[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-aes-256-cbc",
            "-pass",
            "env:KEY_PASSWORD",
            "-out",
            "ec-pbkdf2-aes256.pem",
        ]);
        std::fs::remove_file(&plain).expect("the unencrypted key is removed at once");
        Self { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn text(&self, name: &str) -> String {
        let path = self.path(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
