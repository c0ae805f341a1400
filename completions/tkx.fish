# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tkx_global_optspecs
    string join \n C= f/file= p/profile= no-user override v/verbose q/quiet color= h/help V/version
end

function __fish_tkx_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tkx_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tkx_using_subcommand
    set -l cmd (__fish_tkx_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tkx -n "__fish_tkx_needs_command" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_needs_command" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_needs_command" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_needs_command" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_needs_command" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_needs_command" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_needs_command" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_needs_command" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_needs_command" -s V -l version -d 'Print version'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "exec" -d 'Run a command with the resolved environment'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "env" -d 'Show the resolved variables, masked, with their origin'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "get" -d 'Print one resolved value, unmasked (for scripts); exit 1 if unset'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "doctor" -d 'Check the project: permissions, .gitignore, tracked env files, syntax, .env.example drift, placeholders, key formats. Exits 1 on errors (CI)'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "diff" -d 'Compare the resolved project files with .env.example: missing, extra, empty and placeholder keys'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "scan" -d 'Find secrets in files, in the staged changes, or in git history'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "hook" -d 'Manage the git hooks that refuse commits and pushes carrying keys'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "set" -d 'Store a key: prompts without echo (or reads stdin), writes atomically with mode 0600'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "unset" -d 'Remove a key from an env file, keeping every other byte'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "init" -d 'Create .env from .env.example, prompting for each key'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "rotate" -d 'Replace a key with a new value and record the rotation (fingerprints only)'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "redact" -d 'Copy stdin to stdout with secrets masked (`kubectl logs … | tkx redact`)'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "move" -d 'Move keys out of the project\'s .env into the private store or the user file'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "agent" -d 'Guard env files from AI coding agents (Claude Code, Cursor, Codex CLI, Gemini CLI, and ignore files for others)'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c tkx -n "__fish_tkx_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l require -d 'Refuse to start (exit 125) unless these keys are set and not empty' -r
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l only -d 'Add only these keys from the files (the process environment still passes through)' -r
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l redact-style -d 'How --redact replaces a secret' -r -f -a "mask\t'Its mask: `sk-p**********25xx`'
fingerprint\t'`[tkx:sha256:…]`'"
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l skip-unresolved -d 'Start the command without these keys when their references cannot be resolved (instead of not starting it)' -r
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l resolve-timeout -d 'How long the secret managers\' CLIs may take in all, e.g. `30s`, `2m`, `500ms` (default 30s, or `[refs] timeout` in .tkx.toml)' -r
complete -c tkx -n "__fish_tkx_using_subcommand exec" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand exec" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand exec" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l pure -d 'Start the command from a minimal environment (PATH, HOME, USER, LOGNAME, SHELL, TERM, LANG, LC_*, TZ, TMPDIR) plus the resolved file keys'
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l strict -d 'Refuse to start when a required key of .env.example is missing or empty'
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l redact -d 'Mask secrets in the command\'s stdout and stderr (also `TKX_REDACT=1` or `[exec] redact = true` in .tkx.toml). tkx then stays as the parent: the command\'s output is a pipe, not the terminal'
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand exec" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand exec" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand exec" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand env" -l explain -d 'Show every layer\'s value for KEY (or for every key) and which one won' -r
complete -c tkx -n "__fish_tkx_using_subcommand env" -l skip-unresolved -d 'Leave out keys whose references cannot be resolved instead of failing' -r
complete -c tkx -n "__fish_tkx_using_subcommand env" -l resolve-timeout -d 'How long the secret managers\' CLIs may take in all, e.g. `30s`, `2m`, `500ms` (default 30s, or `[refs] timeout` in .tkx.toml)' -r
complete -c tkx -n "__fish_tkx_using_subcommand env" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand env" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand env" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand env" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand env" -l json -d 'Print JSON'
complete -c tkx -n "__fish_tkx_using_subcommand env" -l reveal -d 'Show values unmasked'
complete -c tkx -n "__fish_tkx_using_subcommand env" -l all -d 'Also list variables that only the process environment defines'
complete -c tkx -n "__fish_tkx_using_subcommand env" -l export -d 'Print `export KEY=\'value\'` lines for `eval` in sh, bash and zsh (unmasked)'
complete -c tkx -n "__fish_tkx_using_subcommand env" -l resolve -d 'Resolve references to secret managers and show their values masked, with a fingerprint (--reveal and --export always resolve them)'
complete -c tkx -n "__fish_tkx_using_subcommand env" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand env" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand env" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand env" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand get" -l resolve-timeout -d 'How long the secret managers\' CLIs may take in all, e.g. `30s`, `2m`, `500ms` (default 30s, or `[refs] timeout` in .tkx.toml)' -r
complete -c tkx -n "__fish_tkx_using_subcommand get" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand get" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand get" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand get" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand get" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand get" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand get" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand get" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -l format -d 'Output format' -r -f -a "text\t'For people: `path:line: severity[rule]: message`'
json\t'One JSON object: `{"findings":[…],"summary":{…}}`'
sarif\t'SARIF 2.1.0, for code-scanning upload'
github\t'GitHub Actions workflow commands (`::error file=…,line=…::…`)'"
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -l fix -d 'Fix what is safe to fix: file modes (0600/0700) and .gitignore coverage'
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -l strict -d 'Fail (exit 1) on warnings too'
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -l online -d 'Also ask each secret manager\'s CLI whether it is logged in (`op whoami`, `vault token lookup`, `aws sts get-caller-identity`, `gcloud auth print-access-token`, `az account show`), for the managers the project\'s references use'
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand diff" -l example -d 'The example file to compare against (default: the project\'s .env.example)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand diff" -l format -d 'Output format' -r -f -a "text\t'A compact table'
json\t'One JSON object'"
complete -c tkx -n "__fish_tkx_using_subcommand diff" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand diff" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand diff" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand diff" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand diff" -l write-example -d 'Add the keys missing from the example to it, as `KEY=` with a comment'
complete -c tkx -n "__fish_tkx_using_subcommand diff" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand diff" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand diff" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand diff" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l history -d 'Scan the lines added by every commit in RANGE (default: all reachable commits)' -r
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l value-of -d 'With --history: search for the current value of one resolved key (the leaked-key audit)' -r
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l format -d 'Output format' -r -f -a "text\t'For people: `path:line: severity[rule]: message`'
json\t'One JSON object: `{"findings":[…],"summary":{…}}`'
sarif\t'SARIF 2.1.0, for code-scanning upload'
github\t'GitHub Actions workflow commands (`::error file=…,line=…::…`)'"
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l max-size -d 'Skip files larger than this many bytes, naming each on stderr (default: `max_file_size` in .tkx.toml, 256 MiB)' -r
complete -c tkx -n "__fish_tkx_using_subcommand scan" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand scan" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand scan" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l staged -d 'Scan what is staged for the next commit (the index, added lines only)'
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l no-ignore -d 'Also scan files that git ignores'
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l write-baseline -d 'Accept every current finding: write their fingerprints to .tkx-baseline.json'
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand scan" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand scan" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand scan" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "install" -d 'Install the pre-commit and pre-push hooks into this repository'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "uninstall" -d 'Remove tkx\'s hooks, restoring what was there before'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "status" -d 'Say which hooks are installed'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "run" -d 'What the hooks call: scan the staged changes (or the FILES given, for the pre-commit framework)'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -l chain -d 'Keep an existing hook and run it first'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -l force -d 'Replace an existing hook (a backup is kept)'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -l hook -d 'Which hook is running' -r -f -a "pre-commit\t'Before a commit is recorded'
pre-push\t'Before commits are pushed'"
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -l push-args -d 'For pre-push: the arguments git passed to the hook (remote name and URL)' -r
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install the pre-commit and pre-push hooks into this repository'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Remove tkx\'s hooks, restoring what was there before'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "status" -d 'Say which hooks are installed'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "run" -d 'What the hooks call: scan the staged changes (or the FILES given, for the pre-commit framework)'
complete -c tkx -n "__fish_tkx_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkx -n "__fish_tkx_using_subcommand set" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand set" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand set" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand set" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand set" -l user -d 'Write to the user file, $TKX_DIR/.env'
complete -c tkx -n "__fish_tkx_using_subcommand set" -l private -d 'Write to this project\'s private store, $TKX_DIR/projects/<id>/.env'
complete -c tkx -n "__fish_tkx_using_subcommand set" -l allow-empty -d 'Accept an empty value'
complete -c tkx -n "__fish_tkx_using_subcommand set" -l force -d 'Write even when the value looks wrong for the key (no confirmation prompt)'
complete -c tkx -n "__fish_tkx_using_subcommand set" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand set" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand set" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand set" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand unset" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand unset" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand unset" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand unset" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand unset" -l user -d 'Write to the user file, $TKX_DIR/.env'
complete -c tkx -n "__fish_tkx_using_subcommand unset" -l private -d 'Write to this project\'s private store, $TKX_DIR/projects/<id>/.env'
complete -c tkx -n "__fish_tkx_using_subcommand unset" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand unset" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand unset" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand unset" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand init" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand init" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand init" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand init" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand init" -l from-env -d 'Take the values from the process environment instead of prompting (CI bootstrap)'
complete -c tkx -n "__fish_tkx_using_subcommand init" -l force -d 'Overwrite an existing .env'
complete -c tkx -n "__fish_tkx_using_subcommand init" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand init" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand init" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand init" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -l user -d 'Write to the user file, $TKX_DIR/.env'
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -l private -d 'Write to this project\'s private store, $TKX_DIR/projects/<id>/.env'
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -l force -d 'Write even when the new value looks wrong for the key'
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand redact" -l style -d 'How to replace a secret' -r -f -a "mask\t'Its mask: `sk-p**********25xx`'
fingerprint\t'`[tkx:sha256:…]`'"
complete -c tkx -n "__fish_tkx_using_subcommand redact" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand redact" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand redact" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand redact" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand redact" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand redact" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand redact" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand redact" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand redact" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand move" -l to -d 'Move into a secret manager: `vault://mount/path` or `aws-sm://secret-name`. Each value is written through the manager\'s CLI (on stdin), read back, and replaced in .env by its reference (`vault://mount/path#KEY`)' -r
complete -c tkx -n "__fish_tkx_using_subcommand move" -l resolve-timeout -d 'How long the secret managers\' CLIs may take in all, e.g. `30s`, `2m`, `500ms` (default 30s, or `[refs] timeout` in .tkx.toml)' -r
complete -c tkx -n "__fish_tkx_using_subcommand move" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand move" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand move" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand move" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand move" -l secrets -d 'Move every key that looks secret (by name or value format); plain configuration stays'
complete -c tkx -n "__fish_tkx_using_subcommand move" -l private -d 'Move into this project\'s private store, $TKX_DIR/projects/<id>/.env (outside the tree)'
complete -c tkx -n "__fish_tkx_using_subcommand move" -l user -d 'Move into the user file, $TKX_DIR/.env (shared by all projects)'
complete -c tkx -n "__fish_tkx_using_subcommand move" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand move" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand move" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand move" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand move" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -f -a "install" -d 'Install the guard: deny rules and hooks for Claude Code, Cursor, Codex CLI and Gemini CLI, ignore files for others'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -f -a "uninstall" -d 'Remove exactly what `install` added'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -f -a "status" -d 'Say per host what is installed and what is missing'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -f -a "check" -d 'The hook handler the agents call: reads the host\'s JSON payload on stdin, answers in its protocol'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -f -a "run" -d 'Run an agent (or any command) in an OS sandbox where env files and the stores read as empty and secret variables are gone; `tkx exec` inside still works, its output masked'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -f -a "cover" -d 'Internal, run by `tkx agent run`: put covers back inside a running sandbox'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and not __fish_seen_subcommand_from install uninstall status check run cover help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -l host -d 'Which host' -r -f -a "claude\t'Claude Code'
cursor\t'Cursor'
codex\t'Codex CLI'
gemini\t'Gemini CLI'
copilot\t'GitHub Copilot (CLI, cloud agent, VS Code agent)'
opencode\t'opencode'
windsurf\t'Windsurf (from its documentation)'
all\t'Every host tkx knows (Claude Code and Cursor always; the others where the project, or with --user the home directory, shows signs of them)'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -l user -d 'Write the user-level settings (e.g. ~/.claude/settings.json) instead of the project\'s'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -l shared -d 'Claude Code: write the project\'s shared settings (.claude/settings.json, committed with the project) instead of your personal .claude/settings.local.json. Teammates without tkx are then told to install it, and their tool calls wait for it'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -l all -d 'Also write every agent ignore file (.geminiignore, .aiexclude, .aiderignore, …), not only those of agents the project shows signs of using'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -l os-sandbox -d 'Claude Code: also turn on its own OS sandbox for Bash (`sandbox.enabled`) and deny reading the env files, tkx\'s stores and `[agent] hide` there (`sandbox.filesystem.denyRead`). Also `[agent] os_sandbox = true` in .tkx.toml'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -l host -d 'Which host' -r -f -a "claude\t'Claude Code'
cursor\t'Cursor'
codex\t'Codex CLI'
gemini\t'Gemini CLI'
copilot\t'GitHub Copilot (CLI, cloud agent, VS Code agent)'
opencode\t'opencode'
windsurf\t'Windsurf (from its documentation)'
all\t'Every host tkx knows (Claude Code and Cursor always; the others where the project, or with --user the home directory, shows signs of them)'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -l user -d 'Write the user-level settings (e.g. ~/.claude/settings.json) instead of the project\'s'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -l shared -d 'Claude Code: write the project\'s shared settings (.claude/settings.json, committed with the project) instead of your personal .claude/settings.local.json. Teammates without tkx are then told to install it, and their tool calls wait for it'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -l all -d 'Also write every agent ignore file (.geminiignore, .aiexclude, .aiderignore, …), not only those of agents the project shows signs of using'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -l os-sandbox -d 'Claude Code: also turn on its own OS sandbox for Bash (`sandbox.enabled`) and deny reading the env files, tkx\'s stores and `[agent] hide` there (`sandbox.filesystem.denyRead`). Also `[agent] os_sandbox = true` in .tkx.toml'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -l host -d 'Which host' -r -f -a "claude\t'Claude Code'
cursor\t'Cursor'
codex\t'Codex CLI'
gemini\t'Gemini CLI'
copilot\t'GitHub Copilot (CLI, cloud agent, VS Code agent)'
opencode\t'opencode'
windsurf\t'Windsurf (from its documentation)'
all\t'Every host tkx knows (Claude Code and Cursor always; the others where the project, or with --user the home directory, shows signs of them)'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -l user -d 'Write the user-level settings (e.g. ~/.claude/settings.json) instead of the project\'s'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -l shared -d 'Claude Code: write the project\'s shared settings (.claude/settings.json, committed with the project) instead of your personal .claude/settings.local.json. Teammates without tkx are then told to install it, and their tool calls wait for it'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -l all -d 'Also write every agent ignore file (.geminiignore, .aiexclude, .aiderignore, …), not only those of agents the project shows signs of using'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -l os-sandbox -d 'Claude Code: also turn on its own OS sandbox for Bash (`sandbox.enabled`) and deny reading the env files, tkx\'s stores and `[agent] hide` there (`sandbox.filesystem.denyRead`). Also `[agent] os_sandbox = true` in .tkx.toml'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -l host -d 'The host whose protocol the payload and the answer follow' -r -f -a "claude\t'Claude Code'
cursor\t'Cursor'
codex\t'Codex CLI'
gemini\t'Gemini CLI'
copilot\t'GitHub Copilot (CLI, cloud agent, VS Code agent)'
opencode\t'opencode'
windsurf\t'Windsurf (from its documentation)'
all\t'Every host tkx knows (Claude Code and Cursor always; the others where the project, or with --user the home directory, shows signs of them)'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -l keep -d 'Keep this secret variable in the agent\'s environment (repeatable, or comma-separated)' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -l pid -d 'A process of the sandbox (its user and mount namespaces are entered)' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -l watch -d 'Watch the paths for the sandboxes of this `tkx agent run` process until it ends, covering them again when they are replaced' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -l over-file -d 'The empty file put over files' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -l over-dir -d 'The empty directory put over directories' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from cover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install the guard: deny rules and hooks for Claude Code, Cursor, Codex CLI and Gemini CLI, ignore files for others'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Remove exactly what `install` added'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "status" -d 'Say per host what is installed and what is missing'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "check" -d 'The hook handler the agents call: reads the host\'s JSON payload on stdin, answers in its protocol'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run an agent (or any command) in an OS sandbox where env files and the stores read as empty and secret variables are gone; `tkx exec` inside still works, its output masked'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "cover" -d 'Internal, run by `tkx agent run`: put covers back inside a running sandbox'
complete -c tkx -n "__fish_tkx_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkx -n "__fish_tkx_using_subcommand completions" -s C -d 'Act as if tkx had been started in DIR' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand completions" -s f -l file -d 'Load this env file instead of .env.<profile> and .env (repeatable; the first given wins)' -r -F
complete -c tkx -n "__fish_tkx_using_subcommand completions" -s p -l profile -d 'Also load .env.<NAME>, above .env' -r
complete -c tkx -n "__fish_tkx_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tkx -n "__fish_tkx_using_subcommand completions" -l no-user -d 'Skip the private store and the user file under $TKX_DIR'
complete -c tkx -n "__fish_tkx_using_subcommand completions" -l override -d 'Let values from files win over the process environment for this run'
complete -c tkx -n "__fish_tkx_using_subcommand completions" -s v -l verbose -d 'Say on stderr which files were read, in order, and which lines were skipped'
complete -c tkx -n "__fish_tkx_using_subcommand completions" -s q -l quiet -d 'Print no warnings'
complete -c tkx -n "__fish_tkx_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "exec" -d 'Run a command with the resolved environment'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "env" -d 'Show the resolved variables, masked, with their origin'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "get" -d 'Print one resolved value, unmasked (for scripts); exit 1 if unset'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "doctor" -d 'Check the project: permissions, .gitignore, tracked env files, syntax, .env.example drift, placeholders, key formats. Exits 1 on errors (CI)'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "diff" -d 'Compare the resolved project files with .env.example: missing, extra, empty and placeholder keys'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "scan" -d 'Find secrets in files, in the staged changes, or in git history'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "hook" -d 'Manage the git hooks that refuse commits and pushes carrying keys'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "set" -d 'Store a key: prompts without echo (or reads stdin), writes atomically with mode 0600'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "unset" -d 'Remove a key from an env file, keeping every other byte'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "init" -d 'Create .env from .env.example, prompting for each key'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "rotate" -d 'Replace a key with a new value and record the rotation (fingerprints only)'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "redact" -d 'Copy stdin to stdout with secrets masked (`kubectl logs … | tkx redact`)'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "move" -d 'Move keys out of the project\'s .env into the private store or the user file'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "agent" -d 'Guard env files from AI coding agents (Claude Code, Cursor, Codex CLI, Gemini CLI, and ignore files for others)'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c tkx -n "__fish_tkx_using_subcommand help; and not __fish_seen_subcommand_from exec env get doctor diff scan hook set unset init rotate redact move agent completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "install" -d 'Install the pre-commit and pre-push hooks into this repository'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "uninstall" -d 'Remove tkx\'s hooks, restoring what was there before'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "status" -d 'Say which hooks are installed'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "run" -d 'What the hooks call: scan the staged changes (or the FILES given, for the pre-commit framework)'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "install" -d 'Install the guard: deny rules and hooks for Claude Code, Cursor, Codex CLI and Gemini CLI, ignore files for others'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "uninstall" -d 'Remove exactly what `install` added'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "status" -d 'Say per host what is installed and what is missing'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "check" -d 'The hook handler the agents call: reads the host\'s JSON payload on stdin, answers in its protocol'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "run" -d 'Run an agent (or any command) in an OS sandbox where env files and the stores read as empty and secret variables are gone; `tkx exec` inside still works, its output masked'
complete -c tkx -n "__fish_tkx_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "cover" -d 'Internal, run by `tkx agent run`: put covers back inside a running sandbox'
