//! `tkx scan` on the formats of issue #18's recall list: Azure storage keys and SAS
//! tokens, Datadog application keys, passwords in INI files and Ansible inventories, keys
//! in LiteLLM and LangChain YAML. Each secret is found on its line under a rule that
//! names whose key it is, never printed whole; placeholders and references stay quiet.

use crate::support::{JsonReport, TestEnv, assert_no_leak, stdout};

/// `n` characters of `alphabet`, the same every run: keys built at run time, so this file
/// holds no whole fake key.
fn random(n: usize, alphabet: &str, seed: u64) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect()
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &str = "0123456789abcdef";

/// A password as people generate them: letters, digits and a symbol.
fn password(seed: u64) -> String {
    format!("{}!{}7q", random(10, ALNUM, seed), random(3, ALNUM, seed + 1))
}

/// A finding where it was reported: `(path, line, rule)`.
type Place = (String, usize, String);

/// Runs `tkx scan` (text and JSON) in the project; checks that no secret is printed in
/// either; returns the exit code and the findings as `(path, line, rule)`, sorted, with
/// the messages by rule.
fn scan(env: &TestEnv, secrets: &[&str]) -> (i32, Vec<Place>, Vec<(String, String)>) {
    let text = env.tkx(["scan"]).output().unwrap();
    let json = env.tkx(["scan", "--format", "json"]).output().unwrap();
    for s in secrets {
        assert_no_leak(&text, s);
        assert_no_leak(&json, s);
    }
    assert_eq!(text.status.code(), json.status.code());
    let doc: JsonReport = serde_json::from_str(&stdout(&json)).unwrap();
    let mut found: Vec<Place> =
        doc.findings.iter().map(|f| (f.path.clone().unwrap_or_default(), f.line, f.rule.clone())).collect();
    found.sort();
    let messages = doc.findings.into_iter().map(|f| (f.rule, f.message)).collect();
    (json.status.code().unwrap_or(-1), found, messages)
}

fn at(path: &str, line: usize, rule: &str) -> Place {
    (path.to_owned(), line, format!("scan/{rule}"))
}

fn message_of<'a>(messages: &'a [(String, String)], rule: &str) -> &'a str {
    messages.iter().find(|(r, _)| r == &format!("scan/{rule}")).map_or("", |(_, m)| m.as_str())
}

#[test]
fn azure_storage_keys_and_sas_signatures() {
    let env = TestEnv::new();
    let key = format!("{}==", random(86, BASE64, 1));
    let key2 = format!("{}==", random(86, BASE64, 2));
    // An HMAC-SHA256 in base64, percent-encoded as a URL carries it.
    let raw_sig = format!("{}=", random(43, BASE64, 3));
    let sig = raw_sig.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
    let sig2 = format!("{}=", random(43, ALNUM, 4));
    env.write(
        "deploy/web.config",
        format!(
            "<configuration>\n  <connectionStrings>\n    <add name=\"Storage\" connectionString=\"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={key};EndpointSuffix=core.windows.net\" />\n  </connectionStrings>\n</configuration>\n"
        ),
    );
    env.write(
        "scripts/upload.sh",
        format!(
            "#!/bin/sh\nexport AZURE_STORAGE_ACCOUNT=acme\nexport AZURE_STORAGE_KEY={key2}\naz storage blob upload --account-name acme --account-key \"$AZURE_STORAGE_KEY\" -f out.tgz\ncurl -T out.tgz \"https://acme.blob.core.windows.net/drop/out.tgz?sv=2022-11-02&ss=b&srt=o&sp=cw&se=2026-12-31T00:00:00Z&spr=https&sig={sig}\"\n"
        ),
    );
    env.write(
        ".github/workflows/backup.yml",
        format!(
            "jobs:\n  backup:\n    env:\n      AZURE_STORAGE_SAS_TOKEN: \"sv=2021-06-08&ss=bfqt&srt=sco&sp=rwdlacupx&se=2026-01-01&sig={sig2}\"\n      PLACEHOLDER_SAS: \"sv=2021-06-08&ss=b&sp=r&sig=<signature>\"\n"
        ),
    );
    // Azurite's published development key and the emulator's shorthand.
    env.write(
        "appsettings.Development.json",
        concat!(
            "{\n  \"AzureWebJobsStorage\": \"UseDevelopmentStorage=true\",\n",
            "  \"Blob\": \"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=",
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\"\n}\n"
        ),
    );
    let (code, found, messages) = scan(&env, &[&key, &key2, &sig, &raw_sig, &sig2]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            at(".github/workflows/backup.yml", 4, "azure-sas-token"),
            at("deploy/web.config", 3, "azure-storage-key"),
            at("scripts/upload.sh", 3, "azure-storage-key"),
            at("scripts/upload.sh", 5, "azure-sas-token"),
        ]
    );
    assert!(message_of(&messages, "azure-storage-key").starts_with("Azure storage account key"));
    assert!(message_of(&messages, "azure-sas-token").starts_with("Azure SAS token"));
}

#[test]
fn datadog_application_keys_apart_from_api_keys() {
    let env = TestEnv::new();
    let api = random(32, HEX, 5);
    let app = random(40, HEX, 6);
    let app2 = random(40, HEX, 7);
    let commit = random(40, HEX, 8);
    env.write(
        "monitoring/main.tf",
        format!(
            "provider \"datadog\" {{\n  api_key = var.datadog_api_key\n  app_key = \"{app}\"\n  api_url = \"https://api.datadoghq.eu/\"\n}}\n"
        ),
    );
    env.write(
        "ci/mute.sh",
        format!(
            "curl -X POST https://api.datadoghq.com/api/v1/monitor/42/mute \\\n  -H \"DD-API-KEY: {api}\" \\\n  -H \"DD-APPLICATION-KEY: {app2}\"\n"
        ),
    );
    // Forty hex digits under `app_key` with no Datadog around: anyone's, and as likely a
    // commit.
    env.write(
        "tools/release.py",
        format!("RELEASE = {{\"app_key\": \"{commit}\", \"channel\": \"beta\"}}\n"),
    );
    env.write("ci/env.sh", "export DD_APP_KEY=\"${DATADOG_APP_KEY}\"\nexport DD_API_KEY=<your key>\n");
    let (code, found, messages) = scan(&env, &[&api, &app, &app2]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            at("ci/mute.sh", 2, "datadog-api-key"),
            at("ci/mute.sh", 3, "datadog-app-key"),
            at("monitoring/main.tf", 3, "datadog-app-key"),
        ]
    );
    assert_eq!(message_of(&messages, "datadog-app-key"), "Datadog application key");
    assert_eq!(message_of(&messages, "datadog-api-key"), "Datadog API key");
}

#[test]
fn passwords_in_ini_files() {
    let env = TestEnv::new();
    let (mysql, odbc, pypi, s3) = (password(10), password(11), password(12), random(40, ALNUM, 13));
    env.write(".my.cnf", format!("[client]\nuser = backup\npassword = {mysql}\nhost = db.internal\n"));
    env.write(
        "etc/odbc.ini",
        format!("[warehouse]\nDriver = ODBC Driver 18 for SQL Server\nServer = sql.internal\nUID = etl\nPWD={odbc}\n"),
    );
    env.write(
        ".pypirc",
        format!("[distutils]\nindex-servers = internal\n\n[internal]\nrepository = https://pypi.corp/\nusername = ci\npassword = {pypi}\n"),
    );
    env.write(
        ".s3cfg",
        format!(
            "[default]\naccess_key = AKIA{}\nsecret_key = {s3}\n",
            random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 14)
        ),
    );
    // Stand-ins for a password, in the forms these files use.
    env.write(
        "config/app.ini",
        concat!(
            "[DEFAULT]\ndb_password = %(DB_PASSWORD)s\n\n[database]\npassword =\n",
            "password = ${DB_PASSWORD}\npassword = $DB_PASSWORD\npassword = %DB_PASSWORD%\n",
            "password = <your password>\npassword = changeme\npassword = secret123\n",
            "password_file = /run/secrets/db_password\n; password = <the old one>\n",
            "secret = {{ app_secret }}\n"
        ),
    );
    env.write("setup.cfg", "[metadata]\nname = acme\n\n[tool:pytest]\naddopts = -q\n");
    let (code, found, messages) = scan(&env, &[&mysql, &odbc, &pypi, &s3]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            at(".my.cnf", 3, "ini-password"),
            at(".pypirc", 7, "ini-password"),
            at(".s3cfg", 2, "aws-access-key-id"),
            at(".s3cfg", 3, "ini-password"),
            at("etc/odbc.ini", 5, "ini-password"),
        ]
    );
    assert!(message_of(&messages, "ini-password").starts_with("Password in an INI-style config file"));
}

#[test]
fn passwords_in_ansible_inventories_and_vars() {
    let env = TestEnv::new();
    let (ssh, become_, winrm) = (password(20), password(21), password(22));
    env.write(
        "inventory/hosts",
        format!(
            "[web]\nweb1 ansible_host=10.0.0.5 ansible_user=deploy ansible_ssh_pass={ssh}\nweb2 ansible_host=10.0.0.6\n\n[web:vars]\nansible_become_pass='{{{{ vault_become_pass }}}}'\n"
        ),
    );
    env.write(
        "inventory.ini",
        format!("[windows]\nwin1\n\n[windows:vars]\nansible_connection=winrm\nansible_password={winrm}\n"),
    );
    env.write(
        "group_vars/all/main.yml",
        "ansible_user: deploy\nansible_password: \"{{ vault_ansible_password }}\"\nansible_become_password: \"{{ lookup('env', 'BECOME_PASS') }}\"\n",
    );
    env.write(
        "group_vars/all/vault.yml",
        "vault_ansible_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  62313937336632353865613331366465\n",
    );
    env.write(
        "host_vars/db1.yml",
        format!("ansible_host: 10.0.0.9\nansible_become_password: \"{become_}\"\n"),
    );
    let (code, found, messages) = scan(&env, &[&ssh, &become_, &winrm]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            at("host_vars/db1.yml", 2, "ansible-password"),
            at("inventory.ini", 6, "ansible-password"),
            at("inventory/hosts", 2, "ansible-password"),
        ]
    );
    assert!(message_of(&messages, "ansible-password").starts_with("Ansible"));
}

#[test]
fn keys_in_litellm_and_langchain_yaml() {
    let env = TestEnv::new();
    let anthropic = format!("{}{}AA", "sk-ant-api03-", random(93, ALNUM, 30));
    let custom = random(32, ALNUM, 31);
    let master = format!("sk-{}", random(20, ALNUM, 32));
    let openai = format!("{}{}T3BlbkFJ{}", "sk-proj-", random(40, ALNUM, 33), random(40, ALNUM, 34));
    let langchain_custom = random(32, ALNUM, 35);
    env.write(
        "litellm/config.yaml",
        format!(
            "model_list:\n  - model_name: claude\n    litellm_params:\n      model: anthropic/claude-sonnet-4\n      api_key: {anthropic}\n  - model_name: azure-gpt\n    litellm_params:\n      model: azure/gpt-4o\n      api_key: os.environ/AZURE_API_KEY\n      api_base: os.environ/AZURE_API_BASE\n  - model_name: in-house\n    litellm_params:\n      model: openai/llama-3\n      api_base: https://llm.corp/v1\n      api_key: \"{custom}\"\n  - model_name: local\n    litellm_params:\n      model: ollama/llama3\n      api_key: ${{OLLAMA_KEY}}\n\ngeneral_settings:\n  master_key: {master}\n  database_url: os.environ/DATABASE_URL\n"
        ),
    );
    env.write("docs/proxy.yaml", "general_settings:\n  master_key: sk-1234\n");
    env.write(
        "chains/llm.yaml",
        format!(
            "_type: openai-chat\nmodel_name: gpt-4o\nopenai_api_key: {openai}\n---\n_type: openai-chat\nopenai_api_key: ${{OPENAI_API_KEY}}\n---\n_type: custom\ncustom_api_key: {langchain_custom}\n"
        ),
    );
    let (code, found, messages) = scan(&env, &[&anthropic, &custom, &master, &openai, &langchain_custom]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            at("chains/llm.yaml", 3, "openai-project-key"),
            at("chains/llm.yaml", 9, "generic-secret"),
            at("litellm/config.yaml", 5, "anthropic-api-key"),
            at("litellm/config.yaml", 15, "litellm-config-key"),
            at("litellm/config.yaml", 22, "litellm-config-key"),
        ]
    );
    assert!(message_of(&messages, "litellm-config-key").contains("LiteLLM"));
}

/// References to secret managers are where a secret lives, not a secret: none of these
/// files' formats turns one into a finding.
#[test]
fn references_to_secret_managers_are_never_findings() {
    let env = TestEnv::new();
    let refs = ["vault://kv/app#db_password", "op://Private/db/password", "aws-sm://prod/db#password"];
    for (i, r) in refs.iter().enumerate() {
        env.write(&format!("conf/{i}/my.cnf"), format!("[client]\npassword = {r}\n"));
        env.write(&format!("conf/{i}/app.properties"), format!("spring.datasource.password={r}\n"));
        env.write(&format!("inv/{i}/hosts"), format!("[web]\nweb1 ansible_password={r}\n"));
        env.write(&format!("inv/{i}/group_vars/all.yml"), format!("ansible_become_password: \"{r}\"\n"));
        env.write(
            &format!("llm/{i}/config.yaml"),
            format!(
                "model_list:\n  - litellm_params:\n      api_key: {r}\ngeneral_settings:\n  master_key: {r}\n"
            ),
        );
        env.write(&format!("dd/{i}/main.tf"), format!("provider \"datadog\" {{\n  app_key = \"{r}\"\n}}\n"));
        env.write(&format!("az/{i}/deploy.sh"), format!("export AZURE_STORAGE_KEY={r}\n"));
    }
    let (code, found, _) = scan(&env, &[]);
    assert_eq!((code, found), (0, vec![]));
}
