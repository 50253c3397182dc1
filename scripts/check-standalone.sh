#!/bin/sh
# Checks that the repository stands alone: no file refers to documents
# outside it (a `../shared` folder, design notes kept elsewhere) or to paths
# of a developer's machine. The wire contract lives in docs/protocol.md.
# Searches tracked files and new files not yet added (ignored ones aside).
set -eu
cd "$(dirname "$0")/.."

# SEED[_]DESIGN is written so that this line does not match itself.
pattern='\.\./shared|/work/|SEED[_]DESIGN|[Ss]eed design|[Tt]he seed|PROTOCOL\.md|/root/|/home/|/Users/'

# git grep exits 0 when something matches, 1 when nothing does (the passing
# case) and above 1 when it cannot search.
status=0
hits=$(git grep --untracked -nE "$pattern" -- . ':!*.lock' ':!*lock.json' \
    ':!scripts/check-standalone.sh') || status=$?
case $status in
    0)
        echo "references to files outside the repository or to machine paths:" >&2
        echo "$hits" >&2
        exit 1
        ;;
    1) echo "the repository stands alone: no outside references" ;;
    *)
        echo "check-standalone: git grep failed (status $status)" >&2
        exit "$status"
        ;;
esac
