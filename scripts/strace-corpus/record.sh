#!/usr/bin/env bash
# Records the fdlab strace corpus: real programs and small C probes run under `strace -f`, in a
# scratch folder, then scrubbed and copied to test/fixtures/strace/.
#
#   scripts/strace-corpus/record.sh [OUTDIR]     (default: test/fixtures/strace)
#   ONLY="locks pidns" scripts/strace-corpus/record.sh   (only those probes, other logs kept)
#
# Needs strace, gcc, make, tar, gzip, python3, perl. Not part of `npm test`: the logs it writes
# are committed, and test/strace/conformance.test.ts replays them. Re-run it on purpose (the
# logs change with the kernel, libc and tool versions) and review the diff like code.
#
# Scrubbing: the scratch folder becomes /tmp/fdlab-corpus, the recorder's home folder /home/user,
# and the host name "host"; nothing else of this machine should remain (the script checks for
# the home folder, the repository's location, the host and user names).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/test/fixtures/strace}
mkdir -p "$out"

work=$(mktemp -d /tmp/fdlab-rec.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/run" "$work/home" "$work/logs"
host=$(uname -n)
home_dir=${HOME:-/nonexistent}

# A clean environment: no inherited fds above 2, a fixed PATH, no locale or home of this machine.
run_clean() {
  (
    for p in /proc/self/fd/*; do
      n=${p##*/}
      case $n in 0|1|2) ;; *) eval "exec $n>&-" 2>/dev/null || true ;; esac
    done
    cd "$work/run"
    exec env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C TERM=dumb "$@" </dev/null >"$work/run/stdout" 2>"$work/run/stderr"
  )
}

# trace NAME [strace options...] -- command...
trace() {
  local name=$1; shift
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  run_clean strace "${opts[@]}" -o "$work/logs/$name.log" "$@" || true
  echo "recorded $name"
}

# --- probes -------------------------------------------------------------------------------
for c in "$here"/probes/*.c; do
  n=$(basename "$c" .c)
  gcc -O0 -Wall -pthread -o "$work/bin/$n" "$c"
done
cd "$work/run"
# probes recorded in a special way
special=" emfile_pair killed_entry "
only=${ONLY:-}
for c in "$here"/probes/*.c; do
  n=$(basename "$c" .c)
  if [ -n "$only" ] && [[ " $only " != *" $n "* ]]; then continue; fi
  [[ "$special" == *" $n "* ]] || trace "probe-$n" -f -- "$work/bin/$n"
done
want() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }
# RLIMIT_NOFILE set before strace starts: the log never shows it
if want emfile_pair; then
  run_clean sh -c "ulimit -n 8; exec strace -f -o \"$work/logs/probe-emfile_pair.log\" \"$work/bin/emfile_pair\"" || true
  echo "recorded probe-emfile_pair"
fi
# a thread killed at syscall entry is a race: retry until strace shows one (`???( <unfinished ...>`)
if want killed_entry; then
  for try in $(seq 1 30); do
    trace "probe-killed_entry" -f -- "$work/bin/killed_entry" >/dev/null
    if grep -q '???(' "$work/logs/probe-killed_entry.log"; then break; fi
  done
  echo "recorded probe-killed_entry (try $try)"
fi
if [ -z "$only" ]; then
# the same probes in other output formats
trace "probe-threads.yy-ttT" -f -yy -tt -T -- "$work/bin/threads"
trace "probe-fd_kinds.yy" -f -yy -- "$work/bin/fd_kinds"
trace "probe-exec_thread.comm" -f --decode-pids=comm -- "$work/bin/exec_thread"
trace "probe-clone_files.ttt" -f -ttt -- "$work/bin/clone_files"
trace "probe-dup_family.r" -r -- "$work/bin/dup_family"
# strace writing to its stderr: `[pid N]` prefixes only while several processes are traced
run_clean sh -c "strace -f \"$work/bin/fork_files\" 2>\"$work/logs/probe-fork_files.stderr.log\"" || true
echo "recorded probe-fork_files.stderr"
# -ff: one file per thread, replayed as one run with `fdlab replay --ff PREFIX`
mkdir -p "$work/logs/ff-threads" "$work/logs/ff-pipeline"
run_clean strace -ff -tt -T -o "$work/logs/ff-threads/trace" "$work/bin/threads" || true
run_clean strace -ff -o "$work/logs/ff-pipeline/trace" sh -c 'ls -1 /usr | sort -r | head -3 > out' || true
# without timestamps the threads' interleaving is unknown: disagreements are undecided
mkdir -p "$work/logs/ff-untimed-threads"
run_clean strace -ff -o "$work/logs/ff-untimed-threads/trace" "$work/bin/threads" || true
echo "recorded ff-threads ff-pipeline ff-untimed-threads"

# --- real programs ----------------------------------------------------------------------------
cat > "$work/run/hello.c" <<'EOF'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
EOF
cat > "$work/run/Makefile" <<'EOF'
all: a.txt b.txt c.txt
	cat a.txt b.txt c.txt > all.txt
%.txt:
	echo $@ | tr a-z A-Z > $@
clean:
	rm -f a.txt b.txt c.txt all.txt
EOF
mkdir -p "$work/run/tree/sub"
for i in 1 2 3; do echo "file $i" > "$work/run/tree/f$i"; echo "sub $i" > "$work/run/tree/sub/s$i"; done
cat > "$work/run/threads.py" <<'EOF'
import os, subprocess, threading
def work(n):
    for _ in range(5):
        with open("tree/f1") as f:
            f.read()
ts = [threading.Thread(target=work, args=(i,)) for i in range(3)]
for t in ts: t.start()
for t in ts: t.join()
r, w = os.pipe()
os.write(w, b"x"); os.close(w); os.read(r, 1); os.close(r)
subprocess.run(["sort", "tree/f1", "tree/f2"], stdout=subprocess.PIPE, check=True)
p = subprocess.Popen("ls tree | wc -l", shell=True, stdout=subprocess.PIPE)
p.communicate()
EOF

trace sh-pipeline -f -- sh -c 'cat tree/f1 tree/f2 | sort | uniq -c > out 2>&1; wc -l < out; ls nonexistent 2>/dev/null || true'
# inherited fds 7 and 10 (dash keeps its own fds at 10 and up: F_DUPFD from 10 skips the inherited one)
run_clean bash -c "exec 7>\"$work/run/seven\" 10</dev/null; exec strace -f -o \"$work/logs/sh-inherited.log\" sh -c 'echo a >&7; cat </dev/null >out; exec 3<&0; echo b 2>&1 >&3'" || true
echo "recorded sh-inherited"
trace bash-redirs -f -- bash -c 'exec 3>redir.txt; echo one >&3; exec 3>&-; { echo a; echo b >&2; } 2>&1 | cat >/dev/null; diff <(ls tree) <(ls tree/sub) >/dev/null; cat <<EOT >heredoc.txt
x
EOT
(sleep 0.01 &) ; wait; read l < heredoc.txt; echo "$l" > /dev/null'
trace bash-yy -f -yy -- bash -c 'exec 4<tree/f1 5>&1; cat <&4 >&5; exec 4<&- 5>&-; echo x | tr x y >/dev/null'
trace gcc -f -- gcc -O0 -o hello hello.c
trace make-j2 -f -- make -j2 -s
trace tar-gz -f -- sh -c 'tar czf tree.tgz tree && mkdir -p x && tar xzf tree.tgz -C x'
trace python-threads -f -- /usr/bin/python3 -S -E threads.py
trace perl-fork -f -- perl -e 'open(my $fh, "-|", "echo", "hi") or die; my @l = <$fh>; close $fh; pipe(my $r, my $w); my $pid = fork(); if ($pid == 0) { close $r; print $w "x"; exit 0 } close $w; my $x = <$r>; waitpid($pid, 0); open(my $o, ">", "perl.out"); print $o $x; close $o;'
trace find-xargs -f -- sh -c 'find tree -type f | xargs wc -l > /dev/null'
trace comm-pipeline -f --decode-pids=comm -tt -- sh -c 'ls tree | grep f | wc -l'
trace stderr-killed -f -- sh -c 'sleep 5 & kill -9 $!; wait; true'
cat > "$work/run/mp.py" <<'EOF'
import multiprocessing as mp, concurrent.futures as cf
def sq(x): return x * x
if __name__ == "__main__":
    with mp.get_context("forkserver").Pool(2) as p:
        p.map(sq, range(4))
    with cf.ThreadPoolExecutor(3) as ex:
        list(ex.map(lambda i: open("tree/f1").read(), range(6)))
EOF
trace python-multiprocessing -f -- /usr/bin/python3 -S -E mp.py
if command -v node >/dev/null; then
  trace node-libuv -f -- node -e "const fs = require('fs'); fs.readFileSync('tree/f1'); require('child_process').execSync('ls tree | wc -l'); fs.promises.readFile('tree/f2').then(() => {})"
fi
seq 1 200000 > "$work/run/numbers"
trace xz-threads -f -- sh -c 'xz -T2 -k -f numbers && xz -d -c numbers.xz | sort -r --parallel=2 -S 1M | head -1'
trace git-commit -f -- sh -c 'git init -q repo && cd repo && echo x > a && git add a && git -c user.name=u -c user.email=u@example.invalid commit -qm m && git log --oneline | cat'
trace awk-pipes -f -- awk 'BEGIN { print "b\na" | "sort"; close("sort"); while (("ls tree" | getline l) > 0) n++ }'
trace bash-coproc -f -- bash -c 'coproc cat; echo hi >&${COPROC[1]}; exec {COPROC[1]}>&-; read l <&${COPROC[0]}; wait'
trace perl-socket -f -- perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0") or die; my $p = $s->sockport; if (fork() == 0) { my $c = IO::Socket::INET->new("127.0.0.1:$p"); print $c "hi\n"; exit } my $a = $s->accept; my $l = <$a>; wait'
trace openssl-pipe -f -- sh -c 'openssl genrsa 512 2>/dev/null | openssl rsa -pubout >/dev/null 2>&1'
# filtered logs: checks that unseen calls could change are unchecked
trace filtered-file-desc -f -e trace=%file,%desc -- sh -c 'cat tree/f1 | wc -l'
trace filtered-open-close -f -e trace=openat,close,dup2 -- sh -c 'cat tree/f1 | wc -l'
trace cp-mv -f -- sh -c 'cp -r tree tree2 && mv tree2 tree3 && rm -r tree3'
fi # not ONLY

# --- scrub and copy ---------------------------------------------------------------------------
scrub() {
  sed -e "s#$work#/tmp/fdlab-corpus#g" \
      -e "s#$home_dir\\b#/home/user#g" \
      -e "s#nodename=\"$host\"#nodename=\"host\"#g" \
      -e "s#\"$host\\\\n\"#\"host\\\\n\"#g" \
      -e "s#\"$host\"#\"host\"#g" "$1"
}
[ -n "$only" ] || rm -rf "$out"/*.log "$out"/ff-*
for f in "$work"/logs/*.log; do scrub "$f" > "$out/$(basename "$f")"; done
for d in "$work"/logs/ff-*; do
  [ -d "$d" ] || continue
  n=$(basename "$d")
  mkdir -p "$out/$n"
  for f in "$d"/*; do scrub "$f" > "$out/$n/$(basename "$f")"; done
done

# nothing of this machine may remain
bad=0
for pat in "$work" "/tmp/fdlab-rec" "$home_dir/" "$repo" "nodename=\"$host\"" "$(id -un)@"; do
  if grep -rlF -- "$pat" "$out" >/dev/null 2>&1; then echo "scrub failed: '$pat' remains" >&2; bad=1; fi
done
du -sh "$out"
exit $bad
