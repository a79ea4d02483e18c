#!/usr/bin/env bash
# Refreshes the dashboard's vendored ECharts (Apache-2.0) from the npm registry: the common build
# (bar, line, pie, scatter; 650 KB) with its LICENSE and NOTICE, into src/jixiao/review/static/vendor/.
# Run by hand when upgrading; the file is committed so that a review needs neither npm nor a network.
set -euo pipefail
version="${1:-5.6.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/src/jixiao/review/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$version" >/dev/null && tar xzf "echarts-$version.tgz")
cp "$work/package/dist/echarts.common.min.js" "$vendor/echarts.common.min.js"
cp "$work/package/LICENSE" "$vendor/ECHARTS-LICENSE"
cp "$work/package/NOTICE" "$vendor/ECHARTS-NOTICE"
cp "$work/package/licenses/LICENSE-d3" "$vendor/ECHARTS-LICENSE-d3"
sed -i "s/^- version: .*/- version: $version/; s/^- sha256 of echarts.common.min.js: .*/- sha256 of echarts.common.min.js: $(sha256sum "$vendor/echarts.common.min.js" | cut -d' ' -f1)/" "$vendor/README.md"
echo "echarts $version → $vendor"
