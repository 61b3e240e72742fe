"""Sound in and out: recording, devices, playback, audio files, the take writer, the voice."""
