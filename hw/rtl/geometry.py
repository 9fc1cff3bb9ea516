"""The accelerator's default build geometry, without myhdl: the command line reads it
before (and without) the ``hw`` extra."""

from lutdnn.model.weight_image import DEFAULT_LANES  # noqa: F401 (the image's and the build's default agree)

DEFAULT_MAX_CODE_BITS = 4
