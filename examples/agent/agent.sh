#!/bin/sh
# A stand-in for an LLM agent: it reads its configuration from the environment,
# the way `tkx exec -- python agent.py` hands it over, and never prints the key.
set -eu
: "${OPENAI_PAT:?OPENAI_PAT is not set}"
echo "agent: model=${DEFAULT_MODEL} endpoint=${COMPLETIONS_URL}"
echo "agent: OPENAI_PAT is set (${#OPENAI_PAT} characters, not printed)"
