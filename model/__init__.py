"""Model side: data, float network, training, quantization and the bit-exact reference."""
