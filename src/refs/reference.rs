//! What a reference to a secret manager looks like: recognised, parsed, or refused with a
//! reason. A value is a reference only when it is one *entirely* (after unquoting).

use std::fmt;

/// The secret managers tkx resolves references for, by the scheme they are written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Backend {
    /// `op://vault/item[/section]/field`, by `op`.
    OnePassword,
    /// `vault://mount/path#field`, by `vault` or `bao` (HashiCorp Vault, OpenBao).
    Vault,
    /// `aws-sm://secret-id[#json-key]`, by `aws secretsmanager`.
    AwsSecrets,
    /// `aws-ssm://parameter-name`, by `aws ssm`.
    AwsParameters,
    /// `gcp-sm://project/secret[#version]` or berglas's `sm://project/secret`, by `gcloud`.
    Gcp,
    /// `azure-kv://vault/name[/version]`, by `az`.
    Azure,
}

impl Backend {
    /// Every backend, in the order failures and checks are listed.
    pub const ALL: [Backend; 6] = [
        Backend::OnePassword,
        Backend::Vault,
        Backend::AwsSecrets,
        Backend::AwsParameters,
        Backend::Gcp,
        Backend::Azure,
    ];

    /// The scheme as written (`vault://`), for messages.
    pub fn scheme(self) -> &'static str {
        match self {
            Backend::OnePassword => "op://",
            Backend::Vault => "vault://",
            Backend::AwsSecrets => "aws-sm://",
            Backend::AwsParameters => "aws-ssm://",
            Backend::Gcp => "gcp-sm://",
            Backend::Azure => "azure-kv://",
        }
    }

    /// The product, for messages.
    pub fn product(self) -> &'static str {
        match self {
            Backend::OnePassword => "1Password",
            Backend::Vault => "Vault/OpenBao",
            Backend::AwsSecrets => "AWS Secrets Manager",
            Backend::AwsParameters => "AWS SSM Parameter Store",
            Backend::Gcp => "Google Secret Manager",
            Backend::Azure => "Azure Key Vault",
        }
    }
}

/// A parsed reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reference {
    /// `op://…`, kept whole: `op` reads it as written.
    OnePassword {
        /// The reference text.
        uri: String,
    },
    /// `vault://mount/path#field`.
    Vault {
        /// The secrets engine's mount (the first path segment).
        mount: String,
        /// The path under the mount.
        path: String,
        /// The field of the secret's data.
        field: String,
    },
    /// `aws-sm://secret-id[#json-key]`.
    AwsSecret {
        /// A name or ARN.
        id: String,
        /// A key of the secret's JSON object, when the secret holds several values.
        json_key: Option<String>,
    },
    /// `aws-ssm://name`.
    AwsParameter {
        /// The parameter's name (`/app/token`).
        name: String,
    },
    /// `gcp-sm://project/secret[#version]`.
    Gcp {
        /// The project id.
        project: String,
        /// The secret's name.
        secret: String,
        /// A version number or `latest`.
        version: String,
    },
    /// `azure-kv://vault/name[/version]`.
    Azure {
        /// The key vault's name.
        vault: String,
        /// The secret's name.
        name: String,
        /// A version id, or the current one.
        version: Option<String>,
    },
}

/// Why a value that is meant as a reference cannot be one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// The scheme as written (`vaul://`), which is never a secret.
    pub scheme: String,
    /// What is wrong and what the right form is.
    pub reason: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

const FORMS: &str = "op://vault/item/field, vault://mount/path#field, aws-sm://secret-id[#key], aws-ssm://name, gcp-sm://project/secret[#version], azure-kv://vault/name";

/// Words in a scheme that mean a secret manager: a value written `<scheme>://…` with one
/// of them that is not a scheme tkx knows is a mistyped reference, not a URL.
const MANAGER_WORDS: &[&str] = &[
    "vault",
    "bao",
    "openbao",
    "op",
    "1password",
    "onepassword",
    "aws",
    "sm",
    "ssm",
    "secretsmanager",
    "secretmanager",
    "secrets",
    "secret",
    "gcp",
    "gcloud",
    "gsm",
    "azure",
    "kv",
    "akv",
    "keyvault",
    "berglas",
    "doppler",
    "infisical",
    "sops",
];

impl Reference {
    /// What `value` is: `None` when it is no reference (any ordinary value, a URL with
    /// its own scheme), `Some(Ok)` for a reference tkx resolves, `Some(Err)` for one it
    /// cannot (a malformed reference to a known manager, or an unknown manager's scheme).
    pub fn classify(value: &str) -> Option<Result<Reference, Malformed>> {
        let (scheme, rest) = value.split_once("://")?;
        if scheme.is_empty()
            || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'+')
        {
            return None;
        }
        let lower = scheme.to_ascii_lowercase();
        let bad = |reason: String| Some(Err(Malformed { scheme: format!("{scheme}://"), reason }));
        let parsed = match lower.as_str() {
            "op" => one_password(value, rest),
            "vault" => vault(rest),
            "aws-sm" => aws_secret(rest),
            "aws-ssm" => aws_parameter(rest),
            "gcp-sm" | "sm" => gcp(rest),
            "azure-kv" => azure(rest),
            _ => {
                let manager = lower.split(['-', '_', '+']).any(|w| MANAGER_WORDS.contains(&w))
                    || ["vault", "secret", "password", "openbao", "awssm", "gcpsm"]
                        .iter()
                        .any(|w| lower.contains(w));
                if !manager {
                    return None;
                }
                return bad(format!("{scheme}:// is not a secret manager tkx knows; the forms are {FORMS}"));
            }
        };
        match parsed {
            Ok(_) if scheme != lower => bad(format!("write the scheme in lower case ({lower}://)")),
            Ok(r) => Some(Ok(r)),
            Err(reason) => bad(reason),
        }
    }

    /// What a value as loaded is: [`Reference::classify`], and a reference to a known
    /// manager *inside* a longer string ([`embedded`]) refused too, since tkx resolves
    /// only a whole value. `None` for an ordinary value.
    pub fn of_value(value: &str) -> Option<Result<Reference, Malformed>> {
        if !value.contains("://") {
            return None;
        }
        match Reference::classify(value) {
            None if embedded(value) => Some(Err(Malformed {
                scheme: "reference".into(),
                reason: "a reference must be the whole value; tkx does not resolve one inside a longer string (let the program build the string from a key of its own)".into(),
            })),
            other => other,
        }
    }

    /// The backend that resolves it.
    pub fn backend(&self) -> Backend {
        match self {
            Reference::OnePassword { .. } => Backend::OnePassword,
            Reference::Vault { .. } => Backend::Vault,
            Reference::AwsSecret { .. } => Backend::AwsSecrets,
            Reference::AwsParameter { .. } => Backend::AwsParameters,
            Reference::Gcp { .. } => Backend::Gcp,
            Reference::Azure { .. } => Backend::Azure,
        }
    }
}

impl fmt::Display for Reference {
    /// The reference in its canonical spelling (references are locations, not secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::OnePassword { uri } => f.write_str(uri),
            Reference::Vault { mount, path, field } => write!(f, "vault://{mount}/{path}#{field}"),
            Reference::AwsSecret { id, json_key: Some(k) } => write!(f, "aws-sm://{id}#{k}"),
            Reference::AwsSecret { id, json_key: None } => write!(f, "aws-sm://{id}"),
            Reference::AwsParameter { name } => write!(f, "aws-ssm://{name}"),
            Reference::Gcp { project, secret, version } => write!(f, "gcp-sm://{project}/{secret}#{version}"),
            Reference::Azure { vault, name, version: Some(v) } => write!(f, "azure-kv://{vault}/{name}/{v}"),
            Reference::Azure { vault, name, version: None } => write!(f, "azure-kv://{vault}/{name}"),
        }
    }
}

/// Whether `value` holds a reference to a known manager *inside* a longer string (which
/// tkx does not resolve: a reference must be the whole value).
pub fn embedded(value: &str) -> bool {
    const SCHEMES: [&str; 7] =
        ["op://", "vault://", "aws-sm://", "aws-ssm://", "gcp-sm://", "azure-kv://", "sm://"];
    SCHEMES.iter().any(|s| {
        value.match_indices(s).any(|(i, _)| {
            // `sm://` inside `gcp-sm://`, `aws-sm://` is the longer scheme's.
            let before = value[..i].chars().next_back();
            i > 0 && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }) || (value.starts_with(s)
            && value.len() > s.len()
            && value[s.len()..].contains(char::is_whitespace))
    })
}

/// Path segments split on `/`, refusing empty ones.
fn segments(rest: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = rest.split('/').collect();
    (!parts.iter().any(|p| p.is_empty())).then_some(parts)
}

fn no_space(rest: &str, form: &str) -> Result<(), String> {
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("a reference holds no spaces or control characters; the form is {form}"));
    }
    Ok(())
}

fn one_password(value: &str, rest: &str) -> Result<Reference, String> {
    const FORM: &str = "op://vault/item/field or op://vault/item/section/field";
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if rest.chars().any(char::is_control) {
        return Err(format!("a reference holds no control characters; the form is {FORM}"));
    }
    match segments(path) {
        Some(parts) if (3..=4).contains(&parts.len()) => Ok(Reference::OnePassword { uri: value.to_owned() }),
        _ => Err(format!("a 1Password reference names a vault, an item and a field: {FORM}")),
    }
}

fn vault(rest: &str) -> Result<Reference, String> {
    const FORM: &str = "vault://mount/path#field";
    no_space(rest, FORM)?;
    let Some((location, field)) = rest.split_once('#') else {
        return Err(format!("name the field to read after #: {FORM}"));
    };
    let Some((mount, path)) = location.split_once('/') else {
        return Err(format!("a Vault reference names a mount and a path: {FORM}"));
    };
    if mount.is_empty() || segments(path).is_none() || field.is_empty() || field.contains('#') {
        return Err(format!("a Vault reference is {FORM}, with no empty part"));
    }
    Ok(Reference::Vault { mount: mount.to_owned(), path: path.to_owned(), field: field.to_owned() })
}

fn aws_secret(rest: &str) -> Result<Reference, String> {
    const FORM: &str = "aws-sm://secret-id or aws-sm://secret-id#json-key";
    no_space(rest, FORM)?;
    let (id, key) = match rest.split_once('#') {
        Some((id, key)) => (id, Some(key)),
        None => (rest, None),
    };
    if id.is_empty() || key.is_some_and(|k| k.is_empty() || k.contains('#')) {
        return Err(format!("an AWS Secrets Manager reference is {FORM}"));
    }
    Ok(Reference::AwsSecret { id: id.to_owned(), json_key: key.map(str::to_owned) })
}

fn aws_parameter(rest: &str) -> Result<Reference, String> {
    const FORM: &str = "aws-ssm:///path/to/parameter or aws-ssm://name";
    no_space(rest, FORM)?;
    if rest.is_empty() || rest.contains('#') || rest.trim_start_matches('/').is_empty() {
        return Err(format!("an SSM parameter reference is {FORM}"));
    }
    // A hierarchical name is fully qualified (`/app/token`); `aws-ssm://app/token` means it.
    let name =
        if rest.contains('/') && !rest.starts_with('/') { format!("/{rest}") } else { rest.to_owned() };
    if segments(name.trim_start_matches('/')).is_none() {
        return Err(format!("an SSM parameter reference is {FORM}, with no empty part"));
    }
    Ok(Reference::AwsParameter { name })
}

fn gcp(rest: &str) -> Result<Reference, String> {
    const FORM: &str = "gcp-sm://project/secret or gcp-sm://project/secret#version";
    no_space(rest, FORM)?;
    let (location, version) = match rest.split_once('#') {
        Some((l, v)) => (l, v),
        None => (rest, "latest"),
    };
    // berglas and gcloud also write the full resource name.
    let location =
        location.strip_prefix("projects/").map_or(location.to_owned(), |l| l.replacen("/secrets/", "/", 1));
    let parts = segments(&location);
    match parts.as_deref() {
        Some([project, secret])
            if version == "latest"
                || (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Ok(Reference::Gcp {
                project: (*project).to_owned(),
                secret: (*secret).to_owned(),
                version: version.to_owned(),
            })
        }
        _ => Err(format!("a Google Secret Manager reference is {FORM} (a version is a number or latest)")),
    }
}

fn azure(rest: &str) -> Result<Reference, String> {
    const FORM: &str = "azure-kv://vault/name or azure-kv://vault/name/version";
    no_space(rest, FORM)?;
    // The vault's host name is accepted for its name: `myvault.vault.azure.net`.
    match segments(rest).as_deref() {
        Some([vault, name]) => {
            Ok(Reference::Azure { vault: vault_name(vault), name: (*name).to_owned(), version: None })
        }
        Some([vault, name, version]) => Ok(Reference::Azure {
            vault: vault_name(vault),
            name: (*name).to_owned(),
            version: Some((*version).to_owned()),
        }),
        _ => Err(format!("an Azure Key Vault reference is {FORM}")),
    }
}

fn vault_name(host: &str) -> String {
    host.split('.').next().unwrap_or(host).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(v: &str) -> Reference {
        match Reference::classify(v) {
            Some(Ok(r)) => r,
            other => panic!("{v}: {other:?}"),
        }
    }

    fn bad(v: &str) -> String {
        match Reference::classify(v) {
            Some(Err(m)) => m.reason,
            other => panic!("{v}: {other:?}"),
        }
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(ok("op://Private/OpenAI/credential").backend(), Backend::OnePassword);
        assert_eq!(
            ok("op://dev/db/admin/password?attribute=otp").to_string(),
            "op://dev/db/admin/password?attribute=otp"
        );
        assert_eq!(
            ok("vault://kv/team/app#openai"),
            Reference::Vault { mount: "kv".into(), path: "team/app".into(), field: "openai".into() }
        );
        assert_eq!(
            ok("aws-sm://prod/app#OPENAI"),
            Reference::AwsSecret { id: "prod/app".into(), json_key: Some("OPENAI".into()) }
        );
        assert_eq!(
            ok("aws-sm://arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf"),
            Reference::AwsSecret {
                id: "arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf".into(),
                json_key: None
            }
        );
        assert_eq!(ok("aws-ssm:///app/token"), Reference::AwsParameter { name: "/app/token".into() });
        assert_eq!(ok("aws-ssm://app/token"), Reference::AwsParameter { name: "/app/token".into() });
        assert_eq!(ok("aws-ssm://token"), Reference::AwsParameter { name: "token".into() });
        assert_eq!(ok("gcp-sm://proj/key#3").to_string(), "gcp-sm://proj/key#3");
        assert_eq!(ok("sm://proj/key").to_string(), "gcp-sm://proj/key#latest");
        assert_eq!(ok("sm://projects/proj/secrets/key#7").to_string(), "gcp-sm://proj/key#7");
        assert_eq!(ok("azure-kv://kv1/openai").to_string(), "azure-kv://kv1/openai");
        assert_eq!(ok("azure-kv://kv1.vault.azure.net/openai/abc").to_string(), "azure-kv://kv1/openai/abc");
    }

    #[test]
    fn ordinary_values_are_not_references() {
        for v in [
            "postgres://u:p@localhost/db",
            "https://api.openai.com/v1",
            "redis://cache:6379",
            "sk-proj-abc",
            "",
            "file:///tmp/x",
            "s3://bucket/key",
            "a b://c",
        ] {
            assert_eq!(Reference::classify(v), None, "{v}");
        }
    }

    #[test]
    fn malformed_and_unknown_are_refused_with_the_form() {
        assert!(bad("vault://kv/app").contains("#"));
        assert!(bad("vault://kv#x").contains("mount and a path"));
        assert!(bad("op://vault/item").contains("vault, an item and a field"));
        assert!(bad("gcp-sm://p/s#first").contains("number or latest"));
        assert!(bad("azure-kv://v").contains("azure-kv://vault/name"));
        assert!(bad("aws-sm://").contains("aws-sm://secret-id"));
        assert!(bad("vault://kv/a b#c").contains("no spaces"));
        assert!(bad("hashicorp-vault://kv/app#x").contains("not a secret manager tkx knows"));
        assert!(
            bad("awssm://x").contains("not a secret manager")
                || bad("aws-secretsmanager://x").contains("not a secret")
        );
        assert!(bad("1password://a/b/c").contains("op://vault/item/field"));
        assert!(bad("VAULT://kv/app#x").contains("lower case"));
    }

    #[test]
    fn embedded_references() {
        assert!(embedded("postgres://u:op://v/i/f@h/db"));
        assert!(embedded("Bearer vault://kv/app#token"));
        assert!(embedded("op://v/i/f extra"));
        assert!(!embedded("op://v/i/f"));
        assert!(!embedded("gcp-sm://p/s"));
        assert!(!embedded("aws-sm://x#y"));
        assert!(!embedded("https://example.com/?next=chasm://x"));
    }
}
