#!/bin/sh
# Locks a dedicated cryptopos box down: the console shows cryptopos and
# nothing else. Run as root once, after installing cryptopos.service (see
# docs/raspberry-pi.md), then reboot. Each step is idempotent; the script says
# what it changes. Undo: see the end of this file.
#
#   sudo sh contrib/systemd/lockdown.sh            # everything
#   sudo sh contrib/systemd/lockdown.sh --dry-run  # print what it would do
#
# What it does:
#   1. ctrl-alt-del does nothing: ctrl-alt-del.target masked, and the "press
#      it 7 times in 2 s to force a reboot" burst action turned off.
#   2. No other consoles: logind starts no gettys on other VTs
#      (NAutoVTs=0, ReserveVT=0), getty@tty2..6 masked, kbrequest.target
#      (Alt+ArrowUp spawns a console) masked, and the keyboard's console
#      switching keys (Alt+F1..F12, Alt+arrows) removed from the keymap at boot
#      (cryptopos-novtswitch.service, needs kbd's loadkeys/dumpkeys).
#   3. No console blanking: consoleblank=0 on the kernel command line (the
#      unit also runs setterm --blank 0 before each start).
#   4. No magic SysRq key (kernel.sysrq = 0).
# Not done here: the console font (dpkg-reconfigure console-setup, see the
# doc) and a serial console, if you enabled one (systemctl mask
# serial-getty@ttyS0.service / serial-getty@ttyAMA0.service).
set -eu

DRY=0
[ "${1:-}" = "--dry-run" ] && DRY=1
run() {
  echo "+ $*"
  [ "$DRY" = 1 ] || "$@"
}
# put FILE: writes stdin to FILE (0644), saying so.
put() {
  content=$(cat)
  if [ -f "$1" ] && [ "$(cat "$1")" = "$content" ]; then
    echo "= $1 (unchanged)"
    return
  fi
  echo "+ write $1"
  printf '%s\n' "$content" | sed 's/^/    /'
  if [ "$DRY" = 0 ]; then
    mkdir -p "$(dirname "$1")"
    printf '%s\n' "$content" >"$1"
    chmod 0644 "$1"
  fi
}

if [ "$DRY" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "lockdown.sh: run as root (sudo sh $0)" >&2
  exit 1
fi

echo "== 1. ctrl-alt-del"
run systemctl mask ctrl-alt-del.target
put /etc/systemd/system.conf.d/cryptopos-kiosk.conf <<'EOF'
# cryptopos kiosk: ctrl-alt-del pressed 7 times within 2 s would force a
# reboot even with ctrl-alt-del.target masked.
[Manager]
CtrlAltDelBurstAction=none
EOF

echo "== 2. no other consoles"
put /etc/systemd/logind.conf.d/cryptopos-kiosk.conf <<'EOF'
# cryptopos kiosk: no login prompts on other VTs, none kept in reserve.
[Login]
NAutoVTs=0
ReserveVT=0
EOF
for n in 2 3 4 5 6; do
  run systemctl mask "getty@tty$n.service" "autovt@tty$n.service"
done
run systemctl mask kbrequest.target
put /etc/systemd/system/cryptopos-novtswitch.service <<'EOF'
# cryptopos kiosk: removes the console switching keys (Alt+F1..F12,
# Alt+Left/Right, Alt+PrintScreen, Alt+ArrowUp) from the keyboard map, so
# that nobody leaves the cryptopos console by accident. Runs after
# console-setup has loaded the normal keymap; undone by
# `systemctl disable cryptopos-novtswitch && setupcon` (or a reboot).
[Unit]
Description=Remove the console switching keys (cryptopos kiosk)
After=console-setup.service keyboard-setup.service systemd-vconsole-setup.service
Before=cryptopos.service
ConditionPathExists=/dev/tty1

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'dumpkeys --keys-only | sed -E "s/(Incr_Console|Decr_Console|Last_Console|Spawn_Console|Console_[0-9]+)/VoidSymbol/g" | loadkeys'

[Install]
WantedBy=multi-user.target
EOF
if command -v loadkeys >/dev/null 2>&1 && command -v dumpkeys >/dev/null 2>&1; then
  run systemctl daemon-reload
  run systemctl enable cryptopos-novtswitch.service
else
  echo "!  loadkeys/dumpkeys missing (apt-get install kbd): console switching keys left as they are"
fi

echo "== 3. no console blanking"
cmdline=""
for f in /boot/firmware/cmdline.txt /boot/cmdline.txt; do
  if [ -f "$f" ]; then cmdline=$f; break; fi
done
if [ -z "$cmdline" ]; then
  echo "!  no /boot/firmware/cmdline.txt or /boot/cmdline.txt (not a Raspberry Pi?):"
  echo "   add consoleblank=0 to the kernel command line yourself, e.g. GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub"
elif grep -qw 'consoleblank=0' "$cmdline"; then
  echo "= $cmdline already has consoleblank=0"
else
  # cmdline.txt is one line; the parameter goes at its end.
  run cp "$cmdline" "$cmdline.before-cryptopos"
  echo "+ append consoleblank=0 to $cmdline"
  [ "$DRY" = 1 ] || sed -i -E '1 s/[[:space:]]*$/ consoleblank=0/' "$cmdline"
fi

echo "== 4. no magic SysRq"
put /etc/sysctl.d/90-cryptopos-kiosk.conf <<'EOF'
# cryptopos kiosk: the magic SysRq key is off.
kernel.sysrq = 0
EOF
run sysctl -q -w kernel.sysrq=0

echo "== done; reboot to apply everything (sudo reboot)"

# Undo:
#   systemctl unmask ctrl-alt-del.target kbrequest.target getty@tty{2..6}.service autovt@tty{2..6}.service
#   systemctl disable cryptopos-novtswitch.service
#   rm /etc/systemd/system.conf.d/cryptopos-kiosk.conf /etc/systemd/logind.conf.d/cryptopos-kiosk.conf \
#      /etc/systemd/system/cryptopos-novtswitch.service /etc/sysctl.d/90-cryptopos-kiosk.conf
#   remove consoleblank=0 from cmdline.txt (the original is cmdline.txt.before-cryptopos)
#   systemctl daemon-reload; reboot
