#!/usr/bin/env bash
# Runs a doc's shell examples as written (the ```sh blocks after HEADING, up to the
# next "## " heading), with "build/" standing for the build folder, and checks that
# every "#> " line of a block is a line of what the block printed (blanks squeezed).
#    run_doc_examples.sh DOC.md "HEADING" BUILD_DIR
set -euo pipefail
doc=$1 heading=$2 build=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk -v h="$heading" '
  $0 == h { on = 1; next }
  on && /^## / { on = 0 }
  on && /^```sh$/ { n++; inside = 1; next }
  on && inside && /^```$/ { inside = 0; next }
  on && inside { print > (dir "/block-" n ".sh") }
' dir="$work" "$doc"
ls "$work"/block-*.sh >/dev/null 2>&1 || { echo "no sh block under \"$heading\" in $doc" >&2; exit 1; }

squeeze() { sed -E 's/[[:space:]]+/ /g; s/^ //; s/ $//'; }
failed=0
for block in $(ls "$work"/block-*.sh | sort -V); do
  # The blocks share one shell's variables, in order: each is appended to the last.
  { grep -v '^#> ' "$block" | sed "s#build/#$build/#g"; } >> "$work/script.sh"
  echo "echo '@@end-of-block'" >> "$work/script.sh"
done
echo "--- running $doc, \"$heading\""
if ! bash -euo pipefail "$work/script.sh" > "$work/out" 2>&1; then
  cat "$work/out"
  echo "the example failed: its output is above" >&2
  exit 1
fi
cat "$work/out"
squeeze < "$work/out" > "$work/out.squeezed"
for block in $(ls "$work"/block-*.sh | sort -V); do
  while IFS= read -r want; do
    want=$(printf '%s' "${want#\#> }" | squeeze)
    if ! grep -qxF -- "$want" "$work/out.squeezed"; then
      echo "not printed: $want" >&2
      failed=1
    fi
  done < <(grep '^#> ' "$block" || true)
done
exit $failed
