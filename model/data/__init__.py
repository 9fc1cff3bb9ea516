"""Making the training and evaluation data: corpora, speaker splits, mixing, augmentation, the training pool."""
