# Sourced by the measuring scripts: $WORK is the folder they work in. Given by the caller, it is
# kept (reruns reuse what it holds); otherwise a temporary folder, removed when the script exits.
own_work=0
if [[ -z ${WORK:-} ]]; then
  WORK=$(mktemp -d)
  own_work=1
fi
remove_own_work() { if [[ $own_work == 1 ]]; then rm -rf "$WORK"; fi; }
trap remove_own_work EXIT
mkdir -p "$WORK"
