# Sourced by the az contract tests: serves the lab over HTTPS and signs Debian's azure-cli
# in to it as the lab's service principal. What it takes (README, "A real Azure client
# against the lab"):
# - HTTPS: az refuses bearer tokens on plain http; the lab's CA is trusted through
#   REQUESTS_CA_BUNDLE.
# - The cloud is registered from the lab's connection line (az cloud show field names),
#   with the authority at {activeDirectory}/adfs: MSAL then treats the lab as an AD FS
#   authority and reads its OpenID configuration from the lab instead of asking
#   login.microsoftonline.com for instance discovery.
# - az keeps its configuration in a throwaway AZURE_CONFIG_DIR, sends no telemetry, and
#   any request to a host other than 127.0.0.1 would go to a dead proxy on loopback.
#
# The caller sets `bin` (the dftriage binary) first. After `az_lab_start [SERVE ARGS...]`:
# $work (removed on exit), $line (the connection JSON), $sub, and az_ (az with -o json,
# its stderr kept in $work/az.err); fail counts into $failures.

skip() { echo "SKIPPED: $*"; exit 77; }
command -v az >/dev/null || skip "az is not installed (apt-get install azure-cli)"
command -v jq >/dev/null || skip "jq is not installed"

work=$(mktemp -d)
lab_pid=
trap '[ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
az_() { az "$@" -o json 2>>"$work/az.err"; }

az_lab_start() {
  "$bin" lab serve --https --state-dir "$work/lab" --record "$work/traffic.ndjson" "$@" \
    >"$work/lab.json" 2>"$work/lab.err" &
  lab_pid=$!
  for _ in $(seq 100); do [ -s "$work/lab.json" ] && break; sleep 0.1; done
  line=$(head -1 "$work/lab.json")
  [ -n "$line" ] || { cat "$work/lab.err"; echo "FAIL: the lab did not start"; exit 1; }

  export AZURE_CONFIG_DIR="$work/az" AZURE_CORE_COLLECT_TELEMETRY=false AZURE_CORE_NO_COLOR=true
  export REQUESTS_CA_BUNDLE=$(jq -r .caCertificate <<<"$line")
  export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost
  local authority
  authority=$(jq -r .cloud.endpoints.activeDirectory <<<"$line")
  jq --arg ad "$authority/adfs" '.cloud | del(.name) | .endpoints.activeDirectory = $ad' \
    <<<"$line" >"$work/cloud.json"
  sub=$(jq -r .subscriptionId <<<"$line")

  az_ cloud register -n DftriageLab --cloud-config @"$work/cloud.json" >/dev/null || fail "az cloud register"
  az_ cloud set -n DftriageLab >/dev/null || fail "az cloud set"
  # The lab's throwaway service principal; its secret exists only for this lab's life.
  local login
  login=$(az_ login --service-principal -u "$(jq -r .clientId <<<"$line")" \
    -p "$(jq -r .clientSecret <<<"$line")" --tenant "$(jq -r .tenantId <<<"$line")")
  [ "$(jq -r '.[0].id' <<<"$login")" = "$sub" ] || fail "az login: expected subscription $sub, got: $login"
}

# Fails when a recorded request went anywhere but the lab.
az_lab_check_traffic() {
  if jq -r .liveRequest.url "$work/traffic.ndjson" | grep -v '^https://127\.0\.0\.1:' | grep -q .; then
    fail "a recorded request went elsewhere"
  fi
  echo "az sent $(wc -l <"$work/traffic.ndjson") requests to the lab"
}

# Exits 1 after az's last words when anything failed.
az_lab_finish() {
  if [ "$failures" -gt 0 ]; then
    echo "--- az stderr ---"; tail -40 "$work/az.err"
    exit 1
  fi
}
