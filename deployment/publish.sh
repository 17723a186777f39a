#!/usr/bin/env bash
# Publishes the bot for Linux x64, precompiled (ReadyToRun), framework-dependent: what the container image runs.
# Both the Dockerfile and CI (.ci/run) call this script, so CI builds exactly what the image ships.
# Usage: bash deployment/publish.sh <output directory>   (from the repository root)
set -euo pipefail
out="${1:?usage: publish.sh <output directory>}"
dotnet publish bot/Avrr.Bot/Avrr.Bot.csproj -c Release -r linux-x64 --self-contained false -p:DebugType=none -o "$out"
