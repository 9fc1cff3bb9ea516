"""Host side: framing/STFT, audio I/O, accelerator backends and the command line."""
