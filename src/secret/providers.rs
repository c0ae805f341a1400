//! Known providers: the words that name them in a key, and the prefixes of their keys.
//!
//! `doctor`'s format check and its example check use this table; the scanner's rules
//! (a later issue) are the full-strength version.

/// A provider whose keys have a recognisable prefix. A provider whose name words are empty
/// is known by its values only: its keys come in more than one format (a legacy one
/// without a prefix), so a value without a prefix named for it is not a mistake.
#[derive(Debug)]
pub struct Provider {
    /// Display name.
    pub name: &'static str,
    /// Words in a key name that mean this provider (`OPENAI` in `OPENAI_PAT`).
    pub words: &'static [&'static str],
    /// Every prefix a real key starts with.
    pub prefixes: &'static [&'static str],
}

/// The table. Order matters where prefixes overlap: more specific providers first.
pub const PROVIDERS: &[Provider] = &[
    Provider { name: "Anthropic", words: &["ANTHROPIC", "CLAUDE"], prefixes: &["sk-ant-"] },
    Provider { name: "OpenRouter", words: &["OPENROUTER"], prefixes: &["sk-or-"] },
    Provider { name: "Langfuse", words: &["LANGFUSE"], prefixes: &["sk-lf-", "pk-lf-"] },
    Provider { name: "OpenAI", words: &["OPENAI"], prefixes: &["sk-"] },
    Provider { name: "DeepSeek", words: &["DEEPSEEK"], prefixes: &["sk-"] },
    Provider { name: "Cerebras", words: &["CEREBRAS"], prefixes: &["csk-"] },
    Provider { name: "Groq", words: &["GROQ"], prefixes: &["gsk_"] },
    Provider { name: "xAI", words: &["XAI", "GROK"], prefixes: &["xai-"] },
    Provider { name: "Hugging Face", words: &["HF", "HUGGINGFACE", "HUGGING"], prefixes: &["hf_"] },
    Provider { name: "Replicate", words: &["REPLICATE"], prefixes: &["r8_"] },
    Provider { name: "Perplexity", words: &["PERPLEXITY", "PPLX"], prefixes: &["pplx-"] },
    // `GOOGLE_CLIENT_SECRET` holds an OAuth client secret, not an API key.
    Provider { name: "Google", words: &["GEMINI", "GOOGLE"], prefixes: &["AIza", "GOCSPX-"] },
    Provider {
        name: "GitHub",
        words: &["GITHUB", "GH"],
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    },
    Provider {
        name: "GitLab",
        words: &["GITLAB", "GL"],
        prefixes: &[
            "glpat-", "glptt-", "gldt-", "glrt-", "glsoat-", "glcbt-", "gloas-", "glft-", "glimt-",
            "glagent-", "glffct-",
        ],
    },
    Provider {
        name: "Slack",
        words: &["SLACK"],
        prefixes: &[
            "xoxb-",
            "xoxp-",
            "xoxa-",
            "xoxe-",
            "xoxr-",
            "xoxs-",
            "xapp-",
            "https://hooks.slack.com/",
        ],
    },
    Provider {
        name: "Stripe",
        words: &["STRIPE"],
        prefixes: &["sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_", "whsec_"],
    },
    Provider { name: "npm", words: &["NPM"], prefixes: &["npm_"] },
    Provider { name: "PyPI", words: &["PYPI"], prefixes: &["pypi-"] },
    Provider { name: "SendGrid", words: &["SENDGRID"], prefixes: &["SG."] },
    Provider {
        name: "DigitalOcean",
        words: &["DIGITALOCEAN", "DO"],
        prefixes: &["dop_v1_", "doo_v1_", "dor_v1_"],
    },
    Provider { name: "Shopify", words: &["SHOPIFY"], prefixes: &["shpat_", "shpca_", "shppa_", "shpss_"] },
    Provider { name: "LangSmith", words: &["LANGSMITH", "LANGCHAIN"], prefixes: &["lsv2_", "ls__"] },
    Provider { name: "Tavily", words: &["TAVILY"], prefixes: &["tvly-"] },
    Provider { name: "Jina AI", words: &["JINA"], prefixes: &["jina_"] },
    Provider { name: "Firecrawl", words: &["FIRECRAWL"], prefixes: &["fc-"] },
    Provider { name: "Linear", words: &["LINEAR"], prefixes: &["lin_"] },
    Provider { name: "Notion", words: &["NOTION"], prefixes: &["ntn_", "secret_"] },
    Provider { name: "Doppler", words: &["DOPPLER"], prefixes: &["dp."] },
    Provider { name: "Resend", words: &["RESEND"], prefixes: &["re_", "whsec_"] },
    // Known by value only (legacy formats without a prefix, or several kinds of key).
    Provider { name: "Pinecone", words: &[], prefixes: &["pcsk_"] },
    Provider { name: "Together AI", words: &[], prefixes: &["tgp_v1_"] },
    Provider { name: "NVIDIA", words: &[], prefixes: &["nvapi-"] },
    Provider { name: "Supabase", words: &[], prefixes: &["sbp_", "sb_secret_"] },
    Provider { name: "Databricks", words: &[], prefixes: &["dapi"] },
    Provider { name: "Cloudflare", words: &[], prefixes: &["cfut_", "cfat_", "cfk_"] },
    Provider { name: "1Password", words: &[], prefixes: &["ops_eyJ"] },
    Provider { name: "HashiCorp Vault", words: &[], prefixes: &["hvs.", "hvb."] },
    Provider { name: "Sentry", words: &[], prefixes: &["sntrys_", "sntryu_"] },
    Provider { name: "Grafana", words: &[], prefixes: &["glc_", "glsa_"] },
    Provider { name: "New Relic", words: &[], prefixes: &["NRAK-"] },
    Provider { name: "PlanetScale", words: &[], prefixes: &["pscale_"] },
    Provider { name: "Atlassian", words: &[], prefixes: &["ATATT3", "ATCTT3"] },
    Provider { name: "Figma", words: &[], prefixes: &["figd_"] },
    Provider { name: "Heroku", words: &[], prefixes: &["HRKU-"] },
    Provider { name: "Docker Hub", words: &[], prefixes: &["dckr_pat_", "dckr_oat_"] },
    // Not `ASIA`: a key name such as `ASIA_PACIFIC_ENDPOINT` would look like a value.
    Provider { name: "AWS", words: &[], prefixes: &["AKIA", "ABSK"] },
];

/// Words that mean the key belongs to a different service that happens to mention a
/// provider (Azure OpenAI keys are hex, not `sk-`).
const NOT_THE_PROVIDER: &[&str] =
    &["AZURE", "BASE", "URL", "ORG", "ORGANIZATION", "PROJECT", "MODEL", "HOST"];

/// The provider a key's name refers to, if any and if the name marks a credential.
pub fn provider_for_key(key: &str) -> Option<&'static Provider> {
    if !super::is_secret_name(key) {
        return None;
    }
    let upper = key.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(['_', '-', '.']).collect();
    if words.iter().any(|w| NOT_THE_PROVIDER.contains(w)) {
        return None;
    }
    PROVIDERS.iter().find(|p| p.words.iter().any(|w| words.contains(w)))
}

/// The provider whose key prefix `value` starts with, if any.
pub fn provider_for_value(value: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.prefixes.iter().any(|pre| value.starts_with(pre)))
}

/// Whether `value` looks like a real key of a known provider: a known prefix, long
/// enough, not a placeholder, and not a name built from words (some prefixes are words
/// too: `secret_for_local_development_only`, `dp.postgres.internal`).
pub fn looks_like_real_key(value: &str) -> bool {
    in_key_format(value) && !super::is_placeholder(value)
}

/// [`looks_like_real_key`] for a value already known not to be a placeholder.
pub(crate) fn in_key_format(value: &str) -> bool {
    value.len() >= 20
        && !value.contains(char::is_whitespace)
        && provider_for_value(value).is_some()
        && !super::looks_like_a_name(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_map_to_providers() {
        let name = |k: &str| provider_for_key(k).map(|p| p.name);
        assert_eq!(name("OPENAI_PAT"), Some("OpenAI"));
        assert_eq!(name("OPENAI_API_KEY"), Some("OpenAI"));
        assert_eq!(name("ANTHROPIC_API_KEY"), Some("Anthropic"));
        assert_eq!(name("HF_TOKEN"), Some("Hugging Face"));
        assert_eq!(name("GH_TOKEN"), Some("GitHub"));
        assert_eq!(name("OPENAI_BASE_URL"), None);
        assert_eq!(name("AZURE_OPENAI_API_KEY"), None);
        assert_eq!(name("OPENAI_MODEL"), None);
        assert_eq!(name("DB_PASSWORD"), None);
        assert_eq!(name("LANGFUSE_SECRET_KEY"), Some("Langfuse"));
        assert_eq!(name("DEEPSEEK_API_KEY"), Some("DeepSeek"));
        assert_eq!(name("GOOGLE_CLIENT_SECRET"), Some("Google"));
        // Known by value only: a legacy key without a prefix is no format mistake.
        assert_eq!(name("PINECONE_API_KEY"), None);
        assert_eq!(name("SUPABASE_SERVICE_ROLE_KEY"), None);
    }

    #[test]
    fn values_map_to_providers() {
        assert_eq!(provider_for_value("sk-ant-api03-abc").map(|p| p.name), Some("Anthropic"));
        assert_eq!(provider_for_value("sk-proj-abc").map(|p| p.name), Some("OpenAI"));
        assert_eq!(provider_for_value("ghp_abc").map(|p| p.name), Some("GitHub"));
        assert_eq!(provider_for_value("sk-lf-abc").map(|p| p.name), Some("Langfuse"));
        assert_eq!(provider_for_value("csk-abc").map(|p| p.name), Some("Cerebras"));
        assert_eq!(provider_for_value("sk_live_abc").map(|p| p.name), Some("Stripe"));
        assert_eq!(provider_for_value("GOCSPX-abc").map(|p| p.name), Some("Google"));
        assert_eq!(provider_for_value("pcsk_abc").map(|p| p.name), Some("Pinecone"));
        assert_eq!(provider_for_value("sb_publishable_abc").map(|p| p.name), None);
        assert!(provider_for_value("hello").is_none());
    }

    #[test]
    fn real_keys_versus_placeholders() {
        assert!(looks_like_real_key("sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z"));
        assert!(looks_like_real_key(concat!("ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra")));
        assert!(!looks_like_real_key("sk-your-key-here"));
        assert!(!looks_like_real_key("sk-proj-..."));
        assert!(!looks_like_real_key("sk-xxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(!looks_like_real_key("gpt-4o-mini"));
        for name in
            ["secret_for_local_development_only", "dp.postgres.internal.corp", "re_use_the_session_cache"]
        {
            assert!(!looks_like_real_key(name), "{name}");
        }
    }
}
