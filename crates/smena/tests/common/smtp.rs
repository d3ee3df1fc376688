//! A real SMTP server for the tests.

/// A real SMTP server on loopback (aiosmtpd, Debian's python3-aiosmtpd)
/// that writes every message it accepts to a directory.
#[allow(dead_code)]
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Option<std::process::Child>,
    /// `smtps` or `starttls`, with the certificate authority's PEM file.
    tls: Option<(&'static str, std::path::PathBuf)>,
    /// How long the server takes over each message.
    delay: std::time::Duration,
}

#[allow(dead_code)]
impl SmtpSink {
    pub async fn start() -> SmtpSink {
        SmtpSink::start_slow(std::time::Duration::ZERO).await
    }

    /// A server that takes `delay` over each message before accepting it
    /// (other connections are served meanwhile).
    pub async fn start_slow(delay: std::time::Duration) -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut sink = SmtpSink {
            port,
            dir: tempfile::tempdir().unwrap(),
            child: None,
            tls: None,
            delay,
        };
        sink.resume().await;
        sink
    }

    /// A server with TLS (`smtps` or `starttls`) whose certificate, for
    /// 127.0.0.1, is issued by a test authority made here with openssl;
    /// `ca()` is that authority's certificate.
    pub async fn start_tls(mode: &'static str) -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let certs = dir.path().join("certs");
        std::fs::create_dir(&certs).unwrap();
        std::fs::write(
            certs.join("server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
             keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        for args in [
            [
                &["req", "-x509"][..],
                &ec[..],
                &[
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=Smena test authority",
                ][..],
            ]
            .concat(),
            [
                &["req"][..],
                &ec[..],
                &[
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=127.0.0.1",
                ][..],
            ]
            .concat(),
            vec![
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ],
        ] {
            let out = std::process::Command::new("openssl")
                .args(&args)
                .current_dir(&certs)
                .output()
                .expect("openssl");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut sink = SmtpSink {
            port,
            dir,
            child: None,
            tls: Some((mode, certs)),
            delay: std::time::Duration::ZERO,
        };
        sink.resume().await;
        sink
    }

    /// The test authority's certificate (PEM file) of a TLS server.
    pub fn ca(&self) -> std::path::PathBuf {
        self.tls.as_ref().expect("a TLS server").1.join("ca.pem")
    }

    /// Starts the server (again) on the same port.
    pub async fn resume(&mut self) {
        let python = if std::path::Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3"
        } else {
            "python3"
        };
        let mut command = std::process::Command::new(python);
        command
            .env("SMTP_SINK_DELAY", self.delay.as_secs_f64().to_string())
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
            .arg(self.port.to_string())
            .arg(self.dir.path().join("mail"));
        if let Some((mode, certs)) = &self.tls {
            command
                .arg(mode)
                .arg(certs.join("server.pem"))
                .arg(certs.join("server.key"));
        }
        let child = command
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the SMTP server did not start (is python3-aiosmtpd installed?)");
    }

    /// Stops the server: connections are refused until `resume`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message received so far, whole.
    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.path().join("mail")) else {
            return Vec::new();
        };
        let mut found: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        found.sort();
        found
    }

    /// Waits until `n` messages have arrived (at most 30 s).
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..300 {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{} messages arrived, {n} expected", self.messages().len());
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}
