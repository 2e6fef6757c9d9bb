#!/usr/bin/env bash
# The system packages the tests need, installed with apt-get where they are missing (the
# README's test command runs this first; on a machine without apt-get it only says what
# it could not check). Qt's offscreen platform needs a few shared libraries, the TLS fault
# tests the openssl command, the interop tests Node.js and npm, the demo cluster's tests
# redis-server (they start it themselves on a free loopback port).
set -uo pipefail
command -v apt-get >/dev/null 2>&1 || { echo "no apt-get here: install by hand if tests cannot start: Qt's libEGL/libGL/libxkbcommon/fontconfig, openssl, Node.js and npm, redis-server"; exit 0; }
missing=()
for pkg in libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core openssl redis-server; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}") \
    || echo "warning: could not install ${missing[*]}"
exit 0
