//! Stand-ins for the secret managers that `tkx exec` resolves references from: a real
//! OpenBao dev server, a real moto server (AWS Secrets Manager and SSM), a loopback
//! Secret Manager API for the real `gcloud`, and scripted `op` and `az`.
//!
//! Each `start` returns `None`, after printing "<tool> missing: skipped", when its tool is
//! not installed, and panics instead when `TKX_TEST_REQUIRE_MANAGERS` requires it (CI sets
//! it, so a green run means these tests ran; see [`required`]). Tools are looked up on `PATH`, then in
//! `target/ci-tools/path`, where `.ci/run` installs them. Every server listens on
//! 127.0.0.1 only and dies with its value.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether a missing `tool` fails the test instead of skipping it:
/// `TKX_TEST_REQUIRE_MANAGERS` is `1` (or any value but `0` that names no tool: all are
/// required) or a comma-separated list of tools (`bao,moto_server,aws`: those are).
fn required(tool: &str) -> bool {
    let Ok(value) = std::env::var("TKX_TEST_REQUIRE_MANAGERS") else { return false };
    let names: Vec<&str> = value.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
    let known = ["bao", "moto_server", "aws", "gcloud"];
    match names.as_slice() {
        [] | ["0"] => false,
        names if names.iter().any(|n| known.contains(n)) => names.contains(&tool),
        _ => true,
    }
}

/// `None` for a missing tool, or a panic when the tool is required.
fn missing<T>(tool: &str) -> Option<T> {
    assert!(!required(tool), "{tool} missing and TKX_TEST_REQUIRE_MANAGERS requires it");
    eprintln!("{tool} missing: skipped");
    None
}

/// The executable `name` on `PATH`, else in `target/ci-tools/path` (the tools `.ci/run`
/// installs) or `target/ci-tools/bin` (the whole venv).
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let ci_tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools");
    let dirs = std::env::split_paths(&path).chain([ci_tools.join("path"), ci_tools.join("bin")]);
    dirs.map(|dir| dir.join(name)).find(|p| {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// The directory holding `name`, to put first on a child's `PATH`.
fn dir_of(name: &str) -> Option<PathBuf> {
    find_tool(name).and_then(|p| p.parent().map(Path::to_path_buf))
}

/// `PATH` with `dir` first.
pub fn path_with(dirs: &[&Path]) -> std::ffi::OsString {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let mut all: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    all.extend(std::env::split_paths(&rest));
    std::env::join_paths(all).expect("PATH entries")
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("bind 127.0.0.1:0").port()
}

/// A GET to 127.0.0.1 answered 200 within two seconds: a server is ready.
fn answers_ok(port: u16, path: &str) -> bool {
    http(port, "GET", path, &[], "", Duration::from_secs(2)).is_some_and(|(status, _)| status == 200)
}

/// One plain HTTP/1.1 request to 127.0.0.1: the status code and body, `None` when
/// nothing answers within `timeout`.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
    timeout: Duration,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

/// Polls `ready` until it holds; panics with the server's log after `START_TIMEOUT` or
/// when the server exits first.
fn wait_ready(what: &str, child: &mut Child, log: &Path, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    loop {
        if ready() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{what} exited ({status}) before it was ready:\n{}",
                fs::read_to_string(log).unwrap_or_default()
            );
        }
        if start.elapsed() > START_TIMEOUT {
            let _ = child.kill();
            panic!(
                "{what} not ready after {START_TIMEOUT:?}:\n{}",
                fs::read_to_string(log).unwrap_or_default()
            );
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `program` with a scrubbed environment (PATH, HOME, `env`), its output going to
/// `log`.
fn spawn_server(program: &Path, args: &[&str], home: &Path, env: &[(&str, &str)], log: &Path) -> Child {
    let out = fs::File::create(log).expect("server log");
    let err = out.try_clone().expect("server log");
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .envs(env.iter().copied())
        .current_dir(home)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()))
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs a CLI with `env` on top of a scrubbed environment (PATH, HOME) and `stdin`.
fn run_cli(program: &Path, args: &[&str], home: &Path, env: &[(String, String)], stdin: &str) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn assert_ok(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------
// OpenBao

/// An OpenBao dev server (in memory, unsealed, root token `root`, KV v2 at `secret/`).
pub struct Bao {
    /// `http://127.0.0.1:PORT`.
    pub addr: String,
    /// The root token.
    pub token: String,
    port: u16,
    bin: PathBuf,
    child: Option<Child>,
    dir: tempfile::TempDir,
    policies: AtomicUsize,
}

impl Bao {
    /// Starts a dev server; `None` when `bao` is not installed.
    pub fn start() -> Option<Bao> {
        let Some(bin) = find_tool("bao") else { return missing("bao") };
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let listen = format!("-dev-listen-address=127.0.0.1:{port}");
        let log = dir.path().join("bao.log");
        // HOME is the temp dir: a dev server stores its root token in ~/.vault-token.
        let mut child = spawn_server(
            &bin,
            &["server", "-dev", "-dev-root-token-id=root", &listen],
            dir.path(),
            &[],
            &log,
        );
        wait_ready("bao server", &mut child, &log, || answers_ok(port, "/v1/sys/health"));
        Some(Bao {
            addr: format!("http://127.0.0.1:{port}"),
            token: "root".to_owned(),
            port,
            bin,
            child: Some(child),
            dir,
            policies: AtomicUsize::new(0),
        })
    }

    /// Where `bao` is, to put first on `PATH`.
    pub fn bin_dir() -> Option<PathBuf> {
        dir_of("bao")
    }

    /// `BAO_ADDR`, `BAO_TOKEN`, and the same under `VAULT_` (bao reads both; `BAO_`
    /// wins when both are set).
    pub fn env(&self) -> Vec<(String, String)> {
        self.env_with_token(&self.token)
    }

    /// [`Bao::env`] with another token.
    pub fn env_with_token(&self, token: &str) -> Vec<(String, String)> {
        [
            ("BAO_ADDR", self.addr.as_str()),
            ("BAO_TOKEN", token),
            ("VAULT_ADDR", self.addr.as_str()),
            ("VAULT_TOKEN", token),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// Runs `bao ARGS` as root against this server, `stdin` on its standard input.
    pub fn cli(&self, args: &[&str], stdin: &str) -> Output {
        run_cli(&self.bin, args, self.dir.path(), &self.env(), stdin)
    }

    /// Mounts a KV engine of `version` (1 or 2) at `mount`.
    pub fn enable_kv(&self, mount: &str, version: u8) {
        let path = format!("-path={mount}");
        let version = format!("-version={version}");
        assert_ok("bao secrets enable", &self.cli(&["secrets", "enable", &path, &version, "kv"], ""));
    }

    /// Writes `fields` as the secret at `path` of the KV mount `mount` (either version),
    /// replacing what was there.
    pub fn put(&self, mount: &str, path: &str, fields: &[(&str, &str)]) {
        let data: serde_json::Map<String, serde_json::Value> =
            fields.iter().map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v))).collect();
        let mount = format!("-mount={mount}");
        let json = serde_json::Value::Object(data).to_string();
        assert_ok("bao kv put", &self.cli(&["kv", "put", &mount, path, "-"], &json));
    }

    /// A token whose policy may only read `read_paths` (API paths: `secret/data/app` for
    /// KV v2, `kv1/app` for KV v1).
    pub fn token_for(&self, read_paths: &[&str]) -> String {
        let name = format!("tkx-test-{}", self.policies.fetch_add(1, Ordering::Relaxed));
        let policy: String =
            read_paths.iter().map(|p| format!("path \"{p}\" {{ capabilities = [\"read\"] }}\n")).collect();
        assert_ok("bao policy write", &self.cli(&["policy", "write", &name, "-"], &policy));
        let policy = format!("-policy={name}");
        let out = self.cli(&["token", "create", &policy, "-field=token"], "");
        assert_ok("bao token create", &out);
        String::from_utf8(out.stdout).expect("token").trim().to_owned()
    }

    /// Seals the server: every read now answers 503 "Vault is sealed".
    pub fn seal(&self) {
        assert_ok("bao operator seal", &self.cli(&["operator", "seal"], ""));
    }

    /// Kills the server; `addr` then refuses connections.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill(&mut child);
        }
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(start.elapsed() < START_TIMEOUT, "bao still listening after kill");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Bao {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill(&mut child);
        }
    }
}

// ---------------------------------------------------------------------------------------
// moto (AWS)

/// A moto server answering AWS Secrets Manager and SSM on 127.0.0.1, account
/// 123456789012, region us-east-1.
pub struct Moto {
    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`.
    pub endpoint: String,
    port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Moto {
    /// Starts moto; `None` when `moto_server` or `aws` is not installed.
    pub fn start() -> Option<Moto> {
        let Some(bin) = find_tool("moto_server") else { return missing("moto_server") };
        if find_tool("aws").is_none() {
            return missing("aws");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = dir.path().join("moto.log");
        let port_arg = port.to_string();
        let mut child = spawn_server(&bin, &["-H", "127.0.0.1", "-p", &port_arg], dir.path(), &[], &log);
        wait_ready("moto_server", &mut child, &log, || answers_ok(port, "/moto-api/"));
        Some(Moto { endpoint: format!("http://127.0.0.1:{port}"), port, child, _dir: dir })
    }

    /// Where `aws` is, to put first on `PATH`.
    pub fn bin_dir() -> Option<PathBuf> {
        dir_of("aws")
    }

    /// What `aws` needs to talk to this server and nothing else: the endpoint, fake
    /// credentials, the region, config files that do not exist, no instance metadata
    /// probe, no pager, one attempt per call (an unreachable endpoint fails in under a
    /// second instead of ~9 s of retries).
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_CONFIG_FILE", "/nonexistent/tkx-test/aws/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/tkx-test/aws/credentials"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_PAGER", ""),
            ("AWS_MAX_ATTEMPTS", "1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// One JSON-protocol call straight to moto (no `aws`: a call through it costs ~1 s).
    fn call(&self, target: &str, body: &serde_json::Value) -> (u16, String) {
        let service = if target.starts_with("AmazonSSM") { "ssm" } else { "secretsmanager" };
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
        );
        let headers = [
            ("X-Amz-Target", target),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Authorization", auth.as_str()),
        ];
        // The first call to a service loads its backend: SSM's takes ~3 s.
        http(self.port, "POST", "/", &headers, &body.to_string(), START_TIMEOUT).expect("moto answers")
    }

    /// Creates the secret `name` with the string `value`, or adds `value` as its new
    /// current version.
    pub fn put_secret(&self, name: &str, value: &str) {
        let (status, body) = self
            .call("secretsmanager.CreateSecret", &serde_json::json!({"Name": name, "SecretString": value}));
        if status == 200 {
            return;
        }
        assert!(body.contains("ResourceExistsException"), "CreateSecret {name}: {status} {body}");
        let (status, body) = self.call(
            "secretsmanager.PutSecretValue",
            &serde_json::json!({"SecretId": name, "SecretString": value}),
        );
        assert_eq!(status, 200, "PutSecretValue {name}: {body}");
    }

    /// Creates or overwrites the SecureString parameter `name` (e.g. `/app/token`).
    pub fn put_parameter(&self, name: &str, value: &str) {
        let body =
            serde_json::json!({"Name": name, "Value": value, "Type": "SecureString", "Overwrite": true});
        let (status, body) = self.call("AmazonSSM.PutParameter", &body);
        assert_eq!(status, 200, "PutParameter {name}: {body}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

// ---------------------------------------------------------------------------------------
// Google Secret Manager

/// The project, secret and version (a number) of a stored value.
type Versions = HashMap<(String, String), BTreeMap<u64, String>>;

#[derive(Default)]
struct GcpState {
    versions: Versions,
    denied: HashSet<(String, String)>,
}

/// The token `gcloud` sends (from the file [`GcpStandIn::env`] writes); any other gets 401.
const GCP_TOKEN: &str = "tkx-test-token";

/// A loopback stand-in for the Secret Manager API that `gcloud secrets versions access`
/// talks to: `GET /v1/projects/P/secrets/S/versions/V:access` answers the payload (base64,
/// with its CRC32C, which gcloud checks), 404 or 403 as the real API words them, and 401
/// for a request without the fake bearer token.
pub struct GcpStandIn {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    state: Arc<Mutex<GcpState>>,
    hang: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
    port: u16,
    accept: Option<thread::JoinHandle<()>>,
}

impl GcpStandIn {
    /// Starts the stand-in; `None` when `gcloud` is not installed.
    pub fn start() -> Option<GcpStandIn> {
        if find_tool("gcloud").is_none() {
            return missing("gcloud");
        }
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let state = Arc::new(Mutex::new(GcpState::default()));
        let (hang, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let requests = Arc::new(AtomicUsize::new(0));
        let accept = {
            let (state, hang, stop, requests) = (state.clone(), hang.clone(), stop.clone(), requests.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (state, hang, stop, requests) =
                        (state.clone(), hang.clone(), stop.clone(), requests.clone());
                    thread::spawn(move || gcp_serve(stream, &state, &hang, &stop, &requests));
                }
            })
        };
        Some(GcpStandIn {
            url: format!("http://127.0.0.1:{port}"),
            state,
            hang,
            stop,
            requests,
            port,
            accept: Some(accept),
        })
    }

    /// Stores `value` as `version` (a number) of `secret` in `project`; `latest` reads the
    /// highest version.
    pub fn add(&self, project: &str, secret: &str, version: &str, value: &str) {
        let n: u64 = version.parse().expect("a version is a number");
        let mut state = self.state.lock().expect("state");
        state
            .versions
            .entry((project.to_owned(), secret.to_owned()))
            .or_default()
            .insert(n, value.to_owned());
    }

    /// Every read of `secret` in `project` answers 403 PERMISSION_DENIED.
    pub fn deny(&self, project: &str, secret: &str) {
        self.state.lock().expect("state").denied.insert((project.to_owned(), secret.to_owned()));
    }

    /// From now on, connections are accepted and never answered.
    pub fn hang(&self) {
        self.hang.store(true, Ordering::SeqCst);
    }

    /// How many requests arrived (answered or not).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// What `gcloud` needs to talk to this stand-in and nothing else: the endpoint
    /// override, a fresh config dir under `dir`, a token file (no login), no prompts, and
    /// no probe of the GCE metadata server (without these it looks up
    /// metadata.google.internal on every run), no usage reporting or update check.
    pub fn env(&self, dir: &Path) -> Vec<(String, String)> {
        let config = dir.join("gcloud-config");
        fs::create_dir_all(&config).expect("gcloud config dir");
        // The cached answer to "is this a GCE machine?", so gcloud never asks the network.
        fs::write(config.join("gce"), "False").expect("gce cache");
        let token = dir.join("gcloud-token");
        fs::write(&token, GCP_TOKEN).expect("token file");
        [
            ("CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER", format!("{}/", self.url)),
            ("CLOUDSDK_CONFIG", config.display().to_string()),
            ("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", token.display().to_string()),
            ("CLOUDSDK_CORE_DISABLE_PROMPTS", "1".to_owned()),
            ("CLOUDSDK_CORE_CHECK_GCE_METADATA", "false".to_owned()),
            ("CLOUDSDK_METRICS_ENVIRONMENT", "tkx-test".to_owned()),
            ("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true".to_owned()),
            ("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "true".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Where `gcloud` is, to put first on `PATH`.
    pub fn bin_dir() -> Option<PathBuf> {
        dir_of("gcloud")
    }
}

impl Drop for GcpStandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Serves one connection: one request, one answer, then close.
fn gcp_serve(
    mut stream: TcpStream,
    state: &Mutex<GcpState>,
    hang: &AtomicBool,
    stop: &AtomicBool,
    requests: &AtomicUsize,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    if stop.load(Ordering::SeqCst) {
        return;
    }
    requests.fetch_add(1, Ordering::SeqCst);
    if hang.load(Ordering::SeqCst) {
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(50));
        }
        return;
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let (status, body) = gcp_answer(&head, &state.lock().expect("state"));
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        _ => "Not Found",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.shutdown(Shutdown::Both);
}

/// The status and JSON body for a request head.
fn gcp_answer(head: &str, state: &GcpState) -> (u16, String) {
    let error = |code: u16, status: &str, message: String| {
        (code, serde_json::json!({"error": {"code": code, "message": message, "status": status}}).to_string())
    };
    let authorized = head.lines().any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.eq_ignore_ascii_case("authorization") && v.trim() == format!("Bearer {GCP_TOKEN}")
        })
    });
    let target = head.lines().next().and_then(|l| l.split(' ').nth(1)).unwrap_or("");
    let path = target.split('?').next().unwrap_or("");
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (project, secret, version) = match parts.as_slice() {
        ["v1", "projects", p, "secrets", s, "versions", v] if v.ends_with(":access") => {
            (*p, *s, v.trim_end_matches(":access"))
        }
        _ => return error(404, "NOT_FOUND", format!("Requested entity was not found. ({path})")),
    };
    if !authorized {
        return error(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.".to_owned(),
        );
    }
    let key = (project.to_owned(), secret.to_owned());
    let name = format!("projects/{project}/secrets/{secret}/versions/{version}");
    if state.denied.contains(&key) {
        return error(
            403,
            "PERMISSION_DENIED",
            format!(
                "Permission 'secretmanager.versions.access' denied for resource '{name}' (or it may not exist)."
            ),
        );
    }
    let Some(versions) = state.versions.get(&key) else {
        return error(
            404,
            "NOT_FOUND",
            format!("Secret [projects/{project}/secrets/{secret}] not found or has no versions."),
        );
    };
    let found = if version == "latest" {
        versions.iter().next_back()
    } else {
        version.parse().ok().and_then(|n: u64| versions.get_key_value(&n))
    };
    let Some((n, value)) = found else {
        return error(404, "NOT_FOUND", format!("Secret Version [{name}] not found."));
    };
    use base64::Engine as _;
    let body = serde_json::json!({
        "name": format!("projects/{project}/secrets/{secret}/versions/{n}"),
        "payload": {
            "data": base64::engine::general_purpose::STANDARD.encode(value),
            "dataCrc32c": crc32c(value.as_bytes()).to_string(),
        },
    });
    (200, body.to_string())
}

/// CRC-32C (Castagnoli), as Secret Manager's `dataCrc32c`.
fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
        }
    }
    !crc
}

// ---------------------------------------------------------------------------------------
// op and az

/// The script behind [`stub_cli`]: POSIX sh and awk. It logs its arguments, then looks
/// its answers up in `NAME.answers` beside it.
const STUB_SCRIPT: &str = r#"#!/bin/sh
# A stand-in for 1Password's `op` or Azure's `az`, written by tkx's tests.
d=$(dirname "$0"); n=$(basename "$0")
line=""; for a in "$@"; do line="$line$(printf '%s' "$a" | tr '\t\n' '  ')	"; done
printf '%s\n' "${line%	}" >>"$d/$n.argv"
exec awk -v tool="$n" -f "$d/stub.awk" -- "$d/$n.answers" "$@"
"#;

/// The logic of the stubs; the arguments reach awk as ARGV[2..] (and are then cleared
/// so awk does not read them as files).
const STUB_AWK: &str = r#"
BEGIN {
    FS = "\t"
    stamp = "[ERROR] 2026/01/01 00:00:00 "
    for (i = 2; i < ARGC; i++) { arg[i - 1] = ARGV[i]; ARGV[i] = "" }
    nargs = ARGC - 2
    ARGC = 2
}
/^#/ || NF == 0 { next }
$1 == "value" { value[$2] = $3; next }
$1 == "deny" { denied[$2] = 1; next }
$1 == "state" { state[$2] = 1; next }
END {
    if (tool == "op") op(); else if (tool == "az") az(); else fail("stub: unknown tool " tool, 2)
}
function fail(msg, code) { printf "%s\n", msg > "/dev/stderr"; exit code }
function opt(name,    i) { for (i = 1; i < nargs; i++) if (arg[i] == name) return arg[i + 1]; return "" }
function has(name,    i) { for (i = 1; i <= nargs; i++) if (arg[i] == name) return 1; return 0 }
function jsonstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function op_missing(ref,    p, n) {
    n = split(ref, p, "/")
    return "\"" p[4] "\" isn't an item in the \"" p[3] "\" vault. Specify the item with its UUID, name, or domain."
}
function op(    ref, out, tpl, rest, inner, file, l) {
    if (arg[1] == "--version") { print "2.30.0"; exit 0 }
    if (arg[1] == "whoami") {
        if ("signed-out" in state) fail(stamp "account is not signed in", 1)
        print "URL:        https://tkx-test.1password.invalid"
        print "Email:      test@tkx.invalid"
        print "User ID:    TKXTESTUSER0000000000000000"
        print "User Type:  HUMAN"
        exit 0
    }
    if ("signed-out" in state) fail(stamp "You are not currently signed in. Please run `op signin --help` for instructions", 1)
    if (arg[1] == "read") {
        ref = arg[nargs]
        if (!(ref in value)) fail(stamp "could not read secret '" ref "': " op_missing(ref), 1)
        printf "%s", value[ref]
        if (!has("-n") && !has("--no-newline")) printf "\n"
        exit 0
    }
    if (arg[1] == "inject") {
        file = opt("-i"); if (file == "") file = opt("--in-file"); if (file == "") file = "/dev/stdin"
        tpl = ""; while ((getline l < file) > 0) tpl = tpl l "\n"
        out = ""; rest = tpl
        while (match(rest, /\{\{[^}]*\}\}/)) {
            inner = substr(rest, RSTART + 2, RLENGTH - 4)
            gsub(/^[ \t]+|[ \t]+$/, "", inner)
            out = out substr(rest, 1, RSTART - 1)
            if (inner ~ /^op:\/\//) {
                if (!(inner in value)) fail(stamp "could not resolve item UUID for item " inner ": " op_missing(inner), 1)
                out = out value[inner]
            } else {
                out = out substr(rest, RSTART, RLENGTH)
            }
            rest = substr(rest, RSTART + RLENGTH)
        }
        out = out rest
        file = opt("-o"); if (file == "") file = opt("--out-file")
        if (file != "") { printf "%s", out > file } else { printf "%s", out }
        exit 0
    }
    fail(stamp "unknown command \"" arg[1] "\" for \"op\"", 1)
}
function az(    vault, name, version, key, format, query, id) {
    if (arg[1] == "--version" || arg[1] == "version") { print "{ \"azure-cli\": \"2.66.0\" }"; exit 0 }
    if ("logged-out" in state) fail("ERROR: Please run 'az login' to setup account.", 1)
    if (arg[1] == "account" && arg[2] == "show") {
        print "{ \"id\": \"00000000-0000-0000-0000-000000000000\", \"name\": \"tkx-test\", \"state\": \"Enabled\" }"
        exit 0
    }
    if (arg[1] == "keyvault" && arg[2] == "secret" && arg[3] == "show") {
        vault = opt("--vault-name"); name = opt("--name"); if (name == "") name = opt("-n")
        version = opt("--version")
        format = opt("-o"); if (format == "") format = opt("--output"); if (format == "") format = "json"
        query = opt("--query")
        key = vault "/" name
        if ((key in denied) || ((key "/" version) in denied))
            fail("ERROR: (Forbidden) The user, group or application 'appid=00000000-0000-0000-0000-000000000000;oid=00000000-0000-0000-0000-000000000000;iss=https://sts.windows.net/00000000-0000-0000-0000-000000000000/' does not have secrets get permission on key vault '" vault ";location=eastus'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287\nCode: Forbidden\nMessage: The user, group or application does not have secrets get permission on key vault '" vault ";location=eastus'.\nInner error: {\n    \"code\": \"AccessDenied\"\n}", 1)
        if (version != "") key = key "/" version
        if (!(key in value))
            fail("ERROR: (SecretNotFound) A secret with (name/id) " name (version == "" ? "" : "/" version) " was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182\nCode: SecretNotFound\nMessage: A secret with (name/id) " name " was not found in this key vault.", 3)
        if (version == "") version = "0123456789abcdef0123456789abcdef"
        id = "https://" vault ".vault.azure.net/secrets/" name "/" version
        if (query == "value") {
            if (format == "tsv") print value[key]; else print jsonstr(value[key])
            exit 0
        }
        print "{"
        print "  \"attributes\": {"
        print "    \"created\": \"2026-01-01T00:00:00+00:00\","
        print "    \"enabled\": true,"
        print "    \"expires\": null,"
        print "    \"notBefore\": null,"
        print "    \"recoverableDays\": 90,"
        print "    \"recoveryLevel\": \"Recoverable+Purgeable\","
        print "    \"updated\": \"2026-01-01T00:00:00+00:00\""
        print "  },"
        print "  \"contentType\": null,"
        print "  \"id\": " jsonstr(id) ","
        print "  \"kid\": null,"
        print "  \"managed\": null,"
        print "  \"name\": " jsonstr(name) ","
        print "  \"tags\": {},"
        print "  \"value\": " jsonstr(value[key])
        print "}"
        exit 0
    }
    fail("ERROR: '" arg[1] "' is misspelled or not recognized by the system.", 2)
}
"#;

/// Writes an executable stand-in for `op` or `az` into `dir` and returns its path. Each
/// call appends its arguments to `dir/NAME.argv`, one line a call, tab-separated (read
/// them with [`stub_calls`]). It answers from `answers`, a table of tab-separated lines
/// (`#` starts a comment):
///
/// | line                                  | `op`                                   | `az`                                       |
/// |---------------------------------------|----------------------------------------|--------------------------------------------|
/// | `value<TAB>REF<TAB>VALUE`             | REF is `op://vault/item/field`: `op read REF` and `{{ REF }}` in `op inject` give VALUE | REF is `VAULT/NAME` or `VAULT/NAME/VERSION`: `az keyvault secret show --vault-name VAULT --name NAME [--version VERSION]` gives VALUE |
/// | `deny<TAB>VAULT/NAME`                 | —                                      | that secret answers `(Forbidden)`, exit 1  |
/// | `state<TAB>signed-out`                | every call but `--version` fails as not signed in (`op whoami`: "account is not signed in") | — |
/// | `state<TAB>logged-out`                | —                                      | every call but `--version` fails with "Please run 'az login' to setup account.", exit 1 |
///
/// An unknown `op://` reference fails (exit 1) with op's `"item" isn't an item in the
/// "vault" vault` text; an unknown `az` secret with `(SecretNotFound)`, exit 3. `az`
/// prints the JSON object of `-o json` (the default), or the bare value for
/// `--query value -o tsv`. VALUEs are one line; `op inject` reads `-i FILE` or stdin and
/// writes `-o FILE` or stdout, leaving `{{ … }}` that is not `op://` as it is.
pub fn stub_cli(dir: &Path, name: &str, answers: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    assert!(matches!(name, "op" | "az"), "stub_cli emulates op and az, not {name}");
    fs::create_dir_all(dir).expect("stub dir");
    fs::write(dir.join("stub.awk"), STUB_AWK).expect("stub.awk");
    fs::write(dir.join(format!("{name}.answers")), answers).expect("answers");
    let path = dir.join(name);
    fs::write(&path, STUB_SCRIPT).expect("stub script");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod stub");
    path
}

/// The calls a stub received, each as its list of arguments.
pub fn stub_calls(dir: &Path, name: &str) -> Vec<Vec<String>> {
    fs::read_to_string(dir.join(format!("{name}.argv")))
        .unwrap_or_default()
        .lines()
        .map(|l| if l.is_empty() { Vec::new() } else { l.split('\t').map(str::to_owned).collect() })
        .collect()
}
