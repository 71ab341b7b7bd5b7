# Installs, with apt, the servers FlashSale runs on and is tested against (PostgreSQL, Redis, Prometheus and its
# Alertmanager, with promtool and amtool, and the PostgreSQL and Redis exporters), when they are missing.
# Debian's Prometheus, Alertmanager and exporter packages also enable system services of their own on the default
# ports where systemd runs; the AppHost starts its own copies on ports of each run and never uses those.
# Sourced by start.sh and test.sh. Nothing here builds or runs FlashSale itself.

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "Please run as root or install sudo: cannot run '$*'" >&2; return 1; fi
}

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || [ -n "${FLASHSALE_PG_BIN:-}" ]; }

# Any arguments are further Debian packages whose command has the package's name (test.sh and bench.sh: wrk).
install_prerequisites() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is needed (https://dotnet.microsoft.com/download); 'dotnet' is not on PATH." >&2
    return 1
  fi

  local missing=()
  have_postgres || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v prometheus-alertmanager >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  command -v prometheus-postgres-exporter >/dev/null 2>&1 || missing+=(prometheus-postgres-exporter)
  command -v prometheus-redis-exporter >/dev/null 2>&1 || missing+=(prometheus-redis-exporter)
  local extra
  for extra in "$@"; do command -v "$extra" >/dev/null 2>&1 || missing+=("$extra"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing ${missing[*]} with apt..."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}
