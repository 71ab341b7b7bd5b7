#!/usr/bin/env bash
# Starts the whole FlashSale stack through its Aspire AppHost: PostgreSQL, Redis, API replicas behind one address,
# Prometheus with Alertmanager and the servers' exporters, and Grafana, as containers where Docker or Podman answers, else as the programs installed here
# (installed with apt first when missing). Prints the Aspire dashboard's login link and every URL once all is
# healthy; Ctrl-C stops everything.
#   ./start.sh [--replicas N] [--port N] [--clean] [--data DIR] [--substrate auto|containers|executables] [AppHost settings...]
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

settings=()
substrate="${Stack__Substrate:-auto}"
data="${Stack__DataDirectory:-$PWD/.flashsale}"
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) settings+=("--Stack:Replicas=$2"); shift 2 ;;
    --port) settings+=("--Stack:Port=$2"); shift 2 ;;
    --data) data="$2"; settings+=("--Stack:DataDirectory=$2"); shift 2 ;;
    --clean) settings+=("--Stack:Clean=true"); shift ;;
    --substrate) substrate="$2"; settings+=("--Stack:Substrate=$2"); shift 2 ;;
    *) settings+=("$1"); shift ;;
  esac
done

# The AppHost refuses a data folder another one holds; checked here too, before the build can touch the
# binaries the running stack executes.
if [ -f "$data/flashsale.lock" ] && ! flock -n "$data/flashsale.lock" true; then
  echo "FlashSale is already running on $data ($(cat "$data/flashsale.owner" 2>/dev/null)); nothing was changed." >&2
  exit 2
fi

[ "$substrate" = "containers" ] || install_prerequisites
dotnet build FlashSale.AppHost -c Release -v quiet -nologo
exec dotnet run --project FlashSale.AppHost -c Release --no-build -- "${settings[@]}"
