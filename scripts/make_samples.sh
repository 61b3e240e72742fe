#!/usr/bin/env bash
# Re-creates the demo's sample answers in mockint/samples/ (run from anywhere).
#
# The texts below were written for mockint; the voice is Festival's HTS voice
# cmu_us_slt_arctic_hts (Debian: festival festvox-us-slt-hts), which the bundled pocketsphinx
# recognizer follows far better than espeak-ng (see DESIGN.md). Each answer is synthesized,
# converted to 16 kHz mono with sox and stored as Ogg Vorbis (quality 3, about 4.5 KB/s) to keep
# the package small: FLAC was 17 KB/s, 2.1 MB for these four answers, and pocketsphinx gives
# the same words on both (checked when they were made).
# The file names give the order `--answers-from` feeds them in: answer, follow-up, answer, follow-up.
set -euo pipefail
cd "$(dirname "$0")/.."
out=mockint/samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hts_engine's speed 0.85: the voice's own pace is about 185 words a minute, faster than the
# 130-160 a candidate should aim for (the review would flag every sample too_fast).
SLOWER='(set! hts_engine_params (append hts_engine_params (list (list "-r" 0.85))))'

say() {  # say NAME TEXT
  printf '%s\n' "$2" > "$tmp/$1.txt"
  text2wave -eval '(voice_cmu_us_slt_arctic_hts)' -eval "$SLOWER" -o "$tmp/$1.raw.wav" "$tmp/$1.txt"
  sox "$tmp/$1.raw.wav" -r 16000 -c 1 -C 3 "$out/$1.ogg"
  cp "$tmp/$1.txt" "$out/$1.txt"
}

# 1. amazon-dive-deep-1, "Tell me about a time you dug into a problem to find its root cause."
#    A whole STAR answer with a measured result.
say 01-dive-deep-answer "Last year I was the back end engineer on our checkout team, and customers \
started to report that their payments failed about one time in twenty. I had to find the root \
cause before the holiday sales began, which gave me two weeks. First I pulled the logs for every \
failed payment, and I grouped them by region, by device, and by time of day. I noticed that the \
failures only happened when a request took longer than three seconds. Then I traced those slow \
requests, and I found that our retry logic sent the same payment twice, so the bank rejected the \
duplicate. I wrote a fix that made every retry reuse the same key, and I added a test and a \
dashboard so that we could watch the error rate. As a result, failed payments dropped from five \
percent to under half a percent, and we saved about forty thousand dollars a month in lost orders."

# 1b. The follow-up (the question's own probe: which hypotheses were ruled out).
say 02-dive-deep-follow-up "At first I suspected the new payment provider, so I compared its error \
rate with the old one, and they were the same. Then I checked whether one server was overloaded, \
but the failures were spread evenly across all of them. Only the timing pattern held up, so I \
followed it to the retry code."

# 2. amazon-customer-obsession-1, "Tell me about a time you went above and beyond for a customer."
#    Situation, task and actions, but no result: the interviewer should ask for the outcome.
say 03-customer-answer "Two years ago I worked in support for a small software company, and one \
of our biggest customers, a hospital, could not export their monthly reports. Their deadline for a \
state audit was only three days away, and my task was to get them a working export in time. I \
called their office manager that same afternoon to understand exactly which reports she needed. \
Then I worked late with one of our developers to write a script that pulled the data straight from \
the database. I tested every file against the audit format myself, and I drove to the hospital on \
Saturday morning to walk her through the files and answer her questions. Before I left, I wrote \
down every step of the export in a short guide for her team, and I went through it with her line by line."

# 2b. The follow-up answer: the outcome, measured.
say 04-customer-follow-up "As a result, the hospital passed the audit on time, and the office manager wrote to \
our chief executive to thank us. They renewed their contract for three more years, worth about one \
hundred and twenty thousand dollars, and we turned my script into a feature that cut export \
complaints by half."

ls -l "$out"
