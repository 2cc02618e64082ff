#!/usr/bin/env bash
# Renders every view of the desktop application to PNG files, for review:
#   scripts/screenshot.sh [OUT_DIR] [PLAN.json]
# OUT_DIR (default /tmp/scaleplan-screenshots) gets
#   light/   the window with each tab (window-NN-*.png) and each plot alone (plot-NN-*.png), 1600x1000;
#            then with data: the example runs imported and fitted (window-06b-import-fit-with-fit.png,
#            window-07b-fit-view-with-fit.png) and a quick CPU benchmark with the GEMMs of a small
#            Llama 2 7B step (window-09b-*.png)
#   dark/    the same in the dark theme
#   scale2/  the same at 200% scaling (QT_SCALE_FACTOR=2 on a 3200x2000 screen)
#   real-window.png   a capture of the X screen (imagemagick `import -window root`) with the app running
# Runs under Xvfb (xvfb-run), with private settings so the shots do not depend on the user's.
# The executable: $SCALEPLAN_GUI, else the first of build/{release,dev,h-gui-rel,h-gui}/app/gui/scaleplan.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/scaleplan-screenshots}
plan=()
if [[ $# -ge 2 ]]; then plan=("$(realpath "$2")"); fi
bin=${SCALEPLAN_GUI:-}
if [[ -z "$bin" ]]; then
  for candidate in build/release build/dev build/h-gui-rel build/h-gui; do
    if [[ -x "$candidate/app/gui/scaleplan" ]]; then bin=$candidate/app/gui/scaleplan; break; fi
  done
fi
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "screenshot.sh: no scaleplan executable found; build it first (scripts/build release)" >&2
  exit 1
fi
for tool in xvfb-run import; do
  command -v "$tool" >/dev/null || { echo "screenshot.sh: '$tool' is missing (apt-get install xvfb imagemagick)" >&2; exit 1; }
done
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
export SCALEPLAN_CONFIG_DIR=$config
mkdir -p "$out"

shoot() {  # shoot SCREEN SUBDIR [app options...]
  local screen=$1 dir=$2
  shift 2
  rm -rf "${out:?}/$dir"
  xvfb-run -a -s "-screen 0 ${screen}x24" "$bin" --screenshot "$out/$dir" "$@" "${plan[@]}" >/dev/null
  echo "$out/$dir: $(ls "$out/$dir" | wc -l) images"
}
shoot 1600x1000 light
shoot 1600x1000 dark --dark
QT_SCALE_FACTOR=2 shoot 3200x2000 scale2

# A real window on an X server, captured from the screen.
xvfb-run -a -s '-screen 0 1600x1000x24' bash -c '
  "$1" "${@:3}" & pid=$!
  sleep 4
  import -window root "$2"
  kill "$pid"; wait "$pid" 2>/dev/null || true' _ "$bin" "$out/real-window.png" "${plan[@]}"
echo "$out/real-window.png"
