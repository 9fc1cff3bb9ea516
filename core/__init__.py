"""What every layer shares: signal constants and the STFT, audio files, levels, errors, atomic writes, external tools and the build cache.

The lowest package: it imports nothing else of lutdnn (tests/test_layering.py).
"""
