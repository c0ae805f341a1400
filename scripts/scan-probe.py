#!/usr/bin/env python3
"""Recall probe of key formats (issue #18): random, correctly shaped (never real)
credentials of 69 formats, each in five contexts (an env-style shell line, a Python SDK
call, JSON, YAML, a curl command), planted in a fresh git repository; tkx's findings are
matched to them by path, line and column.

Usage:
  python3 scripts/scan-probe.py gen DIR                 # DIR/repo and DIR/manifest.json
  python3 scripts/scan-probe.py score DIR --tkx BIN     # prints found/planted, misses,
                                                        # keys only a generic rule found,
                                                        # notes, and a cleartext check
Shapes come from the vendors' documentation and public examples (lengths and alphabets);
bodies are drawn with `secrets` (no repeated or counting runs). The manifest holds the
planted values: keep DIR out of any repository.
"""
import collections
import base64
import json
import os
import secrets
import shutil
import subprocess
import sys
import uuid


UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LO = "abcdefghijklmnopqrstuvwxyz"
DG = "0123456789"
ALNUM = UP + LO + DG
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
AWS_SECRET = ALNUM + "/+"
BASE32_AWS = UP + "234567"


def r(alphabet, n):
    """Random string; retried until it has no 4-long run of one char or an
    ascending/descending run of 4 (no 'counting'), and mixes classes when it can."""
    while True:
        s = "".join(secrets.choice(alphabet) for _ in range(n))
        bad = False
        for i in range(len(s) - 3):
            w = s[i:i + 4]
            if len(set(w)) == 1:
                bad = True
                break
            d = [ord(w[j + 1]) - ord(w[j]) for j in range(3)]
            if d in ([1, 1, 1], [-1, -1, -1]):
                bad = True
                break
        if bad:
            continue
        if n >= 16 and alphabet in (ALNUM, B64URL, B58):
            if not (any(c.isupper() for c in s) and any(c.islower() for c in s)
                    and any(c.isdigit() for c in s)):
                continue
        return s


def b64u(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def openai_key(kind):
    # sk-<kind>-<74>T3BlbkFJ<74>  (gitleaks openai-api-key; ~164 chars)
    return f"sk-{kind}-" + r(B64URL, 74) + "T3BlbkFJ" + r(B64URL, 74)


def gcp_private_key():
    # PKCS#8 RSA-2048 DER header, random remainder, as it sits in a service-account JSON
    hdr = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100")
    der = hdr + secrets.token_bytes(1217 - len(hdr))
    b = base64.b64encode(der).decode()
    body = "\\n".join(b[i:i + 64] for i in range(0, len(b), 64))
    return "-----BEGIN PRIVATE KEY-----\\n" + body + "\\n-----END PRIVATE KEY-----\\n"


def supabase_jwt():
    hdr = b64u(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    iat = 1700000000 + secrets.randbelow(30000000)
    pl = {"iss": "supabase", "ref": r(LO, 20), "role": "service_role", "iat": iat, "exp": iat + 315360000}
    return hdr + "." + b64u(json.dumps(pl, separators=(",", ":")).encode()) + "." + b64u(secrets.token_bytes(32))


def discord_token():
    uid = str(10**17 * (1 + secrets.randbelow(9)) + secrets.randbelow(10**17))
    return b64u(uid.encode()) + "." + r(B64URL, 6) + "." + r(B64URL, 38)


def azure84():
    # 52 base62 + JQQJ99 signature block (Microsoft common annotated key) + 4 base62 = 84
    return r(ALNUM, 52) + "JQQJ99BAACYeBjFXJ3w3AAAAACOG" + r(ALNUM, 4)


def pypi_token():
    return "pypi-AgEIcHlwaS5vcmc" + "CJ" + r(B64URL, 150)


# (id, label, env var, python class, api host, header template, generator, shape)
# header template: {k} is the key. None -> 'Authorization: Bearer {k}'.
F = [
    ("openai-proj", "OpenAI project key", "OPENAI_API_KEY", "OpenAI", "api.openai.com", None,
     lambda: openai_key("proj"), "sk-proj-<74 b64url>T3BlbkFJ<74 b64url>"),
    ("openai-svcacct", "OpenAI service-account key", "OPENAI_API_KEY", "OpenAI", "api.openai.com", None,
     lambda: openai_key("svcacct"), "sk-svcacct-<74>T3BlbkFJ<74>"),
    ("openai-admin", "OpenAI admin key", "OPENAI_ADMIN_KEY", "OpenAI", "api.openai.com", None,
     lambda: openai_key("admin"), "sk-admin-<74>T3BlbkFJ<74>"),
    ("openai-legacy", "OpenAI legacy user key", "OPENAI_API_KEY", "OpenAI", "api.openai.com", None,
     lambda: "sk-" + r(ALNUM, 20) + "T3BlbkFJ" + r(ALNUM, 20), "sk-<20 alnum>T3BlbkFJ<20 alnum>"),
    ("anthropic-api", "Anthropic API key", "ANTHROPIC_API_KEY", "Anthropic", "api.anthropic.com", "x-api-key: {k}",
     lambda: "sk-ant-api03-" + r(B64URL, 93) + "AA", "sk-ant-api03-<93 b64url>AA"),
    ("anthropic-admin", "Anthropic admin key", "ANTHROPIC_ADMIN_KEY", "Anthropic", "api.anthropic.com", "x-api-key: {k}",
     lambda: "sk-ant-admin01-" + r(B64URL, 93) + "AA", "sk-ant-admin01-<93 b64url>AA"),
    ("gemini", "Google AI / Gemini API key", "GEMINI_API_KEY", "genai.Client", "generativelanguage.googleapis.com",
     "x-goog-api-key: {k}", lambda: "AIzaSy" + r(B64URL, 33), "AIza<35 [A-Za-z0-9_-]>"),
    ("groq", "Groq", "GROQ_API_KEY", "Groq", "api.groq.com", None,
     lambda: "gsk_" + r(ALNUM, 52), "gsk_<52 alnum>"),
    ("mistral", "Mistral", "MISTRAL_API_KEY", "Mistral", "api.mistral.ai", None,
     lambda: r(ALNUM, 32), "<32 alnum>, no prefix"),
    ("cohere", "Cohere", "COHERE_API_KEY", "cohere.ClientV2", "api.cohere.com", None,
     lambda: r(ALNUM, 40), "<40 alnum>, no prefix"),
    ("together-hex", "Together AI (legacy)", "TOGETHER_API_KEY", "Together", "api.together.xyz", None,
     lambda: r(HEX, 64), "<64 hex>"),
    ("together-tgp", "Together AI (tgp_v1)", "TOGETHER_API_KEY", "Together", "api.together.xyz", None,
     lambda: "tgp_v1_" + r(B64URL, 43), "tgp_v1_<43 b64url>"),
    ("deepseek", "DeepSeek", "DEEPSEEK_API_KEY", "OpenAI", "api.deepseek.com", None,
     lambda: "sk-" + r(HEX, 32), "sk-<32 hex>"),
    ("xai", "xAI / Grok", "XAI_API_KEY", "Client", "api.x.ai", None,
     lambda: "xai-" + r(ALNUM, 80), "xai-<80 alnum>"),
    ("perplexity", "Perplexity", "PERPLEXITY_API_KEY", "Perplexity", "api.perplexity.ai", None,
     lambda: "pplx-" + r(ALNUM, 48), "pplx-<48 alnum>"),
    ("openrouter", "OpenRouter", "OPENROUTER_API_KEY", "OpenAI", "openrouter.ai/api", None,
     lambda: "sk-or-v1-" + r(HEX, 64), "sk-or-v1-<64 hex>"),
    ("huggingface", "Hugging Face", "HF_TOKEN", "InferenceClient", "huggingface.co/api", None,
     lambda: "hf_" + r(UP + LO, 34), "hf_<34 letters>"),
    ("replicate", "Replicate", "REPLICATE_API_TOKEN", "replicate.Client", "api.replicate.com", None,
     lambda: "r8_" + r(ALNUM, 37), "r8_<37 alnum>"),
    ("fireworks", "Fireworks AI", "FIREWORKS_API_KEY", "Fireworks", "api.fireworks.ai/inference", None,
     lambda: "fw_" + r(ALNUM, 24), "fw_<24 alnum>"),
    ("azure-openai-32", "Azure OpenAI (32 hex)", "AZURE_OPENAI_API_KEY", "AzureOpenAI", "myres.openai.azure.com/openai",
     "api-key: {k}", lambda: r(HEX, 32), "<32 hex>"),
    ("azure-openai-84", "Azure OpenAI (84-char)", "AZURE_OPENAI_API_KEY", "AzureOpenAI", "myres.openai.azure.com/openai",
     "api-key: {k}", azure84, "<52 b62>JQQJ99BAACYeBjFXJ3w3AAAAACOG<4 b62>"),
    ("aws-akid", "AWS access key id", "AWS_ACCESS_KEY_ID", "boto3.client", None, None,
     lambda: "AKIA" + r(BASE32_AWS, 16), "AKIA<16 [A-Z2-7]>"),
    ("aws-secret", "AWS secret access key", "AWS_SECRET_ACCESS_KEY", "boto3.client", None, None,
     lambda: r(AWS_SECRET, 40), "<40 [A-Za-z0-9/+]>"),
    ("gcp-sa-pkey", "GCP service-account private key", "GOOGLE_PRIVATE_KEY", "service_account.Credentials", None, None,
     gcp_private_key, "-----BEGIN PRIVATE KEY-----\\nMIIEvQ…(1624 b64, \\n-escaped)…-----END PRIVATE KEY-----\\n"),
    ("github-ghp", "GitHub classic PAT", "GITHUB_TOKEN", "Github", "api.github.com", None,
     lambda: "ghp_" + r(ALNUM, 36), "ghp_<36 alnum>"),
    ("github-fg", "GitHub fine-grained PAT", "GITHUB_TOKEN", "Github", "api.github.com", None,
     lambda: "github_pat_" + "11" + r(UP + DG, 20) + "_" + r(ALNUM, 59), "github_pat_<22>_<59>"),
    ("github-gho", "GitHub OAuth token", "GH_OAUTH_TOKEN", "Github", "api.github.com", None,
     lambda: "gho_" + r(ALNUM, 36), "gho_<36 alnum>"),
    ("github-ghs", "GitHub app installation token", "GH_APP_TOKEN", "Github", "api.github.com", None,
     lambda: "ghs_" + r(ALNUM, 36), "ghs_<36 alnum>"),
    ("gitlab-pat", "GitLab PAT", "GITLAB_TOKEN", "gitlab.Gitlab", "gitlab.com/api", "PRIVATE-TOKEN: {k}",
     lambda: "glpat-" + r(B64URL, 20), "glpat-<20 [\\w-]>"),
    ("slack-bot", "Slack bot token", "SLACK_BOT_TOKEN", "WebClient", "slack.com/api", None,
     lambda: "xoxb-" + r(DG, 12) + "-" + r(DG, 13) + "-" + r(ALNUM, 24), "xoxb-<12d>-<13d>-<24 alnum>"),
    ("slack-user", "Slack user token", "SLACK_USER_TOKEN", "WebClient", "slack.com/api", None,
     lambda: "xoxp-" + r(DG, 12) + "-" + r(DG, 12) + "-" + r(DG, 13) + "-" + r(HEX, 32),
     "xoxp-<12d>-<12d>-<13d>-<32 hex>"),
    ("slack-webhook", "Slack incoming webhook URL", "SLACK_WEBHOOK_URL", "WebhookClient", None, None,
     lambda: "https://hooks.slack.com/services/T0" + r(UP + DG, 9) + "/B0" + r(UP + DG, 9) + "/" + r(ALNUM, 24),
     "https://hooks.slack.com/services/T<10>/B<10>/<24 alnum>"),
    ("stripe-sk", "Stripe live secret key", "STRIPE_SECRET_KEY", "StripeClient", "api.stripe.com", None,
     lambda: "sk_live_51" + r(ALNUM, 97), "sk_live_51<97 alnum>"),
    ("stripe-rk", "Stripe live restricted key", "STRIPE_RESTRICTED_KEY", "StripeClient", "api.stripe.com", None,
     lambda: "rk_live_51" + r(ALNUM, 97), "rk_live_51<97 alnum>"),
    ("stripe-whsec", "Stripe webhook signing secret", "STRIPE_WEBHOOK_SECRET", "StripeClient", None, None,
     lambda: "whsec_" + r(ALNUM, 32), "whsec_<32 alnum>"),
    ("twilio-auth", "Twilio auth token (with AC SID)", "TWILIO_AUTH_TOKEN", "twilio.rest.Client", None, None,
     lambda: r(HEX, 32), "<32 hex> (curl: -u AC<32hex>:<token>)"),
    ("twilio-sk", "Twilio API key SID", "TWILIO_API_KEY", "twilio.rest.Client", None, None,
     lambda: "SK" + r(HEX, 32), "SK<32 hex> (curl: -u SK…:<32 alnum secret>)"),
    ("sendgrid", "SendGrid", "SENDGRID_API_KEY", "SendGridAPIClient", "api.sendgrid.com", None,
     lambda: "SG." + r(B64URL, 22) + "." + r(B64URL, 43), "SG.<22>.<43>"),
    ("pinecone", "Pinecone", "PINECONE_API_KEY", "Pinecone", "api.pinecone.io", "Api-Key: {k}",
     lambda: "pcsk_" + r(B58, 6) + "_" + r(B58, 63), "pcsk_<6 b58>_<63 b58>"),
    ("langsmith-pt", "LangSmith personal token", "LANGSMITH_API_KEY", "langsmith.Client", "api.smith.langchain.com",
     "x-api-key: {k}", lambda: "lsv2_pt_" + r(HEX, 32) + "_" + r(HEX, 10), "lsv2_pt_<32 hex>_<10 hex>"),
    ("langsmith-sk", "LangSmith service key", "LANGSMITH_API_KEY", "langsmith.Client", "api.smith.langchain.com",
     "x-api-key: {k}", lambda: "lsv2_sk_" + r(HEX, 32) + "_" + r(HEX, 10), "lsv2_sk_<32 hex>_<10 hex>"),
    ("langfuse-sk", "Langfuse secret key", "LANGFUSE_SECRET_KEY", "Langfuse", None, None,
     lambda: "sk-lf-" + str(uuid.UUID(bytes=secrets.token_bytes(16), version=4)), "sk-lf-<uuid4>"),
    ("langfuse-pk", "Langfuse public key", "LANGFUSE_PUBLIC_KEY", "Langfuse", None, None,
     lambda: "pk-lf-" + str(uuid.UUID(bytes=secrets.token_bytes(16), version=4)), "pk-lf-<uuid4>"),
    ("wandb-40", "Weights & Biases (legacy 40 hex)", "WANDB_API_KEY", "wandb.Api", "api.wandb.ai", None,
     lambda: r(HEX, 40), "<40 hex>"),
    ("wandb-v1", "Weights & Biases (wandb_v1, 86 chars)", "WANDB_API_KEY", "wandb.Api", "api.wandb.ai", None,
     lambda: "wandb_v1_" + r(ALNUM, 27) + "_" + r(ALNUM, 49), "wandb_v1_<27 alnum>_<49 alnum>"),
    ("supabase-sr", "Supabase service_role JWT", "SUPABASE_SERVICE_ROLE_KEY", "create_client", "xyzcompany.supabase.co/rest",
     "apikey: {k}", supabase_jwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload role=service_role>.<43 b64url>"),
    ("postman", "Postman API key", "POSTMAN_API_KEY", "PostmanClient", "api.getpostman.com", "X-Api-Key: {k}",
     lambda: "PMAK-" + r(HEX, 24) + "-" + r(HEX, 34), "PMAK-<24 hex>-<34 hex>"),
    ("discord-bot", "Discord bot token", "DISCORD_BOT_TOKEN", "discord.Client", "discord.com/api", "Authorization: Bot {k}",
     discord_token, "<b64(snowflake)>.<6>.<38>"),
    ("datadog-api", "Datadog API key", "DD_API_KEY", "ApiClient", "api.datadoghq.com/api", "DD-API-KEY: {k}",
     lambda: r(HEX, 32), "<32 hex>"),
    ("datadog-app", "Datadog application key", "DD_APP_KEY", "ApiClient", "api.datadoghq.com/api",
     "DD-APPLICATION-KEY: {k}", lambda: r(HEX, 40), "<40 hex>"),
    ("age", "age secret key", "SOPS_AGE_KEY", "AgeIdentity", None, None,
     lambda: "AGE-SECRET-KEY-1" + r(BECH32, 58), "AGE-SECRET-KEY-1<58 bech32>"),
    ("square", "Square access token", "SQUARE_ACCESS_TOKEN", "Square", "connect.squareup.com", None,
     lambda: "EAAA" + r(B64URL, 60), "EAAA<60 [\\w-]>"),
    ("npm", "npm access token", "NPM_TOKEN", "NpmClient", "registry.npmjs.org", None,
     lambda: "npm_" + r(ALNUM, 36), "npm_<36 alnum>"),
    ("pypi", "PyPI upload token", "PYPI_TOKEN", "Twine", None, None,
     pypi_token, "pypi-AgEIcHlwaS5vcmcCJ<150 b64url>"),
    ("cloudflare-token", "Cloudflare API token", "CLOUDFLARE_API_TOKEN", "Cloudflare", "api.cloudflare.com/client", None,
     lambda: r(B64URL, 40), "<40 [A-Za-z0-9_-]>"),
    ("cloudflare-global", "Cloudflare global API key", "CLOUDFLARE_API_KEY", "Cloudflare", "api.cloudflare.com/client",
     "X-Auth-Key: {k}", lambda: r(HEX, 37), "<37 hex>"),
    ("digitalocean", "DigitalOcean PAT", "DIGITALOCEAN_TOKEN", "pydo.Client", "api.digitalocean.com", None,
     lambda: "dop_v1_" + r(HEX, 64), "dop_v1_<64 hex>"),
    ("vercel", "Vercel token", "VERCEL_TOKEN", "Vercel", "api.vercel.com", None,
     lambda: r(ALNUM, 24), "<24 alnum>"),
    ("linear", "Linear API key", "LINEAR_API_KEY", "LinearClient", "api.linear.app", "Authorization: {k}",
     lambda: "lin_api_" + r(ALNUM, 40), "lin_api_<40 alnum>"),
    ("notion-secret", "Notion integration secret (old)", "NOTION_TOKEN", "notion_client.Client", "api.notion.com", None,
     lambda: "secret_" + r(ALNUM, 43), "secret_<43 alnum>"),
    ("notion-ntn", "Notion integration token (ntn_)", "NOTION_TOKEN", "notion_client.Client", "api.notion.com", None,
     lambda: "ntn_" + r(DG, 11) + r(ALNUM, 35), "ntn_<11 digits><35 alnum>"),
    ("tavily", "Tavily", "TAVILY_API_KEY", "TavilyClient", "api.tavily.com", None,
     lambda: "tvly-" + r(ALNUM, 32), "tvly-<32 alnum>"),
    ("tavily-dev", "Tavily (dev)", "TAVILY_API_KEY", "TavilyClient", "api.tavily.com", None,
     lambda: "tvly-dev-" + r(ALNUM, 32), "tvly-dev-<32 alnum>"),
    ("exa", "Exa", "EXA_API_KEY", "Exa", "api.exa.ai", "x-api-key: {k}",
     lambda: str(uuid.UUID(bytes=secrets.token_bytes(16), version=4)), "<uuid4>"),
    ("elevenlabs", "ElevenLabs", "ELEVENLABS_API_KEY", "ElevenLabs", "api.elevenlabs.io", "xi-api-key: {k}",
     lambda: "sk_" + r(HEX, 48), "sk_<48 hex>"),
    ("firecrawl", "Firecrawl", "FIRECRAWL_API_KEY", "FirecrawlApp", "api.firecrawl.dev", None,
     lambda: "fc-" + r(HEX, 32), "fc-<32 hex>"),
    ("e2b", "E2B", "E2B_API_KEY", "Sandbox", "api.e2b.dev", "X-API-Key: {k}",
     lambda: "e2b_" + r(HEX, 40), "e2b_<40 hex>"),
    ("composio", "Composio", "COMPOSIO_API_KEY", "Composio", "backend.composio.dev/api", "x-api-key: {k}",
     lambda: "ak_" + r(B64URL, 20), "ak_<20 [\\w-]>"),
    ("litellm", "LiteLLM master/virtual key", "LITELLM_MASTER_KEY", "OpenAI", "litellm.internal:4000", None,
     lambda: "sk-" + r(B64URL, 22), "sk-<22 b64url>"),
]


def curl_line(f, k, extra):
    fid, _, _, _, host, hdr, _, _ = f
    if fid == "aws-akid":
        return f'curl --aws-sigv4 "aws:amz:us-east-1:s3" --user "{k}:{extra}" https://s3.amazonaws.com/mybucket'
    if fid == "aws-secret":
        return f'curl --aws-sigv4 "aws:amz:us-east-1:s3" --user "{extra}:{k}" https://s3.amazonaws.com/mybucket'
    if fid == "gcp-sa-pkey":
        return f"curl https://oauth2.googleapis.com/token -d '{{\"private_key\": \"{k}\"}}'"
    if fid == "slack-webhook":
        return f"curl -X POST -H 'Content-type: application/json' --data '{{\"text\":\"deploy ok\"}}' {k}"
    if fid in ("stripe-sk", "stripe-rk"):
        return f"curl https://api.stripe.com/v1/charges -u {k}:"
    if fid == "stripe-whsec":
        return f'curl https://myapp.example.org/webhooks/stripe -H "Stripe-Signature: t=1700000000,v1=00" -H "X-Webhook-Secret: {k}"'
    if fid == "twilio-auth":
        return f"curl -X POST https://api.twilio.com/2010-04-01/Accounts/{extra}/Messages.json -u {extra}:{k}"
    if fid == "twilio-sk":
        return f"curl -X POST https://api.twilio.com/2010-04-01/Accounts/AC{r(HEX, 32)}/Messages.json -u {k}:{extra}"
    if fid in ("langfuse-sk",):
        return f"curl https://cloud.langfuse.com/api/public/traces -u {extra}:{k}"
    if fid in ("langfuse-pk",):
        return f"curl https://cloud.langfuse.com/api/public/traces -u {k}:{extra}"
    if fid in ("wandb-40", "wandb-v1"):
        return f"curl https://api.wandb.ai/graphql -u api:{k}"
    if fid == "pypi":
        return f"curl -F ':action=file_upload' -u __token__:{k} https://upload.pypi.org/legacy/"
    if fid == "age":
        return f'curl https://vault.internal/v1/age -H "Authorization: Bearer {k}"'
    h = (hdr or "Authorization: Bearer {k}").format(k=k)
    return f'curl https://{host}/v1/x -H "{h}"'


def extra_for(fid):
    if fid == "aws-akid":
        return r(AWS_SECRET, 40)
    if fid == "aws-secret":
        return "AKIA" + r(BASE32_AWS, 16)
    if fid == "twilio-auth":
        return "AC" + r(HEX, 32)
    if fid == "twilio-sk":
        return r(ALNUM, 32)
    if fid == "langfuse-sk":
        return "pk-lf-" + str(uuid.uuid4())
    if fid == "langfuse-pk":
        return "sk-lf-" + str(uuid.uuid4())
    return None


CONTEXTS = {
    "env": "config/settings.env.sh",
    "python": "app/client.py",
    "json": "config/vendor.json",
    "yaml": "deploy/values.yaml",
    "curl": "scripts/call.sh",
}
# Extra, format-specific realistic contexts (reported separately)
EXTRA = {
    "gcp-sa-pkey": ("sa-json", "config/gcp-service-account.json"),
    "litellm": ("litellm-yaml", "litellm/config.yaml"),
}


def gen(base):
    """Writes a git repository of planted keys at BASE/repo and its manifest at BASE/manifest.json."""
    ROOT = os.path.join(base, "repo")
    MANIFEST = os.path.join(base, "manifest.json")
    if os.path.exists(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    subprocess.run(["git", "init", "-q", ROOT], check=True)
    files = {c: [] for c in CONTEXTS}
    heads = {"env": ["#!/bin/sh", "# service settings", ""],
             "python": ["import os", "", ""],
             "json": ["["],
             "yaml": ["# helm values", "replicaCount: 2", ""],
             "curl": ["#!/bin/sh", "set -eu", ""]}
    for c in files:
        files[c].extend(heads[c])
    manifest = []
    njson = len(F)
    for i, f in enumerate(F):
        fid, label, env, cls, host, hdr, gen, shape = f
        k = gen()
        extra = extra_for(fid)
        q = k  # python/json/yaml value
        lines = {
            "env": f'export {env}="{k}"' if fid == "gcp-sa-pkey" else f"export {env}={k}",
            "python": f'client = {cls}(api_key="{q}")',
            "json": f'  {{"apiKey": "{q}"}}' + ("," if i < njson - 1 else ""),
            "yaml": f'api_key: "{q}"' if fid == "gcp-sa-pkey" else f"api_key: {q}",
            "curl": curl_line(f, k, extra),
        }
        for c, text in lines.items():
            files[c].append(text)
            manifest.append({"format": fid, "label": label, "context": c, "path": CONTEXTS[c],
                             "line": len(files[c]), "shape": shape, "value": k})
            files[c].extend(["", ""])
        if fid in EXTRA:
            ctx, path = EXTRA[fid]
            if fid == "gcp-sa-pkey":
                sa = ['{', '  "type": "service_account",', '  "project_id": "acme-prod-4821",',
                      f'  "private_key_id": "{r(HEX, 40)}",', f'  "private_key": "{k}",',
                      '  "client_email": "svc-runner@acme-prod-4821.iam.gserviceaccount.com",',
                      '  "token_uri": "https://oauth2.googleapis.com/token"', '}']
                line = 5
            else:
                sa = ["model_list:", "  - model_name: gpt-4o", "    litellm_params:", "      model: openai/gpt-4o",
                      "      api_key: os.environ/OPENAI_API_KEY", "general_settings:", f"  master_key: {k}"]
                line = 7
            p = os.path.join(ROOT, path)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as fh:
                fh.write("\n".join(sa) + "\n")
            manifest.append({"format": fid, "label": label, "context": ctx, "path": path, "line": line,
                             "shape": shape, "value": k})
    files["json"].append("]")
    for c, path in CONTEXTS.items():
        p = os.path.join(ROOT, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as fh:
            fh.write("\n".join(files[c]) + "\n")
    json.loads(open(os.path.join(ROOT, CONTEXTS["json"])).read())  # valid JSON
    with open(MANIFEST, "w") as fh:
        json.dump(manifest, fh, indent=1)
    print(f"{len(F)} formats, {len(manifest)} planted keys -> {ROOT}; manifest {MANIFEST}")


GENERIC = {"scan/generic-secret", "scan/bearer-token", "scan/url-credentials", "scan/cli-password",
           "scan/ini-password", "scan/litellm-config-key", "scan/basic-auth-password"}


def score(BASE, TKX):
    """Scans BASE/repo with TKX and matches its findings to the manifest."""
    REPO = os.path.join(BASE, "repo")
    man = json.load(open(os.path.join(BASE, "manifest.json")))
    pj = subprocess.run([TKX, "scan", "--format", "json", "."], cwd=REPO, capture_output=True, text=True)
    pt = subprocess.run([TKX, "scan", "--format", "text", "--color", "never", "."], cwd=REPO,
                        capture_output=True, text=True)
    open(os.path.join(BASE, "out.json"), "w").write(pj.stdout)
    open(os.path.join(BASE, "out.txt"), "w").write(pt.stdout + pt.stderr)
    if pj.returncode not in (0, 1) or pt.returncode not in (0, 1):
        print("UNEXPECTED EXIT", pj.returncode, pt.returncode, pj.stderr[:500], pt.stderr[:500])
    data = json.loads(pj.stdout)
    finds = data["findings"]
    by_line = collections.defaultdict(list)
    for f in finds:
        by_line[(f["path"], f["line"])].append(f)

    lines_cache = {}


    def src_line(path, n):
        if path not in lines_cache:
            lines_cache[path] = open(os.path.join(REPO, path)).read().split("\n")
        return lines_cache[path][n - 1]


    rows = []
    for m in man:
        fs = by_line.get((m["path"], m["line"]), [])
        line = src_line(m["path"], m["line"])
        start = line.find(m["value"]) + 1
        # a finding covers the planted key when its column falls inside the key's span
        own = [f for f in fs if start <= f.get("column", start) < start + len(m["value"])]
        other = [f for f in fs if f not in own]
        m = dict(m, own=own, other=other)
        rows.append(m)

    found = [m for m in rows if m["own"]]
    miss = [m for m in rows if not m["own"]]
    print(f"summary from tkx: {data['summary']}; findings: {len(finds)}")
    print(f"FOUND {len(found)}/{len(rows)} planted keys ({len(rows) - len(found)} missed)")
    fmts = collections.OrderedDict()
    for m in rows:
        fmts.setdefault(m["format"], []).append(m)
    print(f"formats fully found: {sum(all(x['own'] for x in v) for v in fmts.values())}/{len(fmts)}; "
          f"formats never found: {[k for k, v in fmts.items() if not any(x['own'] for x in v)]}")

    print("\n== MISSES (format | context | shape | other findings on the line)")
    for m in miss:
        oth = ",".join(f"{f['rule']}@{f['column']}" for f in m["other"]) or "-"
        print(f"{m['format']:18} {m['context']:12} {m['shape'][:60]:60} {oth}")

    print("\n== FOUND ONLY BY A GENERIC RULE")
    for m in found:
        rules = {f["rule"] for f in m["own"]}
        if rules <= GENERIC:
            print(f"{m['format']:18} {m['context']:12} {sorted(rules)}")

    print("\n== REPORTED AS NOTE")
    for m in found:
        for f in m["own"]:
            if f["severity"] == "note":
                print(f"{m['format']:18} {m['context']:12} {f['rule']} : {f['message']}")

    print("\n== RULE per format (named rules seen)")
    for k, v in fmts.items():
        rules = collections.Counter(f["rule"].replace("scan/", "") for x in v for f in x["own"])
        print(f"{k:18} {dict(rules)}")

    print("\n== FINDINGS NOT ON A PLANTED KEY'S SPAN")
    planted = {(m["path"], m["line"]) for m in rows}
    for m in rows:
        for f in m["other"]:
            print(f"{m['format']:18} {m['context']:12} {f['rule']} col {f['column']} sev {f['severity']}")
    for f in finds:
        if (f["path"], f["line"]) not in planted:
            print("stray:", f["path"], f["line"], f["rule"])

    print("\n== CLEARTEXT CHECK (planted values appearing whole in tkx output)")
    leak = 0
    for m in rows:
        for out, name in ((pj.stdout, "json"), (pt.stdout + pt.stderr, "text")):
            if m["value"] in out:
                leak += 1
                print(f"LEAK {name}: {m['format']} {m['context']}")
    print(f"leaks: {leak}")
    rows_by = {(m["path"], m["line"]): m for m in rows}
    for f in finds:
        m = rows_by.get((f["path"], f["line"]))
        if m:
            shown = f["masked"].replace("*", "")
            if len(m["value"]) <= 24 or len(shown) * 2 >= len(m["value"]):
                print(f"short-key mask: {m['format']} {m['context']} len={len(m['value'])} masked={len(f['masked'])}ch shows {len(shown)}")
    json.dump([{k: v for k, v in m.items() if k not in ("value",)} for m in rows],
              open(os.path.join(BASE, "result.json"), "w"), indent=1)


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "gen":
        gen(args[1])
    elif len(args) == 4 and args[0] == "score" and args[2] == "--tkx":
        score(args[1], os.path.abspath(args[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
