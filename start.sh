#!/usr/bin/env bash
# Starts the whole FlashSale stack on this machine without Docker: PostgreSQL, Redis, two API replicas
# behind a proxy on http://127.0.0.1:8080, Prometheus (and Grafana when grafana-server is installed).
# Installs missing packages first. Options go to the launcher, e.g. ./start.sh --replicas 3 --clean
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
install_prerequisites

dotnet build FlashSale.Launcher -c Release -v quiet -nologo
exec dotnet FlashSale.Launcher/bin/Release/net10.0/FlashSale.Launcher.dll "$@"
