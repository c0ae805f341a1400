#!/usr/bin/env python3
"""A labelled corpus for secret scanners, and its scoring (stdlib only).

  scan-corpus.py gen DIR      writes DIR/corpus/ (fake keys, fixed seed) and DIR/labels.json
  scan-corpus.py score DIR [--tkx BIN] [--kingfisher BIN] [--ripsecrets BIN]
      runs each scanner on DIR/corpus, keeps its raw output in DIR/out/, and reports recall
      (planted positives found: a finding in the same file on a line of the planted span) and
      false positives (distinct file:line findings elsewhere; tkx's line-0 env-file notices and its
      notes, which do not fail a scan, apart).
Every key is generated from random bodies: nothing here is a real credential.
"""
import argparse, base64, json, os, random, re, shutil, string, subprocess, sys, tempfile

R = random.Random(20240611)
U, L, D = string.ascii_uppercase, string.ascii_lowercase, string.digits
AN, HEX, URL, B32 = U + L + D, D + "abcdef", U + L + D + "-_", U + "234567"
def r(n, a=AN): return "".join(R.choice(a) for _ in range(n))
def num(n): return str(R.randint(1, 9)) + r(n - 1, D)
def b64(n): return base64.b64encode(R.randbytes(n)).decode()
def b64u(b): return base64.urlsafe_b64encode(b).decode().rstrip("=")
def pem(label, n, w=64):
    b = b64(n)
    return "\n".join([f"-----BEGIN {label}-----", *(b[i:i + w] for i in range(0, len(b), w)), f"-----END {label}-----"])
def jwt(enc=lambda o: b64u(json.dumps(o, separators=(",", ":")).encode())):
    claims = {"sub": "user-" + num(6), "role": "admin", "iat": 1718000000, "exp": 1918000000}
    return f"{enc({'alg': 'HS256', 'typ': 'JWT'})}.{enc(claims)}.{b64u(R.randbytes(32))}"
def pw(n=22): return r(n - 2, AN + "!#%^&*-_") + R.choice(D) + R.choice(L)

K = {  # planted kind -> a fresh fake value
    "openai-project": lambda: "sk-proj-" + r(74, URL) + "T3BlbkFJ" + r(74, URL),
    "openai-svcacct": lambda: "sk-svcacct-" + r(74, URL) + "T3BlbkFJ" + r(74, URL),
    "openai-legacy": lambda: "sk-" + r(20) + "T3BlbkFJ" + r(20), "anthropic": lambda: "sk-ant-api03-" + r(93, URL) + "AA",
    "aws-access-key-id": lambda: "AKIA" + r(16, B32), "aws-secret-key": lambda: r(40, AN + "+/"),
    "github-pat": lambda: "ghp_" + r(36), "github-oauth": lambda: "gho_" + r(36), "github-app": lambda: "ghs_" + r(36),
    "github-fine-grained": lambda: "github_pat_11" + r(20, U + D) + "_" + r(59), "gitlab": lambda: "glpat-" + r(20, URL),
    "slack-bot": lambda: f"xoxb-{num(12)}-{num(13)}-{r(24)}",
    "slack-webhook": lambda: f"https://hooks.slack.com/services/T{r(8, U + D)}/B{r(10, U + D)}/{r(24)}",
    "stripe": lambda: "sk_live_51" + r(97), "google": lambda: "AIzaSy" + r(33, URL),
    "azure-conn": lambda: f"DefaultEndpointsProtocol=https;AccountName=acme{r(5, L)};AccountKey={b64(64)};"
                          "EndpointSuffix=core.windows.net",
    "huggingface": lambda: "hf_" + r(34, U + L), "replicate": lambda: "r8_" + r(37),
    "groq": lambda: "gsk_" + r(52), "openrouter": lambda: "sk-or-v1-" + r(64, HEX),
    "xai": lambda: "xai-" + r(80), "perplexity": lambda: "pplx-" + r(48),
    "twilio": lambda: "SK" + r(32, HEX), "sendgrid": lambda: f"SG.{r(22, URL)}.{r(43, URL)}",
    "mailgun": lambda: "key-" + r(32, HEX), "npm": lambda: "npm_" + r(36),
    "pypi": lambda: "pypi-AgEIcHlwaS5vcmc" + r(150, URL),
    "docker": lambda: "dckr_pat_" + r(27, URL), "digitalocean": lambda: "dop_v1_" + r(64, HEX),
    "shopify": lambda: "shpat_" + r(32, HEX), "discord-webhook": lambda: f"https://discord.com/api/webhooks/{num(19)}/{r(68, URL)}",
    "telegram": lambda: f"{num(10)}:AA{r(33, URL)}", "sentry-dsn": lambda: f"https://{r(32, HEX)}@o{num(6)}.ingest.us.sentry.io/{num(7)}",
    "db-url": lambda: r(18, URL) + R.choice(D) + R.choice(L), "generic-password": pw, "generic-secret": lambda: pw(32),
    "cli-password": lambda: pw(16), "jwt": jwt,
    "rsa-private-key": lambda: pem("RSA PRIVATE KEY", 1190), "ec-private-key": lambda: pem("EC PRIVATE KEY", 121),
    "openssh-private-key": lambda: pem("OPENSSH PRIVATE KEY", 400, 70), "pkcs8-private-key": lambda: pem("PRIVATE KEY", 1218),
    "gcp-service-account": lambda: f'  "private_key_id": "{r(40, HEX)}",\n  "private_key": "'
                                   + pem("PRIVATE KEY", 1218).replace("\n", "\\n") + '\\n",',
    "k8s-secret-github-pat": lambda: base64.b64encode(K["github-pat"]().encode()).decode(),
    "k8s-secret-openai": lambda: base64.b64encode(K["openai-project"]().encode()).decode(),
    "_hex32": lambda: r(32, HEX), "_b64": lambda: b64(3000),
}
NB = {"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": [
    "import os\n", 'os.environ["OPENAI_API_KEY"] = "«openai-legacy»"\n', "client = OpenAI()"]},
    {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": ["print(login_info)\n", "plot(history)"], "outputs": [
        {"name": "stdout", "output_type": "stream", "text": ["Logged in to the Hub with token «huggingface»\n",
                                                           "{'api_key': '«anthropic»', 'model': 'claude-3-5-sonnet'}\n"]},
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAA«_b64»"}}]}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}}, "nbformat": 4, "nbformat_minor": 5}
# «kind» is replaced by a fresh value of that kind and labelled; «_name» is filler, not a secret.
POSITIVE = {
    "app/settings.py": '"""Settings for the billing service."""\nimport os\n\nDEBUG = False\nOPENAI_API_KEY = "«openai-project»"\n'
        'anthropic_client = Anthropic(api_key="«anthropic»")\nGROQ_API_KEY = os.getenv(\'GROQ_API_KEY\', \'«groq»\')\n'
        'DB_PASSWORD = "«generic-password»"\n'
        "SQLALCHEMY_DATABASE_URI = 'postgresql://billing:«db-url»@db.prod.internal:5432/billing'\n"  # tkx:allow
        'sentry_sdk.init(dsn="«sentry-dsn»", traces_sample_rate=0.2)\nHEADERS = {"Authorization": "Bearer «jwt»"}\nTIMEOUT = 30',
    "web/src/config.js": '// Runtime configuration (server side)\nexport const config = {\n  stripeSecretKey: "«stripe»",\n'
        "  mapsApiKey: '«google»',\n  sendgridKey: process.env.SENDGRID_KEY || \"«sendgrid»\",\n  alertsWebhook: `«slack-webhook»`,\n"
        '};\nconst gh = new Octokit({ auth: "«github-pat»" });\n'
        'mongoose.connect("mongodb+srv://svc-api:«db-url»@cluster0.x1y2z.mongodb.net/prod?retryWrites=true");',  # tkx:allow
    "deploy/values.yaml": "replicaCount: 2\nenv:\n  HF_TOKEN: «huggingface»\n  REPLICATE_API_TOKEN: \"«replicate»\"\n"
        "  XAI_API_KEY: «xai»\n  PERPLEXITY_API_KEY: '«perplexity»'\n  OPENROUTER_API_KEY: «openrouter»\n"
        "  REDIS_URL: redis://:«db-url»@redis-master.prod.svc:6379/0\n  oauth_client_secret: «generic-secret»\n"
        "  DISCORD_WEBHOOK: «discord-webhook»\nresources:\n  limits: {cpu: 500m, memory: 512Mi}",
    "config/integrations.json": '{\n  "mailgun": {"domain": "mg.acme.io", "api_key": "«mailgun»"},\n  "npm_token": "«npm»",\n'
        '  "twilio": {"account_sid": "AC«_hex32»", "api_key": "«twilio»"},\n  "shopify_admin_token": "«shopify»",\n'
        '  "telegram": {"bot_token": "«telegram»", "chat_id": -1001234567890},\n  "apiKey": "«generic-secret»",\n'
        '  "region": "eu-west-1"\n}',
    ".env": "# production\nAWS_ACCESS_KEY_ID=«aws-access-key-id»\nAWS_SECRET_ACCESS_KEY=«aws-secret-key»\nGITLAB_TOKEN=«gitlab»\n"
        "DIGITALOCEAN_ACCESS_TOKEN=«digitalocean»\nDOCKERHUB_TOKEN=\"«docker»\"\nOPENAI_API_KEY=«openai-svcacct»\n"
        "SECRET_KEY='«generic-secret»'\nCELERY_BROKER_URL=amqp://worker:«db-url»@rabbitmq.internal:5672//\nLOG_LEVEL=info",  # tkx:allow
    "notebooks/explore.ipynb": json.dumps(NB, indent=1, ensure_ascii=False),
    "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nENV HF_TOKEN=«huggingface»\n"
        'RUN echo "//registry.npmjs.org/:_authToken=«npm»" > /root/.npmrc && npm ci\n'
        'ENV DATABASE_URL="mysql://shop:«db-url»@mysql.internal:3306/shop"\nRUN twine upload -u __token__ -p «pypi» dist/*\n'  # tkx:allow
        'COPY . .\nCMD ["gunicorn", "app:app"]',
    ".github/workflows/deploy.yml": "name: deploy\non: {push: {branches: [main]}}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
        "    env:\n      SLACK_BOT_TOKEN: «slack-bot»\n      GH_APP_TOKEN: «github-app»\n"
        "      GOOGLE_CREDENTIALS: ${{ secrets.GOOGLE_CREDENTIALS }}\n    steps:\n      - uses: actions/checkout@v4\n"
        '      - run: curl -sf -H "Authorization: Bearer «github-fine-grained»" https://api.github.com/repos/acme/app/dispatches\n'
        "      - run: git clone https://x-access-token:«github-oauth»@github.com/acme/infra.git\n"  # tkx:allow
        "      - run: docker login -u acmeci -p «cli-password» registry.acme.io",  # tkx:allow
    "keys/id_rsa": "«rsa-private-key»", "certs/server.key": "«ec-private-key»",
    "keys/deploy_key": "«openssh-private-key»", "certs/tls.key": "«pkcs8-private-key»",
    "config/service-account.json": '{\n  "type": "service_account",\n  "project_id": "acme-prod-381204",\n«gcp-service-account»\n'
        '  "client_email": "deployer@acme-prod-381204.iam.gserviceaccount.com",\n  "token_uri": "https://oauth2.googleapis.com/token"\n}',
    "scripts/deploy.sh": "#!/usr/bin/env bash\nset -euo pipefail\nexport TWILIO_API_KEY=«twilio»\n"
        'curl -s --user "api:«mailgun»" https://api.mailgun.net/v3/mg.acme.io/messages -F to=ops@acme.io\n'
        'export SHOPIFY_TOKEN="«shopify»"\npsql "postgres://deploy:«db-url»@db.prod.internal:5432/app" -c "select 1"\n'  # tkx:allow
        'curl -s "https://api.telegram.org/bot«telegram»/sendMessage" -d chat_id=42 -d text=deployed',
    "infra/main.tf": 'resource "azurerm_storage_account" "logs" {\n  name = "acmelogs"\n}\nlocals { storage_conn = "«azure-conn»" }\n'
        'resource "aws_db_instance" "main" {\n  engine   = "postgres"\n  username = "app"\n  password = "«generic-password»"\n}\n'
        'provider "digitalocean" { token = "«digitalocean»" }',
    "docs/incident-notes.md": "# Incident 2024-05-02\n\nThe job failed because the key had expired. New temporary key for the demo:\n\n"
        "    OPENAI_API_KEY=«openai-project»\n\nErrors go to «sentry-dsn».\nBot token until the vault is set up: `«slack-bot»`",
    "src/main/resources/application.properties": "spring.application.name=orders\n"
        "spring.datasource.url=jdbc:postgresql://db:5432/orders\nspring.datasource.username=orders\n"
        "spring.datasource.password=«generic-password»\napp.jwt.secret=«generic-secret»\n"
        "azure.storage.connection-string=«azure-conn»\nstripe.api-key=«stripe»",
    "k8s/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-tokens\ntype: Opaque\ndata:\n"
        "  github-token: «k8s-secret-github-pat»\n  openai-key: «k8s-secret-openai»",
    ".pypirc": "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = «pypi»",
    "deploy/aws-credentials": "[default]\naws_access_key_id = «aws-access-key-id»\naws_secret_access_key = «aws-secret-key»\n"
        "region = us-east-1",
}

def negatives():
    sha = lambda: r(40, HEX)
    uuid = lambda: f"{r(8, HEX)}-{r(4, HEX)}-4{r(3, HEX)}-a{r(3, HEX)}-{r(12, HEX)}"
    yield "web/package-lock.json", '{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {\n' + "".join(
        f'    "node_modules/pkg-{i}": {{\n      "version": "1.{i}.0",\n      "resolved": "https://registry.npmjs.org/pkg-{i}/-/'
        f'pkg-{i}-1.{i}.0.tgz",\n      "integrity": "sha512-{b64(64)}"\n    }},\n' for i in range(40)) + '    "": {}\n  }\n}'
    yield "web/yarn.lock", "\n".join(f'left-pad-{i}@^1.3.0:\n  version "1.3.{i}"\n  resolved "https://registry.yarnpkg.com/'
                                    f'left-pad/-/left-pad-1.3.{i}.tgz#{sha()}"\n  integrity sha512-{b64(64)}\n' for i in range(30))
    yield "poetry.lock", "\n".join(f'[[package]]\nname = "lib{i}"\nversion = "2.{i}"\nfiles = [\n    {{file = "lib{i}-2.{i}.tar.gz", '
                                  f'hash = "sha256:{r(64, HEX)}"}},\n]\n' for i in range(30))
    yield "go.sum", "\n".join(f"github.com/acme/mod{i} v1.{i}.0 h1:{b64(32)}" for i in range(40))
    yield ".env.example", ("OPENAI_API_KEY=your-key-here\nANTHROPIC_API_KEY=sk-ant-...\nGITHUB_TOKEN=<KEY>\n"
        "STRIPE_SECRET_KEY=sk_live_xxx\nAWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}\n"
        "DATABASE_URL=postgres://user:password@localhost:5432/app\nHF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
        "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/XXX/YYY/ZZZ\nSECRET_KEY=changeme\n"
        "OPENAI_PROJECT_KEY=sk-p****************************\nTOKEN=xxx\nPASSWORD=\nGROQ_API_KEY=gsk_...\n")
    yield "README.md", ("# acme\n\n```sh\nexport OPENAI_API_KEY=sk-...\nexport OPENAI_API_KEY=sk-proj-...\n```\n\n"
        "Set `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` and\n`AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`.\n\n"
        "    curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
        "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c' https://api.acme.io\n"
        "    stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'\n    curl -u api:YOUR_API_KEY https://api.mailgun.net\n"
        "    Authorization: Bearer <token>\n    SENTRY_DSN=https://examplePublicKey@o0.ingest.sentry.io/0\n"
        "    DATABASE_URL=postgres://user:${DB_PASSWORD}@db/app\n    REDIS_URL=redis://:<password>@host:6379\n"
        "    git clone https://user:pass@example.com/repo.git\n    docker login -u me -p $DOCKER_PASSWORD\n"
        "    GITHUB_TOKEN=ghp_************************************\n    api_key: ${{ secrets.OPENAI_API_KEY }}\n")
    yield "data/events.json", "[\n" + ",\n".join(f'  {{"id": "{uuid()}", "request_id": "{uuid()}", "session_token": '
                                                f'"{uuid()}", "idempotency_key": "{uuid()}", "commit": "{sha()}"}}'
                                                for _ in range(30)) + "\n]"
    yield "CHANGELOG.md", "\n".join(f"- {r(7, HEX)} fix: rotate credentials handling (commit {sha()})" for _ in range(30))
    yield ".pre-commit-config.yaml", "repos:\n" + "".join(f"  - repo: https://github.com/acme/hook{i}\n    rev: {sha()}\n"
                                                            for i in range(10))
    yield ".github/workflows/ci.yml", (f"name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@{sha()}\n      - uses: docker/login-action@{sha()}\n        with:\n"
        "          username: acmeci\n          password: ${{ secrets.DOCKER_PASSWORD }}\n"
        "      - run: make test\n        env:\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n")
    yield "certs/ca.crt", "\n".join(pem("CERTIFICATE", 900) for _ in range(3))
    yield "keys/public.pem", pem("PUBLIC KEY", 294) + "\n" + pem("PGP PUBLIC KEY BLOCK", 1200)
    yield "keys/authorized_keys", "\n".join(f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{b64(380)} dev{i}@laptop" for i in range(3))
    png = "iVBORw0KGgoAAAANSUhEUgAAA" + b64(2400)
    yield "web/public/index.html", (f'<!doctype html>\n<link rel="stylesheet" href="/app.css" integrity="sha384-{b64(48)}">\n'
        f'<img alt="logo" src="data:image/png;base64,{png}">\n<style>.i{{background:url(data:image/svg+xml;base64,{b64(900)})}}</style>\n')
    words = ["token", "apiKey", "password", "secret", "auth", "e", "t", "n", "r", "i", "o"]
    mini = "".join(f'function {r(2, L)}({R.choice(words)},{R.choice(words)}){{var {r(1, L)}="{r(R.randint(6, 14))}";return '
                   f'{R.choice(words)}.{R.choice(words)}||{{passwordMinLength:8,tokenType:"Bearer",apiKeyHeader:"X-Api-Key",'
                   f'chunk:"{r(20, HEX)}"}}}};' for _ in range(400))
    yield "web/dist/app.min.js", f'!function(){{var b="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";{mini}}}();'
    yield "locales/fr.json", ('{\n  "password": "Mot de passe",\n  "password_hint": "Au moins 8 caractères",\n'
        '  "api_key": "Clé API",\n  "token_expired": "Votre jeton a expiré",\n  "secret_question": "Question secrète"\n}')
    yield "src/auth.py", ("password = get_password_from_vault()\napi_key = os.environ['OPENAI_API_KEY']\n"
        'token = request.headers.get("Authorization")\npassword_field = forms.CharField(widget=forms.PasswordInput)\n'
        'SECRET_KEY = env("DJANGO_SECRET_KEY")\nsort_key = \'created_at_descending\'\nTOKEN_URL = "https://oauth2.googleapis.com/token"\n'
        "client = OAuth(client_secret=settings.GOOGLE_CLIENT_SECRET)\ntest_password = 'correct horse battery staple'\n"
        f'STRIPE_PUBLISHABLE_KEY = "pk_live_51{r(97)}"\nGOOGLE_CLIENT_ID = "{num(12)}-{r(32, L + D)}.apps.googleusercontent.com"\n')
    yield "src/clients.py", ('sm.get_secret_value(SecretId="prod/billing/stripe-api-key-v3")\n'  # tkx:allow
        'credentials_path = "/etc/acme/credentials-2024.json"\npassword_file = "/run/secrets/db_password_v2"\n')  # tkx:allow
    yield "infra/variables.tf", "password = var.db_password\napi_key  = random_password.api.result\ntoken_ttl = 3600\n"
    yield "src/Config.java", 'String password = System.getenv("DB_PASSWORD");\nString apiKey = props.getProperty("api.key");\n'
    yield "k8s/deployment.yaml", ("spec:\n  tls:\n    - hosts: [api.acme.io]\n      secretName: api-acme-io-tls-2024\n"
        "  env:\n    - name: DB_PASSWORD\n      valueFrom:\n        secretKeyRef: {name: postgres-credentials-v2, key: password}\n")
    yield "config/secrets.yml", "production:\n  secret_key_base: <%= ENV['SECRET_KEY_BASE'] %>\n  api_token: <%= ENV.fetch('API_TOKEN') %>\n"

def gen(out):
    corpus = os.path.join(out, "corpus")
    shutil.rmtree(corpus, ignore_errors=True)
    labels = {"seed": 20240611, "positives": [], "negative_files": []}
    for path, template in POSITIVE.items():
        lines = []
        for tpl in template.split("\n"):  # line by line: a value may add lines (PEM blocks)
            kinds = re.findall("«([^»]+)»", tpl)
            start = len(lines) + 1
            lines += re.sub("«([^»]+)»", lambda m: K[m.group(1)](), tpl).split("\n")
            labels["positives"] += [{"file": path, "line": start, "end_line": len(lines), "kind": k}
                                    for k in kinds if not k.startswith("_")]
        write(corpus, path, "\n".join(lines) + "\n")
    for path, text in negatives():
        write(corpus, path, text + "\n")
        labels["negative_files"].append(path)
    json.dump(labels, open(os.path.join(out, "labels.json"), "w"), indent=1)
    print(f"{len(labels['positives'])} positives in {len(POSITIVE)} files, {len(labels['negative_files'])} negative files -> {corpus}")

def write(root, path, text):
    os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True) or open(os.path.join(root, path), "w").write(text)

def run(cmd, out, cwd, env=None):
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    open(out, "w").write(res.stdout)
    if res.returncode not in (0, 1, 200, 205):
        print(f"warning: {cmd[0]} exited {res.returncode}: {res.stderr[-300:]}", file=sys.stderr)
    return res.stdout

def findings(tool, binary, corpus, outdir):
    """(file relative to the corpus, line, rule) for every finding of one tool."""
    rel = lambda p: os.path.relpath(os.path.normpath(os.path.join(corpus, p)), corpus)
    if tool == "tkx":
        env = dict(os.environ, TKX_DIR=tempfile.mkdtemp())
        doc = json.loads(run([binary, "scan", "--no-ignore", "--format", "json", "."], f"{outdir}/tkx.json", corpus, env))
        # A note (a key public by design, an identifier) does not fail a scan: `note:` marks it.
        return [(rel(f["path"]), f["line"], ("note:" if f["severity"] == "note" else "") + f["rule"])
                for f in doc["findings"]]
    if tool == "kingfisher":
        doc = json.loads(run([binary, "scan", corpus, "--no-validate", "--git-history", "none", "--no-update-check",
                              "--no-dedup", "-f", "json", "-q"], f"{outdir}/kingfisher.json", corpus))
        return [(rel(f["finding"]["path"]), f["finding"]["line"], f["rule"]["id"]) for f in doc.get("findings", [])]
    # ripsecrets skips hidden files in a directory walk: give it every file, as its pre-commit hook does.
    files = sorted(os.path.relpath(os.path.join(d, f), corpus) for d, _, fs in os.walk(corpus) for f in fs)
    text = run([binary, *files], f"{outdir}/ripsecrets.txt", corpus)
    return [(rel(p), int(n), "ripsecrets") for p, n, _ in (l.split(":", 2) for l in text.splitlines() if l.count(":") >= 2)]

def score(out, tools):
    labels, corpus, od = json.load(open(os.path.join(out, "labels.json"))), os.path.join(out, "corpus"), os.path.join(out, "out")
    pos, neg, rows = labels["positives"], set(labels["negative_files"]), []
    os.makedirs(od, exist_ok=True)
    for tool, binary in tools.items():
        hit, fps, file_level = {}, {}, 0
        for f, line, rule in findings(tool, binary, corpus, od):
            m = [i for i, p in enumerate(pos) if p["file"] == f and p["line"] <= line <= p["end_line"]]
            for i in m:
                hit.setdefault(i, set()).add(rule)
            if line == 0 or (not m and rule.startswith("note:")):
                file_level += 1  # tkx's "this is an env file" notice or a note: not a failing finding
            elif not m:
                fps.setdefault((f, line), set()).add(rule)
        in_neg = sum(1 for f, _ in fps if f in neg)
        rows.append((tool, len(hit), len(fps), in_neg, file_level))
        print(f"\n## {tool}: recall {len(hit)}/{len(pos)}, false positives {len(fps)} "
              f"({in_neg} in negative files, {len(fps) - in_neg} on unlabelled lines of positive files)")
        print("".join(f"  miss  {p['file']}:{p['line']}  {p['kind']}\n" for i, p in enumerate(pos) if i not in hit), end="")
        print("".join(f"  fp    {f}:{n}  {', '.join(sorted(r))}\n" for (f, n), r in sorted(fps.items())), end="")
        with open(os.path.join(od, f"{tool}-hits.tsv"), "w") as w:  # which rule found each planted kind
            w.write("".join(f"{pos[i]['file']}:{pos[i]['line']}\t{pos[i]['kind']}\t{','.join(sorted(r))}\n"
                            for i, r in sorted(hit.items())))
    print("\n| tool | recall | false positives (distinct lines) | in negative files | file-level notices and notes |\n|---|---|---|---|---|")
    for tool, h, fp, n, fl in rows:
        print(f"| {tool} | {h}/{len(pos)} ({100 * h / len(pos):.0f}%) | {fp} | {n} | {fl} |")
    print(f"\nCorpus: {len(pos)} planted positives in {len({p['file'] for p in pos})} files, {len(neg)} negative files.")

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("gen").add_argument("dir")
    (sc := sub.add_parser("score")).add_argument("dir")
    for t in TOOLS:
        sc.add_argument(f"--{t}", help=f"path to {t} (default: found on PATH; skipped if absent)")
    a = ap.parse_args()
    if a.cmd == "gen":
        return gen(a.dir)
    try:  # the binary inside the kingfisher-bin wheel, not its Python wrapper
        import kingfisher
        kf = kingfisher.get_binary_path()
    except (ImportError, OSError):
        kf = None
    tools = {t: getattr(a, t) or (t == "kingfisher" and kf) or shutil.which(t) for t in TOOLS}
    score(a.dir, {t: b for t, b in tools.items() if b})

TOOLS = ("tkx", "kingfisher", "ripsecrets")
if __name__ == "__main__":
    main()
