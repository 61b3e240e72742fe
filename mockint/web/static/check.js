// The microphone check: the level of the microphone, measured in the page (nothing is sent).
(function () {
  'use strict';
  const button = document.getElementById('check-start');
  const meter = document.getElementById('check-level');
  const db = document.getElementById('check-db');
  const status = document.getElementById('check-status');
  let loudest = -100;
  button.addEventListener('click', async function () {
    button.disabled = true;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { autoGainControl: false } });
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const data = new Float32Array(analyser.fftSize);
      status.textContent = 'Listening… speak now.';
      function tick() {
        analyser.getFloatTimeDomainData(data);
        let sum = 0;
        for (let i = 0; i < data.length; i++) sum += data[i] * data[i];
        const level = Math.max(-100, 10 * Math.log10(sum / data.length + 1e-12));
        loudest = Math.max(loudest, level);
        meter.value = Math.max(-60, level);
        db.textContent = level.toFixed(0) + ' dBFS';
        status.textContent = loudest < -45 ? 'Too quiet so far: move closer or raise the input volume.'
          : loudest > -3 ? 'Too loud: it clips. Lower the input volume.' : 'Good: your voice is heard clearly.';
        requestAnimationFrame(tick);
      }
      tick();
    } catch (err) {
      status.textContent = 'No microphone: ' + err.message + ' — allow the microphone for this page.';
      button.disabled = false;
    }
  });
})();
