"""LUT quantization of the network's weights (docs/quantization.md).

Every scheme produces one :class:`codebook.Codebook` per layer (``2**M`` LUT
entries ``(value s8, shift K)`` and the intervals selecting them);
:func:`pipeline.quantize_model` turns a float model and a spec such as
``"4rsvb/8u"`` into a :class:`lutdnn.model.weight_image.WeightImage`.
"""
