#!/usr/bin/env bash
# Installs the system packages jixiao needs (CJK fonts, LibreOffice headless, poppler-utils, and Chromium
# for the dashboard's browser test) from Debian's archive when they are missing. As root it installs them;
# otherwise it says what to install.
set -euo pipefail

need=()
fc-list :lang=zh 2>/dev/null | grep -qi . || need+=(fonts-wqy-microhei fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# tests/test_dashboard.py drives Debian's build through Playwright (no browser download at run time)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "jixiao: missing system packages: ${need[*]}" >&2
    echo "jixiao: 缺少系统软件包，请以 root 身份安装：apt-get install -y ${need[*]}" >&2
    exit 0
fi

echo "jixiao: installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
fc-cache -f >/dev/null 2>&1 || true
