// The practice room: the page is the interviewer's voice and the candidate's microphone for
// the session engine on the server (mockint/web/room.py lists the messages).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const form = $('setup'), room = $('room'), status = $('status'), question = $('question');
  const record = $('record'), retake = $('retake'), skip = $('skip'), quit = $('quit');
  const timer = $('timer'), level = $('level'), words = $('words'), reviews = $('reviews');
  const notices = $('notices'), progress = $('progress'), done = $('done');
  let ws = null, ctx = null, node = null, stream = null;
  let sent = 0, takeSent = 0; // samples sent in all, and in the take being recorded
  let listening = false, pendingStop = null, limit = 0, sessionId = null, finished = false;

  function setStatus(text) { status.textContent = text; }
  function fmt(s) { s = Math.max(0, Math.floor(s)); return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0'); }
  function send(obj) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj)); }
  function buttons(on) {
    for (const b of [record, retake, skip, quit]) b.disabled = !on;
    record.classList.toggle('on', on);
    record.textContent = on ? 'End answer' : 'Wait…';
  }
  function notice(text, cls) {
    const p = document.createElement('p');
    p.className = cls || 'notice';
    p.textContent = text;
    notices.appendChild(p);
  }

  async function openMicrophone() {
    // 'playback': a larger render buffer, so a busy machine does not drop microphone audio;
    // 16 kHz: the browser resamples the microphone (far cleaner than the worklet's fallback)
    ctx = new AudioContext({ latencyHint: 'playback', sampleRate: 16000 });
    stream = await navigator.mediaDevices.getUserMedia({
      // Raw, as the terminal records it: the question is never played while the answer is recorded.
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    await ctx.audioWorklet.addModule('/static/capture-worklet.js');
    node = new AudioWorkletNode(ctx, 'mockint-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1 });
    const mute = ctx.createGain();
    mute.gain.value = 0; // the graph must reach the destination to run; nothing is heard
    ctx.createMediaStreamSource(stream).connect(node);
    node.connect(mute).connect(ctx.destination);
    node.port.onmessage = (e) => {
      if (listening && e.data.pcm.byteLength && ws && ws.readyState === WebSocket.OPEN) {
        ws.send(e.data.pcm);
        sent += e.data.pcm.byteLength / 2;
        takeSent += e.data.pcm.byteLength / 2;
        document.documentElement.dataset.sentSamples = String(sent); // for benchmarks/bench_web.py
        document.documentElement.dataset.takeSentSamples = String(takeSent);
      }
      if (e.data.flushed && pendingStop) {
        listening = false; // everything captured before the key went first; nothing after it
        send({ type: 'stop', key: pendingStop });
        pendingStop = null;
      }
    };
  }

  function stop(key) {
    if (!listening || pendingStop) return;
    pendingStop = key;
    document.documentElement.dataset.stoppedMs = String(performance.now());
    node.port.postMessage('flush'); // the last few ms of audio go first, then the stop
    buttons(false);
    setStatus(key === 'enter' ? 'Answer ended — reviewing…' : 'One moment…');
  }

  function beep(kind) {
    if (!ctx) return;
    const tones = kind === 'times_up' ? [[880, 0.15], [880, 0.15], [660, 0.3]] : [[660, 0.12]];
    let t = ctx.currentTime;
    for (const [freq, secs] of tones) {
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + secs);
      t += secs + 0.08;
    }
  }

  function say(msg) {
    question.focus();
    if (!msg.audio) { send({ type: 'said' }); return; }
    setStatus('The interviewer is asking…');
    const audio = new Audio(msg.audio);
    let reported = false;
    const said = () => { if (!reported) { reported = true; send({ type: 'said' }); } };
    audio.addEventListener('ended', said);
    audio.addEventListener('error', said);
    const playing = audio.play();
    if (playing && playing.catch) playing.catch(said); // no sound output: go on without it
  }

  const handlers = {
    plan(m) {
      progress.textContent = m.company + ' · ' + m.questions + ' question(s)' + (m.follow_ups ? '' : ' · no follow-ups');
      if (m.warning) notice(m.warning);
    },
    session(m) { sessionId = m.id; document.documentElement.dataset.session = m.id; },
    question(m) {
      progress.textContent = 'Question ' + m.number + ' of ' + m.total;
      question.textContent = m.text;
      question.dataset.id = m.id;
      showWords('', '');
    },
    say(m) {
      question.textContent = m.text;
      say(m);
    },
    cue(m) { beep(m.kind); if (m.kind === 'wrap_up') notice('Time to wrap up.'); },
    prep(m) { setStatus('Prepare: ' + Math.round(m.seconds) + ' s'); },
    listen(m) {
      limit = m.limit_s;
      listening = true;
      takeSent = 0;
      document.documentElement.dataset.takeSentSamples = '0';
      document.documentElement.dataset.listenMs = String(performance.now());
      pendingStop = null;
      buttons(true);
      showWords('', '');
      timer.textContent = '0:00 / ' + fmt(limit);
      setStatus('Recording — speak now. Space or Enter ends the answer.');
      record.focus();
    },
    live(m) {
      timer.textContent = fmt(m.elapsed_s) + ' / ' + fmt(limit);
      level.value = Math.max(-60, m.level_dbfs);
      if (m.words || m.tentative) showWords(m.words || '', m.tentative || '');
    },
    tentative(m) { showWords(words.dataset.final || '', m.words || ''); },
    heard(m) {
      listening = false;
      document.documentElement.dataset.heardMs = String(performance.now());
      document.documentElement.dataset.finalizeS = String(m.finalize_s);
      document.documentElement.dataset.backlogS = String(m.backlog_s);
      buttons(false);
      level.value = -60;
      if (m.stopped_by === 'limit') setStatus("Time's up — reviewing…");
      else if (m.stopped_by === 'enter' || m.stopped_by === 'end_of_audio') setStatus('Reviewing…');
    },
    review(m) {
      const received = performance.now();
      const box = document.createElement('section');
      box.className = m.earlier ? 'live-review earlier' : 'live-review';
      box.setAttribute('aria-label', 'Review');
      box.innerHTML = m.html; // built on the server from escaped text (mockint.render.session_page)
      reviews.prepend(box);
      // for benchmarks/bench_web.py: when it arrived, was in the page, and was painted
      const d = document.documentElement.dataset;
      d.reviewReceivedMs = String(received);
      d.reviewMs = String(performance.now());
      d.timing = JSON.stringify(m.timing || {});
      requestAnimationFrame(() => { d.reviewPaintMs = String(performance.now()); });
      if (m.stopped_by === 'skip') setStatus('Skipped.');
      else if (m.score !== null && m.score !== undefined) setStatus('Review ready: score ' + m.score + '.');
      else setStatus('Review ready.');
    },
    follow_up(m) {
      progress.textContent += ' · follow-up';
      notice('Follow-up: ' + m.prompt);
    },
    notice(m) { notice(m.text); },
    done(m) {
      finished = true;
      buttons(false);
      record.textContent = 'Done';
      setStatus(m.ended_by === 'interrupt' ? 'Stopped — what was recorded is saved.' : 'Session complete — saved.');
      done.hidden = false;
      done.innerHTML = '';
      const a = document.createElement('a');
      a.href = '/sessions/' + encodeURIComponent(m.session);
      a.textContent = 'Open the whole session';
      a.id = 'session-link';
      done.appendChild(a);
      a.focus();
      closeMicrophone();
    },
    error(m) { notice(m.text, 'error'); setStatus('Error'); buttons(false); },
  };

  // Final words as they are; the open utterance's tentative words (when the engine sends them) after
  // them, set apart, replaced by the next message.
  function showWords(final, tentative) {
    words.dataset.final = final;
    words.textContent = final;
    if (tentative) {
      const t = document.createElement('span');
      t.className = 'tentative';
      t.textContent = (final ? ' ' : '') + tentative;
      words.appendChild(t);
    }
  }

  function closeMicrophone() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    listening = false;
  }

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    $('start').disabled = true;
    form.hidden = true;
    room.hidden = false;
    setStatus('Opening the microphone…');
    try {
      await openMicrophone();
    } catch (err) {
      notice('No microphone: ' + err.message + ' — allow the microphone for this page, then reload.', 'error');
      setStatus('No microphone');
      return;
    }
    ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/practice');
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      setStatus('Starting…');
      const value = (id) => ($(id) ? $(id).value : '');
      send({
        type: 'start',
        company: value('company'),
        principle: value('principle'),
        drill: value('drill'),
        resume: form.dataset.resume || '',
        count: value('count'),
        answer_limit_s: $('limit').value,
        follow_ups: $('follow_ups').checked,
        voice: $('voice').checked,
      });
    };
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      const h = handlers[m.type];
      if (h) h(m);
    };
    ws.onclose = () => {
      if (!finished) { setStatus('Disconnected from mockint — what was recorded is saved.'); buttons(false); }
    };
  });

  record.addEventListener('click', () => stop('enter'));
  retake.addEventListener('click', () => stop('retake'));
  skip.addEventListener('click', () => stop('skip'));
  quit.addEventListener('click', () => stop('quit'));

  document.addEventListener('keydown', function (e) {
    if (!listening || e.altKey || e.ctrlKey || e.metaKey) return;
    const keys = { ' ': 'enter', Enter: 'enter', r: 'retake', s: 'skip', q: 'quit' };
    const key = keys[e.key];
    if (!key) return;
    e.preventDefault(); // Space must not also click the focused button
    stop(key);
  });

  // Click (or Enter on) a word of a reviewed answer: play the take from there.
  function seek(word) {
    const box = word.closest('[data-audio]');
    const audio = box && document.getElementById(box.getAttribute('data-audio'));
    if (!audio) return;
    audio.currentTime = parseFloat(word.getAttribute('data-start'));
    const p = audio.play();
    if (p && p.catch) p.catch(() => {});
  }
  reviews.addEventListener('click', (e) => { const w = e.target.closest('.w[data-start]'); if (w) seek(w); });
  reviews.addEventListener('keydown', (e) => {
    const w = e.target.closest('.w[data-start]');
    if (w && !listening && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); seek(w); }
  });

  document.documentElement.dataset.readyMs = String(performance.now()); // since navigation start
  document.documentElement.dataset.ready = '1';
})();
