# Turns bench/run.sh's measurements ("threads|row|req/s|p50 us|p99 us|peak KiB|
# idle KiB", one line per wrk run) into its table, aligned and as markdown.
# Rows measured several times show their median (peak RSS: the largest).
# Plain POSIX awk (Debian's default is mawk: no asort).

function median(list, n,    v, i, j, x) {
  n = split(list, v, " ")
  for (i = 2; i <= n; i++) {  # insertion sort: a handful of values
    x = v[i] + 0
    for (j = i - 1; j >= 1 && v[j] + 0 > x; j--) v[j + 1] = v[j]
    v[j + 1] = x
  }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function mib(k) { return sprintf("%.1f MiB", k / 1024) }
function ms(u) { return sprintf("%.2f ms", u / 1000) }

{
  key = $1 SUBSEP $2
  if (!(key in rps)) { order[++count] = key; threads[count] = $1; row[count] = $2 }
  rps[key] = rps[key] " " $3; p50[key] = p50[key] " " $4; p99[key] = p99[key] " " $5
  if ($6 + 0 > peak[key] + 0) peak[key] = $6
  idle[key] = $7
  if ($2 == "floor") {
    if (!(key in lo) || $3 + 0 < lo[key]) lo[key] = $3 + 0
    if ($3 + 0 > hi[key]) hi[key] = $3 + 0
  }
}

END {
  want["ctx/leaderboard"] = 0.8; want["ctx/todos"] = 0.5; want["add_todo"] = 0.3
  for (i = 1; i <= count; i++) {
    k = order[i]; t = threads[i]
    r[i] = median(rps[k]); a[i] = median(p50[k]); b[i] = median(p99[k])
    base = median(rps[t SUBSEP "floor"])
    ratio[i] = sprintf("%.2f", r[i] / base)
    if (row[i] == "floor") {
      name[i] = "plaintext floor"; target[i] = "-"
      notes = notes sprintf("floor at %s thread(s): %d to %d req/s over %d runs%s\n", t, lo[k],
        hi[k], split(rps[k], tmp, " "), (hi[k] > 1.15 * lo[k] ? " -- busy machine: re-run" : ""))
    } else {
      name[i] = row[i]
      # Judged on the ratio as printed, so that the two never disagree.
      # Rows with a suffix (`add_todo@normal`) are comparisons: no target.
      if (row[i] in want)
        target[i] = sprintf(">= %.2f %s", want[row[i]], ratio[i] + 0 >= want[row[i]] ? "met" : "MISSED")
      else
        target[i] = "-"
      idle_note[t] = sprintf("application idle RSS at %s thread(s): %s, target < 20 MiB %s\n", t,
        mib(idle[k]), idle[k] < 20 * 1024 ? "met" : "MISSED")
    }
  }

  fmt = "%-7s  %-17s  %8s  %9s  %9s  %9s  %9s  %7s  %s\n"
  printf "\n" fmt, "threads", "row", "req/s", "p50", "p99", "peak RSS", "idle RSS", "x floor", "target"
  for (i = 1; i <= count; i++)
    printf fmt, threads[i], name[i], sprintf("%.0f", r[i]), ms(a[i]), ms(b[i]), mib(peak[order[i]]),
      mib(idle[order[i]]), ratio[i], target[i]
  printf "\n%s", notes
  for (i = 1; i <= count; i++)
    if (threads[i] in idle_note) { printf "%s", idle_note[threads[i]]; delete idle_note[threads[i]] }

  printf "\n| threads | row | req/s | p50 | p99 | peak RSS | idle RSS | × floor | target |\n"
  printf "|--:|---|--:|--:|--:|--:|--:|--:|---|\n"
  for (i = 1; i <= count; i++)
    printf "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n", threads[i], name[i], r[i], ms(a[i]),
      ms(b[i]), mib(peak[order[i]]), mib(idle[order[i]]), ratio[i], target[i]
}
